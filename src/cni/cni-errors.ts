// The refusal when the cluster's CNI or pod CIDR is not ready for Calico: exit 2 (nothing was changed),
// every problem named with its board and the exact fix.
import { EXIT, PicocalError } from '../errors.js';
import type { CniProblem } from './cni-check.js';

export class CniNotReadyError extends PicocalError {
  readonly problems: CniProblem[];
  constructor(problems: CniProblem[]) {
    const lines = problems.map((p) => `  ${p.target}: ${p.message}\n    fix: ${p.fix}`);
    super(
      'E_CNI',
      `the cluster is not ready for Calico as its CNI (nothing was changed):\n${lines.join('\n')}`,
      { hint: 'fix the above, then run the same command again' },
      EXIT.usage,
    );
    this.problems = problems;
  }
}
