// The text matrix's header (newcomer review L1): a legend for `.` and `X`, and the allowed count of
// pairs of two different pods, with a pod to itself (the diagonal) counted on its own.
import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../src/policy/model/cluster.js';
import type { Matrix } from '../../../src/policy/matrix/matrix.js';
import { matrixText } from '../../../src/policy/matrix/render-text.js';

function pod(id: number): Pod {
  const labels = { app: `a${id}` };
  return {
    id,
    name: `p${id}`,
    namespace: 'ns',
    labels,
    calicoLabels: labels,
    serviceAccount: 'default',
    ip: undefined,
    ports: [],
  };
}

function matrix(rows: string[]): Matrix {
  const n = rows.length;
  const allowed = Uint8Array.from(rows.join('').split(''), (c) => (c === '.' ? 1 : 0));
  expect(allowed.length).toBe(n * n);
  return {
    pods: Array.from({ length: n }, (_, i) => pod(i)),
    planes: [{ query: { protocol: 6, port: 80 }, label: 'TCP/80', allowed, staged: undefined }],
    explain: () => {
      throw new Error('not used');
    },
  } as unknown as Matrix;
}

describe('matrix text header', () => {
  it.each([
    // rows (`.` allowed), expected header
    { rows: ['..', '..'], header: 'TCP/80: 2 of 2 pairs of different pods allowed; a pod to itself: 2 of 2' },
    { rows: ['.X', 'X.'], header: 'TCP/80: 0 of 2 pairs of different pods allowed; a pod to itself: 2 of 2' },
    { rows: ['X.', '.X'], header: 'TCP/80: 2 of 2 pairs of different pods allowed; a pod to itself: 0 of 2' },
    {
      rows: ['.X.', 'X..', 'XXX'],
      header: 'TCP/80: 2 of 6 pairs of different pods allowed; a pod to itself: 2 of 3',
    },
    { rows: ['.'], header: 'TCP/80: 0 of 0 pairs of different pods allowed; a pod to itself: 1 of 1' },
  ])('$rows → $header', ({ rows, header }) => {
    const lines = matrixText(matrix(rows));
    expect(lines[0]).toBe(header);
    expect(lines[1]).toBe(
      'legend: . allowed  X denied  (rows: source pod, columns: destination pod, numbered as the rows)',
    );
    // The cells themselves are unchanged: row i of the table is rows[i].
    rows.forEach((r, i) => expect(lines[3 + i]).toContain(`  ${r}  ${i}`));
  });
});
