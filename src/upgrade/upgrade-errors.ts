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

/** Another picocal run holds the cluster's lock. */
export class LockHeldError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_LOCKED', message, details);
  }
}

/** Something the upgrade needs from the cluster (kubectl, a file on the control plane) did not work. */
export class ClusterCommandError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_CLUSTER', message, details);
  }
}
