// The matrix as a terminal table: one row per source, one column per destination (numbered, with a
// legend), `.` allowed and `X` denied, the way network-policy test suites print reachability. The count
// is of pairs of two different pods; a pod to itself (the diagonal) is counted on its own line.
import { podKey } from '../model/cluster.js';
import type { Matrix } from './matrix.js';

export function matrixText(m: Matrix): string[] {
  const n = m.pods.length;
  const names = m.pods.map(podKey);
  const width = Math.max(4, ...names.map((s) => s.length));
  const lines: string[] = [];
  for (const plane of m.planes) {
    let self = 0;
    for (let i = 0; i < n; i++) self += plane.allowed[i * n + i] ?? 0;
    const others = plane.allowed.reduce((a, b) => a + b, 0) - self;
    lines.push(
      `${plane.label}: ${others} of ${n * (n - 1)} pairs of different pods allowed; a pod to itself: ${self} of ${n}`,
      `legend: . allowed  X denied  (rows: source pod, columns: destination pod, numbered as the rows)`,
    );
    lines.push(`${''.padEnd(width)}  ${m.pods.map((_, j) => String(j % 10)).join('')}`);
    for (let i = 0; i < n; i++) {
      let row = '';
      for (let j = 0; j < n; j++) row += plane.allowed[i * n + j] ? '.' : 'X';
      lines.push(`${(names[i] ?? '').padEnd(width)}  ${row}  ${i}`);
    }
    if (plane.staged) {
      const changed: string[] = [];
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++)
          if (plane.staged[i * n + j] !== plane.allowed[i * n + j])
            changed.push(
              `  ${names[i]} → ${names[j]}: ${plane.staged[i * n + j] ? 'allowed' : 'denied'} once staged policies are enforced`,
            );
      lines.push(
        changed.length ? `staged changes (${changed.length}):` : 'staged policies change nothing here',
        ...changed,
      );
    }
    lines.push('');
  }
  return lines;
}

export function matrixJson(m: Matrix) {
  const n = m.pods.length;
  const rows = (a: Uint8Array) =>
    Array.from({ length: n }, (_, i) => Array.from(a.subarray(i * n, i * n + n), (v) => v === 1));
  return {
    pods: m.pods.map(podKey),
    planes: m.planes.map((p) => ({
      flow: p.label,
      allowedPairs: p.allowed.reduce((a, b) => a + b, 0),
      totalPairs: n * n,
      allowed: rows(p.allowed),
      ...(p.staged ? { staged: rows(p.staged) } : {}),
    })),
  };
}
