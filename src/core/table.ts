// Tables as kubectl prints them: upper-case headers, columns padded to their widest cell and separated
// by three spaces, the last column unpadded so lines carry no trailing blanks. A cell may carry a tone
// (good/bad): Output.printStyled colours it on a terminal, and only it, never the padding; everywhere else
// (a pipe, a file, NO_COLOR, a string[] caller) the line is the plain text, byte for byte.

/** What a status cell says about its row: kubectl-style restraint colours this cell only. */
export type Tone = 'good' | 'bad';

export interface TonedText {
  text: string;
  tone: Tone;
}

/** A table cell, or a piece of a printed line. */
export type Segment = string | TonedText;

/** One printed line: plain text, or pieces of which some carry a tone. */
export type StyledLine = string | readonly Segment[];

export function toned(text: string, tone: Tone): TonedText {
  return { text, tone };
}

const textOf = (s: Segment | undefined): string =>
  s === undefined ? '' : typeof s === 'string' ? s : s.text;

/** The line without its tones: what a pipe gets. */
export function plainText(line: StyledLine): string {
  return typeof line === 'string' ? line : line.map(textOf).join('');
}

/** The table as lines of segments: each toned cell stays one segment, its padding a separate one. */
export function styledTable(headers: readonly string[], rows: readonly (readonly Segment[])[]): Segment[][] {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => textOf(r[i]).length)));
  const line = (cells: readonly Segment[]): Segment[] => {
    const out: Segment[] = [];
    cells.forEach((c, i) => {
      if (i > 0) out.push('   ');
      const text = textOf(c);
      if (text) out.push(c);
      if (i < cells.length - 1) out.push(' '.repeat(Math.max(0, (widths[i] ?? 0) - text.length)));
    });
    // No trailing blanks (as trimEnd on the plain line): drop blank pieces at the end, trim the last one.
    while (out.length && !textOf(out[out.length - 1]).trimEnd()) out.pop();
    const last = out[out.length - 1];
    if (typeof last === 'string') out[out.length - 1] = last.trimEnd();
    else if (last) out[out.length - 1] = { ...last, text: last.text.trimEnd() };
    return out;
  };
  return [line(headers.map((h) => h.toUpperCase())), ...rows.map(line)];
}

export function table(headers: readonly string[], rows: readonly (readonly Segment[])[]): string[] {
  return styledTable(headers, rows).map(plainText);
}
