// promtool (Debian package `prometheus`) is the reference checker for rule files. Outside CI a missing
// promtool skips the tests that need it, with a message; in CI it is a failure.
import { execFileSync, spawnSync } from 'node:child_process';

export function promtoolAvailable(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env['CI'])
      throw new Error('promtool is missing: CI must install the Debian package prometheus');
    console.warn('skipping: promtool not found (apt-get install --no-install-recommends prometheus)');
    return false;
  }
}

export function promtool(...args: string[]): { code: number; output: string } {
  const r = spawnSync('promtool', args, { encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
