// What fails on the control plane for every workflow: another run holds the cluster's lock, or a command
// there (kubectl, a file under /var/lib/picocal) did not work.
import { PicocalError, type ErrorDetails } from '../errors.js';

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
