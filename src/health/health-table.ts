// The health report for a person (a kubectl-style table); its exit code is the CLI's (src/cli/exit-codes.ts).
import { plainText, styledTable, toned, type Segment, type StyledLine } from '../core/table.js';
import type { HealthReport, NodeHealth } from './health-types.js';

const HEADERS = ['NODE', 'ARCH', 'CALICO', 'FELIX', 'POD', 'PROBLEMS'] as const;

/** The status cells carry a tone (green ready, red anything else; PROBLEMS red when there are any). */
function row(n: NodeHealth): Segment[] {
  const problems = n.reachable
    ? n.problems.join('; ')
    : `unreachable: ${n.error?.message ?? n.problems.join('; ')}`;
  return [
    n.name,
    n.arch ?? '-',
    n.version ?? '-',
    toned(n.felix, n.felix === 'ready' ? 'good' : 'bad'),
    toned(n.pod, n.pod === 'Ready' ? 'good' : 'bad'),
    problems ? toned(problems, 'bad') : '-',
  ];
}

export function healthTable(report: HealthReport): string[] {
  return healthLines(report).map(plainText);
}

/** The table with its status cells toned (Output.printStyled colours them on a terminal). */
export function healthLines(report: HealthReport): StyledLine[] {
  const lines: StyledLine[] = styledTable(HEADERS, report.nodes.map(row));
  const { cluster } = report;
  lines.push('');
  if (!cluster.queried) {
    lines.push(`cluster: not checked: ${cluster.problems.join('; ')}`);
  } else if (cluster.problems.length === 0) {
    lines.push(
      `cluster: tigerastatus calico Available, Installation reports ${cluster.installedVersion ?? '?'}`,
    );
  } else {
    const note = cluster.advisory ? ' (advisory: only some nodes were verified)' : '';
    lines.push(`cluster${note}: ${cluster.problems.join('; ')}`);
  }
  const bad = report.nodes.filter((n) => !n.healthy);
  const healthy = report.nodes.length - bad.length;
  lines.push(
    bad.length === 0
      ? `${healthy}/${report.nodes.length} nodes healthy (Calico ${report.runningVersion ?? report.expectedVersion})`
      : `${healthy}/${report.nodes.length} nodes healthy; unhealthy: ${bad
          .map((n) => (n.reachable ? n.name : `${n.name} (unreachable)`))
          .join(', ')}`,
  );
  for (const n of bad.filter(restartMayHelp))
    lines.push(
      `next: picocal reprovision ${n.name} (prepares the board again and restarts its calico-node pod; add --reset to clear its Calico files first)`,
    );
  return lines;
}

/** Checks a reprovision can fix: Felix or the calico-node pod not (yet) ready or live. */
const RESTARTABLE = new Set(['felix-readiness', 'felix-liveness', 'pod-ready']);

/**
 * A reachable board whose only failures are Felix or its pod not being ready (not a version or CNI finding).
 * A pod whose state is unknown (the cluster could not be queried) is no evidence either way: it neither asks
 * for a reprovision nor rules one out.
 */
function restartMayHelp(n: NodeHealth): boolean {
  const failed = n.checks.filter((c) => !c.ok && !(c.name === 'pod-ready' && n.pod === 'unknown'));
  return n.reachable && failed.length > 0 && failed.every((c) => RESTARTABLE.has(c.name));
}
