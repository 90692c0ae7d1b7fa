// The status report for a person (one row per node); its exit code is the CLI's (src/cli/exit-codes.ts).
import { table } from '../../core/table.js';
import type { NodeStatus, StatusReport } from './status-types.js';

// MEAN APPLY: felix_int_dataplane_apply_time_seconds is a summary; the column is its sum / count, as the README says
// (the median when a board exports only quantiles).
const HEADERS = ['NODE', 'ENDPOINTS', 'POLICIES', 'IN SYNC', 'DATAPLANE FAILURES', 'MEAN APPLY', 'PROBLEMS'];

function num(v: number | null | undefined): string {
  return v === null || v === undefined ? '-' : String(v);
}

function seconds(v: number | null | undefined): string {
  if (v === null || v === undefined) return '-';
  return v < 1 ? `${(v * 1000).toFixed(1)}ms` : `${v.toFixed(2)}s`;
}

function row(n: NodeStatus): string[] {
  const f = n.felix;
  return [
    n.name,
    num(f?.endpoints),
    num(f?.policies),
    f ? (f.inSync ? 'yes' : 'no') : '-',
    num(f?.dataplaneFailures),
    seconds(f?.lastApplySeconds),
    n.problems.join('; ') || '-',
  ];
}

export function statusTable(report: StatusReport): string[] {
  const lines = table(HEADERS, report.nodes.map(row));
  const bad = report.nodes.filter((n) => !n.ok);
  lines.push('');
  lines.push(
    bad.length === 0
      ? `${report.nodes.length}/${report.nodes.length} nodes report Felix metrics and are in sync`
      : `${report.nodes.length - bad.length}/${report.nodes.length} nodes report Felix metrics and are in sync; problems on: ${bad
          .map((n) => (n.reachable ? n.name : `${n.name} (unreachable)`))
          .join(', ')}`,
  );
  return lines;
}
