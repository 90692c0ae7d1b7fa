// The one table formatter: kubectl's layout for every table picocal prints (health, status, upgrade and
// bootstrap reports, policy list and tests, runs, doctor).
import { describe, expect, it } from 'vitest';
import { table } from '../../../src/core/table.js';

describe('table', () => {
  // Was test/unit/health/health-table.test.ts "pads every column but the last" (formatTable).
  it('pads every column but the last', () => {
    expect(table(['A', 'LONG'], [['long-value', 'x']])).toEqual(['A            LONG', 'long-value   x']);
  });

  it.each([
    ['headers are upper-cased', ['node', 'ok'], [['pc-node1', 'yes']], ['NODE       OK', 'pc-node1   yes']],
    ['a header wider than its cells sets the width', ['NAME', 'X'], [['a', 'b']], ['NAME   X', 'a      b']],
    ['no rows is the header line alone', ['NODE', 'OK'], [], ['NODE   OK']],
    [
      'a missing cell counts as empty',
      ['A', 'B', 'C'],
      [['x'], ['yy', 'z', 'w']],
      ['A    B   C', 'x', 'yy   z   w'],
    ],
    ['an empty last cell leaves no trailing blanks', ['A', 'B'], [['x', '']], ['A   B', 'x']],
    ['a single column is not padded', ['A'], [['long'], ['s']], ['A', 'long', 's']],
  ])('%s', (_title, headers, rows, lines) => {
    expect(table(headers, rows)).toEqual(lines);
  });
});
