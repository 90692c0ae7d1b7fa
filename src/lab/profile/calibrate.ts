// Calibration of a board profile's CPU limit on this host: the fixed workload (`/usr/bin/python3 -c pass`)
// is timed here, and the board's CPU share is what makes it take as long as on the modelled board. LAB ONLY.
import { spawnSync } from 'node:child_process';
import { LabError } from '../../errors.js';

export const PYTHON = '/usr/bin/python3';
export const PYTHON_WORKLOAD = [PYTHON, '-c', 'pass'] as const;

/** Milliseconds of one run of argv, wall clock. */
export function timeRunMs(argv: readonly string[]): number {
  const [file, ...args] = argv;
  if (!file) throw new LabError('nothing to time');
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, args, { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new LabError(`${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`, {
      hint: 'a board profile is calibrated with the host python3 (apt-get install python3)',
    });
  }
  return ms;
}

// Runs the workload `runs` times from one Python process and reports the children's CPU time (user + system)
// per run: unlike wall time, CPU time hardly grows when other work on a shared machine takes turns on the cores,
// so the calibration does not count the neighbours' load into the board's share.
const CPU_TIMER =
  'import resource,subprocess,sys\n' +
  'n=int(sys.argv[1])\n' +
  'for _ in range(n): subprocess.run(sys.argv[2:],check=True)\n' +
  'r=resource.getrusage(resource.RUSAGE_CHILDREN)\n' +
  'print((r.ru_utime+r.ru_stime)*1000/n)\n';

/** CPU milliseconds of one run of argv (mean of `runs`), measured as its parent's children's usage. */
export function cpuMsPerRun(argv: readonly string[], runs = 10): number {
  const r = spawnSync(PYTHON, ['-c', CPU_TIMER, String(runs), ...argv], { encoding: 'utf8' });
  const ms = Number(String(r.stdout).trim());
  if (r.status !== 0 || !Number.isFinite(ms) || ms <= 0) {
    throw new LabError(`could not time ${argv.join(' ')} (${r.error?.message ?? String(r.stderr).trim()})`, {
      hint: 'a board profile is calibrated with the host python3 (apt-get install python3)',
    });
  }
  return ms;
}

/** This host's CPU cost of the fixed workload, milliseconds (after one warm-up run). */
export function hostWorkloadMs(runs = 10): number {
  timeRunMs(PYTHON_WORKLOAD); // warm the page cache
  return cpuMsPerRun(PYTHON_WORKLOAD, runs);
}

export interface CpuLimit {
  quotaUs: number;
  periodUs: number;
  /** The board's share of one host CPU. */
  share: number;
}

/**
 * CFS bandwidth for a board whose workload takes `modelMs` where the host needs `hostMs`: the share of one CPU
 * is hostMs / modelMs. A short period (10 ms) spreads the throttling over a short process's life, so a 90 ms
 * start-up is slowed evenly, not run at full speed and then stopped; the kernel wants a quota of ≥ 1 ms.
 */
export function cpuLimitFor(hostMs: number, modelMs: number): CpuLimit {
  const share = Math.min(1, Math.max(0.01, hostMs / modelMs));
  const periodUs = Math.max(10_000, Math.ceil(1_000 / share));
  return { share, periodUs, quotaUs: Math.max(1_000, Math.round(share * periodUs)) };
}
