// Rewrite some documents of a multi-document YAML file and keep every other byte as it was, comments
// included: a file is cut at its `---` lines (a document marker at the start of a line cannot occur
// inside a YAML value), and only the chunks of changed documents are replaced.
import { dump } from 'js-yaml';

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

/** One document of a file after an edit: its value, whether the edit changed it, or removed it. */
export interface DocumentOutcome {
  value: unknown;
  changed: boolean;
  removed?: boolean;
}

const DUMP_OPTIONS = { lineWidth: 120, noRefs: true } as const;

/**
 * The file `text` with its documents replaced as `docs` says (one entry a document, in order): an
 * unchanged document keeps its chunk byte for byte, a changed one is written afresh after the comments
 * it opened with, a removed one is left out, and the text between documents stays.
 */
export function rewriteYamlDocuments(text: string, docs: readonly DocumentOutcome[]): string {
  const chunks = splitChunks(text);
  const docChunks = chunks.filter((c) => c.isDocument);
  if (docChunks.length !== docs.length) {
    // Document markers we cannot line up (e.g. `...` ends): write every document afresh.
    return docs
      .filter((d) => !d.removed)
      .map((d) => dump(d.value, DUMP_OPTIONS))
      .join('---\n');
  }
  let i = 0;
  let out = '';
  for (const chunk of chunks) {
    if (!chunk.isDocument) {
      out += chunk.text;
      continue;
    }
    const doc = docs[i++];
    if (!doc || doc.removed) continue;
    if (!doc.changed) {
      out += chunk.text;
      continue;
    }
    const { marker, comments } = leadingComments(chunk);
    out +=
      (marker || (out === '' || out.endsWith('\n') ? '' : '\n')) + comments + dump(doc.value, DUMP_OPTIONS);
  }
  return out;
}
