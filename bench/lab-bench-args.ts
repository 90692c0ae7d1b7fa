// The preamble of every bench that starts a lab: refuse on a machine that cannot run one (exit 2, the
// reason), and read `--flag VALUE` arguments.
import { labHostProblem } from '../src/lab/host-requirements.js';

export interface BenchArgs {
  /** The value after `flag`, if given. */
  at(flag: string): string | undefined;
  has(flag: string): boolean;
}

/** The bench's arguments, or undefined (after saying why) when this machine cannot run a lab. */
export function labBenchArgs(bench: string): BenchArgs | undefined {
  const problem = labHostProblem();
  if (problem) {
    process.stderr.write(`bench/${bench}: ${problem}\n`);
    return undefined;
  }
  const args = process.argv.slice(2);
  return {
    at: (f) => (args.indexOf(f) >= 0 ? args[args.indexOf(f) + 1] : undefined),
    has: (f) => args.includes(f),
  };
}
