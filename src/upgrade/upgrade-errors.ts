// Why an upgrade did not happen or did not finish. Refusals (checks before anything changed) and failures
// (after the cluster started changing) are different classes, so the CLI and the report can say which.
import { PicocalError, type ErrorDetails } from '../errors.js';

/** A check before the upgrade failed: nothing was changed. */
export class UpgradeRefusedError extends PicocalError {
  readonly problems: string[];
  constructor(message: string, problems: string[], details: ErrorDetails = {}) {
    super('E_UPGRADE_REFUSED', message, details);
    this.problems = problems;
  }
}

/** A node did not become healthy on the new version (or the rollout stalled): the gate stops the upgrade. */
export class GateFailedError extends PicocalError {
  constructor(node: string, reason: string) {
    super('E_UPGRADE_GATE', `[${node}] ${reason}`, { node });
  }
}
