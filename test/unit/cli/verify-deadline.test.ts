// bootstrap's last step waits `picocal.timeouts.verify` seconds for every board to be healthy (default 180);
// --verify-timeout overrides it. The dry run's plan names the deadline the real run would use.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'pc-verify-deadline-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const example = readFileSync(resolve('inventory/picocluster.yaml'), 'utf8');
const withTimeouts = join(work, 'slow.yaml');
// The example inventory's picocal: block gains a timeouts map (its keys are indented by six spaces).
writeFileSync(
  withTimeouts,
  example.replace(/^(\s{4}picocal:\n)/m, '$1      timeouts:\n        verify: 420\n'),
);

const verifyRows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => / verify: Felix/.test(l))
    .map((l) => /\(within (\d+) s\)/.exec(l)?.[1]);

describe('the verify deadline', () => {
  it.each([
    ['the default', resolve('inventory/picocluster.yaml'), [], '180'],
    ['picocal.timeouts.verify', withTimeouts, [], '420'],
    ['--verify-timeout over the inventory', withTimeouts, ['--verify-timeout', '90'], '90'],
  ])('%s', async (_what, inventory, extra, seconds) => {
    const r = await runCli(['bootstrap', '-i', inventory, '--dry-run', ...extra], { cwd: work });
    const rows = verifyRows(r.stdout);
    expect(rows.length, r.stdout + r.stderr).toBe(5);
    expect(new Set(rows)).toEqual(new Set([seconds]));
  });
});
