// Rewrite some documents of a multi-document YAML file and keep every other byte as it was, comments
// included: a file is cut at its `---` lines (a document marker at the start of a line cannot occur
// inside a YAML value), and only the chunks of changed documents are replaced.

export interface Chunk {
  /** The chunk's text, including its leading `---` line if it has one. */
  text: string;
  /** Whether the chunk holds a document (the part before the first `---` may hold only comments). */
  isDocument: boolean;
}

const MARKER = /^---(\s|$)/;

function hasContent(lines: string[]): boolean {
  return lines.some(
    (l) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.startsWith('%') && !MARKER.test(l),
  );
}

export function splitChunks(text: string): Chunk[] {
  const lines = text.split(/(?<=\n)/);
  const chunks: string[][] = [[]];
  for (const line of lines) {
    if (MARKER.test(line)) chunks.push([line]);
    else chunks[chunks.length - 1]?.push(line);
  }
  return chunks
    .map((c, i) => ({ text: c.join(''), isDocument: i === 0 ? hasContent(c) : true }))
    .filter((c, i) => i > 0 || c.text !== '');
}

/** The comment lines a chunk opens with (after its marker): they describe the document, keep them. */
export function leadingComments(chunk: Chunk): { marker: string; comments: string } {
  const lines = chunk.text.split(/(?<=\n)/);
  const marker = lines[0] !== undefined && MARKER.test(lines[0]) ? '---\n' : '';
  const rest = marker ? lines.slice(1) : lines;
  const comments: string[] = [];
  for (const l of rest) {
    if (l.trim() === '' || l.trimStart().startsWith('#')) comments.push(l);
    else break;
  }
  return { marker, comments: comments.join('') };
}
