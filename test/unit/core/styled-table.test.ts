// Toned table cells (verify's FELIX/POD, status's IN SYNC, PROBLEMS): coloured on a colour terminal only,
// the cell and never its padding; without colour the bytes are those of the plain table.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output } from '../../../src/core/output.js';
import { plainText, styledTable, table, toned, type Segment } from '../../../src/core/table.js';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const END = '\x1b[39m';

function capture(): { stream: Writable; text: () => string } {
  let text = '';
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        text += chunk.toString();
        cb();
      },
    }),
    text: () => text,
  };
}

const ROWS: Segment[][] = [
  ['pc-node1', toned('ready', 'good'), '-'],
  ['pc-node2', toned('not-ready', 'bad'), toned('felix-readiness: 503', 'bad')],
  ['pc-node3', toned('  ', 'bad'), toned('x  ', 'bad')],
];
const plainRows = ROWS.map((r) => r.map((c) => (typeof c === 'string' ? c : c.text)));

describe('styled table', () => {
  it('has the plain table as its text, byte for byte (padding, no trailing blanks)', () => {
    const headers = ['node', 'felix', 'problems'];
    expect(styledTable(headers, ROWS).map(plainText)).toEqual(table(headers, plainRows));
    expect(table(headers, ROWS)).toEqual(table(headers, plainRows));
  });

  // [stdout colour, format, what is written]
  it.each([
    [false, 'text' as const, 'pc-node1   ready       -\npc-node2   not-ready   felix-readiness: 503\n'],
    [
      true,
      'text' as const,
      `pc-node1   ${GREEN}ready${END}       -\npc-node2   ${RED}not-ready${END}   ${RED}felix-readiness: 503${END}\n`,
    ],
    [true, 'json' as const, ''],
  ])('stdout colour %s, --output %s', (colour, format, written) => {
    const out = capture();
    const o = new Output(format, false, false, out.stream, out.stream, colour);
    for (const line of styledTable(['node', 'felix', 'problems'], ROWS.slice(0, 2)).slice(1))
      o.printStyled(line);
    expect(out.text()).toBe(written);
  });

  it('a board’s control characters stay visible inside a coloured cell', () => {
    const out = capture();
    new Output('text', false, false, out.stream, out.stream, true).printStyled([toned('evil\x1b[2J', 'bad')]);
    expect(out.text()).toBe(`${RED}evil\\x1b[2J${END}\n`);
  });
});
