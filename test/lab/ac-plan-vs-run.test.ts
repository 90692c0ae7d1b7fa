// The dry run's plan cannot drift from what a real run does: on a fresh 2-board lab, `bootstrap --dry-run`
// and `upgrade --dry-run` list the changes they would make (every change goes through src/core/changes.ts),
// then the real bootstrap and upgrade record the changes they made in their run folder (changes.jsonl):
// the two lists must be the same, in the same order. Also: the upgrade gate's polls reuse the run's SSH
// sessions (a login per board, not one per board per poll), counted in each board's sshd log.
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ClusterShell } from '../../src/cluster/cluster-shell.js';
import type { Change, MadeChange } from '../../src/core/changes.js';
import { loadInventory } from '../../src/inventory/load.js';
import { nodePaths } from '../../src/lab/node-process.js';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import { observe } from '../../src/upgrade/gate.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'ac-plan';

interface DryOut {
  exitCode: number;
  plan: { target: string; action: string; verdict?: string }[];
  changes: Change[];
}

describeLab('a dry run lists exactly the changes the real run then makes', () => {
  const lab = useLab(LAB, 2);
  let work = '';
  let inv = '';
  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;

  beforeAll(() => {
    ({ work, inventory: inv } = labWorkDir('pc-ac-plan-', lab.state, '3.31.7'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Run folders differ between the dry and the real run: compared without their names. */
  const sameRun = (c: Change): Change => ({
    target: c.target,
    action: c.action.replace(/\.picocal\/runs\/[^/\s]+/g, '.picocal/runs/<run>'),
  });
  const dryRun = async (argv: string[]): Promise<DryOut> => {
    const r = await runCli([...argv, '-i', inv, '--dry-run', '--output', 'json'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as DryOut;
  };
  /** The changes the newest run of `kind` made, from its run folder. */
  const made = (kind: string): MadeChange[] => {
    const runs = join(work, '.picocal', 'runs');
    const newest = readdirSync(runs)
      .filter((d) => d.endsWith(`-${kind}`))
      .sort()
      .at(-1)!;
    return readFileSync(join(runs, newest, 'changes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as MadeChange);
  };

  it('bootstrap', { timeout: 600_000 }, async () => {
    const argv = ['bootstrap', '--artifacts', SHARED_CALICO];
    const dry = await dryRun(argv);
    expect(dry.changes.length).toBeGreaterThan(0);
    const real = await runCli([...argv, '-i', inv], { cwd: work });
    expect(real.code, real.stderr).toBe(0);
    const changes = made('bootstrap');
    expect(changes.every((c) => c.ok)).toBe(true);
    expect(changes.map(sameRun)).toEqual(dry.changes.map(sameRun));
    // Every kind of change is in the list: the lock both ways, the render, the playbook.
    expect(changes.map((c) => c.action.split(' ')[0])).toEqual(
      expect.arrayContaining(['lock:', 'render', 'ansible-playbook']),
    );
  });

  it('upgrade', { timeout: 600_000 }, async () => {
    const argv = ['upgrade', '--to', '3.32.1', '--write-inventory', '--artifacts', SHARED_CALICO];
    const dry = await dryRun(argv);
    const real = await runCli([...argv, '-i', inv], { cwd: work });
    expect(real.code, real.stderr).toBe(0);
    const changes = made('upgrade');
    expect(changes.every((c) => c.ok)).toBe(true);
    expect(changes.map(sameRun)).toEqual(dry.changes.map(sameRun));
    expect(changes.filter((c) => c.action.startsWith('apply ')).map((c) => c.target)).toEqual([
      'pc-node1',
      'pc-node1',
      'pc-node1',
    ]);
  });

  it('the gate polls over the run pool: one login per board for any number of polls', async () => {
    const inventory = await loadInventory(inv, work);
    const logins = (node: string) =>
      readFileSync(nodePaths(current().dir, node).log, 'utf8').match(/Accepted publickey/g)?.length ?? 0;
    const before = inventory.hosts.map((h) => logins(h.name));
    const pool = new SshPool({ connectTimeoutMs: 10_000, acceptNewHostKeys: false });
    try {
      const run = {
        inventory,
        shell: new ClusterShell(pool, inventory),
        nodes: inventory.hosts.map((h) => h.name),
        settings: { target: 'v3.32.1', nodeTimeoutMs: 60_000, failOnDegraded: true },
        sshTimeoutMs: 10_000,
        acceptNewHostKeys: false,
        pool,
      };
      for (let poll = 0; poll < 3; poll++) {
        const obs = await observe(run);
        expect([...obs.nodes.values()].every((n) => n.healthy)).toBe(true);
      }
    } finally {
      pool.close();
    }
    expect(inventory.hosts.map((h) => logins(h.name) - before[inventory.hosts.indexOf(h)]!)).toEqual(
      inventory.hosts.map(() => 1),
    );
  });
});
