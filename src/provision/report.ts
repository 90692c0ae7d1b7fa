// The outcome of a provisioning run per board, from Ansible's results and (when verified) health. The exit
// code it maps to is the CLI's (src/cli/commands/bootstrap.ts).
import type { HostStats } from '../ansible/events.js';
import type { NodeProgress } from '../ansible/node-progress.js';

export interface NodeHealthSummary {
  healthy: boolean;
  reachable: boolean;
  version: string | undefined;
  problems: string[];
}

export interface NodeReport {
  name: string;
  status: 'ok' | 'failed' | 'unreachable' | 'unhealthy' | 'not-run';
  stats: Omit<HostStats, 'rescued' | 'ignored'>;
  failedTask: string | undefined;
  message: string | undefined;
  health: NodeHealthSummary | undefined;
}

export interface ProvisionReport {
  runId: string;
  runDir: string;
  nodes: NodeReport[];
  /** The exit code the CLI maps the board outcomes to (recorded in summary.json). */
  exitCode: number;
}

export function nodeReport(
  p: NodeProgress | undefined,
  name: string,
  health: NodeHealthSummary | undefined,
): NodeReport {
  const stats = {
    ok: p?.ok ?? 0,
    changed: p?.changed ?? 0,
    failed: p?.failed ?? 0,
    unreachable: p?.unreachable ?? 0,
    skipped: p?.skipped ?? 0,
  };
  let status: NodeReport['status'] =
    p === undefined || p.status === 'pending' ? 'not-run' : p.status === 'running' ? 'failed' : p.status;
  if (status === 'ok' && health && !health.healthy) status = health.reachable ? 'unhealthy' : 'unreachable';
  return {
    name,
    status,
    stats,
    failedTask: p?.failure?.task,
    message: p?.failure?.message ?? (health && !health.healthy ? health.problems.join('; ') : undefined),
    health,
  };
}
