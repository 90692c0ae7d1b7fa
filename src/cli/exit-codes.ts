// Reports to exit codes: only the CLI decides how a command ends (README "Exit codes"). The domain
// code below it returns what it found; these rules read that.
import { EXIT, type ExitCode } from '../errors.js';
import type { HealthReport } from '../health/health-types.js';
import type { StatusReport } from '../observe/status/status-types.js';

/**
 * 0: every node and the cluster healthy. 3: some nodes unhealthy or unreachable, the others fine.
 * 1: nothing healthy, or the cluster side failed on its own (kubectl unreachable, TigeraStatus degraded
 * while every node looks fine).
 */
export function exitCodeFor(report: HealthReport): ExitCode {
  const bad = report.nodes.filter((n) => !n.healthy).length;
  if (report.nodes.length > 0 && bad === report.nodes.length) return EXIT.failed;
  if (!report.cluster.queried) return EXIT.failed;
  if (bad > 0) return EXIT.partial;
  if (!report.cluster.advisory && report.cluster.checks.some((c) => !c.ok)) return EXIT.failed;
  return EXIT.ok;
}

/** 0: every node fine; 3: some nodes not (named); 1: none. */
export function statusExitCode(report: StatusReport): ExitCode {
  const bad = report.nodes.filter((n) => !n.ok).length;
  if (report.nodes.length > 0 && bad === report.nodes.length) return EXIT.failed;
  return bad > 0 ? EXIT.partial : EXIT.ok;
}
