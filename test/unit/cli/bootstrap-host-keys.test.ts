// bootstrap/reprovision --accept-new-host-keys: the plan has a host-key step for every targeted board,
// before anything Ansible does (without the flag there is none: Ansible is strict on its own).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const INVENTORY = resolve('inventory/picocluster.yaml');
const BOARDS = ['pc-node1', 'pc-node2', 'pc-node3', 'pc-node4', 'pc-node5'];
const work = mkdtempSync(join(tmpdir(), 'pc-hostkeys-plan-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hostKeyRows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => / host key: /.test(l))
    .map((l) => l.split(/\s+/)[0]);

describe('the host-key step in the bootstrap plan', () => {
  it.each([
    ['bootstrap --accept-new-host-keys', ['bootstrap', '--accept-new-host-keys'], BOARDS],
    [
      'reprovision pc-node3 --accept-new-host-keys',
      ['reprovision', 'pc-node3', '--accept-new-host-keys'],
      ['pc-node3'],
    ],
    ['bootstrap without the flag', ['bootstrap'], []],
  ])('%s', async (_what, args, boards) => {
    const r = await runCli([...args, '-i', INVENTORY, '--dry-run'], { cwd: work });
    // The example inventory's boards do not exist here: the dry run's read-only lock check cannot reach
    // the control plane, so it exits 1 as the real run would; the plan is printed all the same.
    expect(r.code, r.stderr).toBe(1);
    expect(hostKeyRows(r.stdout)).toEqual(boards);
    if (boards.length === 0) return;
    // Before Ansible's first step.
    const lines = r.stdout.split('\n');
    const lastHostKey = Math.max(...lines.map((l, i) => (/ host key: /.test(l) ? i : -1)));
    const firstPreflight = lines.findIndex((l) => / preflight: /.test(l));
    expect(lastHostKey).toBeLessThan(firstPreflight);
  });
});
