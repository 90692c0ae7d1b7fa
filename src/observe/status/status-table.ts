// The status report for a person (one row per node); its exit code is the CLI's (src/cli/exit-codes.ts).
import { plainText, styledTable, toned, type Segment, type StyledLine } from '../../core/table.js';
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

/** IN SYNC carries the row's tone (green yes, red no or unknown); PROBLEMS red when there are any. */
function row(n: NodeStatus): Segment[] {
  const f = n.felix;
  const problems = n.problems.join('; ');
  return [
    n.name,
    num(f?.endpoints),
    num(f?.policies),
    toned(f ? (f.inSync ? 'yes' : 'no') : '-', f?.inSync ? 'good' : 'bad'),
    num(f?.dataplaneFailures),
    seconds(f?.lastApplySeconds),
    problems ? toned(problems, 'bad') : '-',
  ];
}

export function statusTable(report: StatusReport): string[] {
  return statusLines(report).map(plainText);
}

/** The table with its status cells toned (Output.printStyled colours them on a terminal). */
export function statusLines(report: StatusReport): StyledLine[] {
  const lines: StyledLine[] = styledTable(HEADERS, report.nodes.map(row));
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
