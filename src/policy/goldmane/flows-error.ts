// The one error for Calico's flow API: not installed, not reachable, or an answer picocal cannot read.
import { EXIT, PicocalError, type ErrorDetails } from '../../errors.js';

export class FlowsApiError extends PicocalError {
  constructor(message: string, details: ErrorDetails = {}) {
    super('E_FLOWS', message, details, EXIT.failed);
  }
}

/** The cluster has no flow API (no Whisker service): callers may fall back to another source. */
export class FlowsApiAbsentError extends FlowsApiError {}
