// bootstrap and reprovision on a running cluster: they hold the upgrade's cluster lock for their whole
// run, and refuse before anything changes when calico_version is not what the cluster runs. One small lab
// (control plane + one board) for the file, bootstrapped on 3.31.7 once; torn down even on failure.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runProgram } from '../../src/cli/main.js';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { machineHere } from '../../src/cluster/machine-identity.js';
import { runCli, PICOCAL, type CliResult } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { labWorkDir } from './helpers/work-dir.js';
import { nodeOf, ssh } from './helpers/ssh.js';

const LAB = 'guards';

describeLab('bootstrap and reprovision guards on the virtual PicoCluster', () => {
  const lab = useLab(LAB, 2);
  let work = '';
  let inv = '';
  let kubeconfig = '';

  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');
  const inventoryWith = (version: string, name: string): string => {
    const file = join(work, name);
    writeFileSync(
      file,
      readFileSync(inv, 'utf8').replace(/calico_version: "[^"]+"/, `calico_version: "${version}"`),
    );
    return file;
  };
  const bootstrap = (inventory = inv, ...extra: string[]) =>
    runCli(['bootstrap', '-i', inventory, '--artifacts', SHARED_CALICO, ...extra], { cwd: work });
  const kubectl = async (...args: string[]) =>
    String((await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { reject: false })).stdout);
  const installedVersion = () =>
    kubectl('get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}');
  const operatorImage = () =>
    kubectl(
      'get',
      'deployment',
      'tigera-operator',
      '-n',
      'tigera-operator',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
  /** The newest run folder of a kind under the work folder. */
  const newestRun = (kind: string): string => {
    const base = join(work, '.picocal', 'runs');
    const id = readdirSync(base)
      .filter((d) => d.endsWith(`-${kind}`))
      .sort()
      .pop();
    if (!id) throw new Error(`no ${kind} run in ${base}`);
    return join(base, id);
  };
  async function waitForLock(deadlineMs = 60_000): Promise<string> {
    const until = Date.now() + deadlineMs;
    while (!existsSync(lockFile())) {
      if (Date.now() > until) throw new Error('the run never took the lock');
      await new Promise((r) => setTimeout(r, 50));
    }
    return readFileSync(lockFile(), 'utf8');
  }

  beforeAll(() => {
    ({ work, inventory: inv, kubeconfig } = labWorkDir('pc-guards-', lab.state, '3.31.7'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    'a first bootstrap holds the cluster lock for its whole run: a concurrent upgrade and bootstrap are refused naming it',
    { timeout: 300_000 },
    async () => {
      const first = bootstrap();
      const owner = JSON.parse(await waitForLock()) as { command: string; runId: string; pid: number };
      expect(owner).toMatchObject({ command: 'bootstrap', pid: process.pid });
      const [up, again] = await Promise.all([
        runCli(
          ['upgrade', '-i', inventoryWith('3.32.1', 'inventory.next.yaml'), '--artifacts', SHARED_CALICO],
          {
            cwd: work,
          },
        ),
        bootstrap(),
      ]);
      for (const r of [up, again]) {
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toContain(
          `another picocal run is changing this cluster: /var/lib/picocal/lock on pc-node1 is held by`,
        );
        expect(r.stderr).toContain(`pid ${process.pid} (bootstrap, run ${owner.runId}`);
      }
      // The refused bootstrap stopped before Ansible: its run folder has no Ansible events.
      expect(existsSync(join(newestRun('bootstrap'), 'events.jsonl'))).toBe(false);
      const r = await first;
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(await installedVersion()).toBe('v3.31.7');
      expect(existsSync(lockFile())).toBe(false);
    },
  );

  it('refuses a bootstrap whose calico_version is older than the running one (exit 2), changing nothing', async () => {
    const image = await operatorImage();
    const older = inventoryWith('3.30.7', 'inventory.older.yaml');
    const r = await bootstrap(older);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'refusing to bootstrap: calico_version 3.30.7 is older than the Calico 3.31.7 the cluster runs',
    );
    expect(r.stderr).toMatch(/inventory\.older\.yaml:\d+:\d+ all\.vars\.picocal\.calico_version:/);
    expect(r.stderr).toContain(`picocal upgrade -i ${older} --allow-downgrade`);
    expect(r.stderr).toContain('set calico_version: "3.31.7"');
    expect(existsSync(join(newestRun('bootstrap'), 'events.jsonl'))).toBe(false);
    expect(await operatorImage()).toBe(image);
    expect(await installedVersion()).toBe('v3.31.7');
    expect(existsSync(lockFile())).toBe(false);
  }, 60_000);

  it('refuses a reprovision whose calico_version is newer than the running one, pointing at picocal upgrade', async () => {
    const newer = inventoryWith('3.32.1', 'inventory.newer.yaml');
    const r = await runCli(['reprovision', 'pc-node2', '-i', newer, '--artifacts', SHARED_CALICO], {
      cwd: work,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'refusing to reprovision: calico_version 3.32.1 is newer than the Calico 3.31.7 the cluster runs',
    );
    expect(r.stderr).toContain(`picocal upgrade -i ${newer} (to calico_version 3.32.1`);
    expect(existsSync(join(newestRun('reprovision'), 'events.jsonl'))).toBe(false);
    expect(await installedVersion()).toBe('v3.31.7');
    expect(existsSync(lockFile())).toBe(false);
  }, 60_000);

  it("refuses a bootstrap while another machine's run holds the lock, naming it, and leaves that lock alone", async () => {
    const foreign = JSON.stringify({
      host: 'ops-laptop',
      user: 'alice',
      pid: 4242,
      runId: '20260101-120000-ab12-upgrade',
      command: 'upgrade',
      startedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
    });
    const cp = nodeOf(current(), 'pc-node1');
    const put = await ssh(
      current(),
      cp,
      `mkdir -p /var/lib/picocal && printf '%s\\n' '${foreign}' > /var/lib/picocal/lock`,
    );
    expect(put.exitCode, put.stderr).toBe(0);
    try {
      const r = await bootstrap();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        'is held by alice@ops-laptop pid 4242 (upgrade, run 20260101-120000-ab12-upgrade, since',
      );
      expect(r.stderr).toMatch(/, 5 min ago/);
      expect(r.stderr).toContain('--break-lock');
      expect(existsSync(join(newestRun('bootstrap'), 'events.jsonl'))).toBe(false);
      expect(readFileSync(lockFile(), 'utf8').trim()).toBe(foreign);
      // --dry-run takes no lock: it peeks at the lock and reads the version, and exits as the real run would.
      const runsBefore = readdirSync(join(work, '.picocal', 'runs')).length;
      const dry = await bootstrap(inv, '--dry-run', '--output', 'json');
      expect(dry.code, dry.stderr).toBe(1);
      // ... and leaves no run folder behind.
      expect(readdirSync(join(work, '.picocal', 'runs')).length).toBe(runsBefore);
      const plan = (JSON.parse(dry.stdout) as { plan: { action: string; verdict?: string }[] }).plan;
      expect(plan.slice(0, 2)).toEqual([
        {
          action: expect.stringMatching(
            /^lock: another picocal run is changing this cluster: .* held by alice@ops-laptop/,
          ),
          target: 'pc-node1',
          verdict: 'WOULD BE REFUSED',
          exitCode: 1,
        },
        {
          action: expect.stringMatching(/^version: the cluster runs Calico 3\.31\.7, as calico_version says/),
          target: 'pc-node1',
          verdict: 'PASS',
        },
      ]);
      expect(readFileSync(lockFile(), 'utf8').trim()).toBe(foreign);
    } finally {
      await ssh(current(), cp, 'rm -f /var/lib/picocal/lock');
    }
  }, 60_000);

  it(
    'reprovision takes over a lock left by a dead process on this machine, and releases it at the end',
    { timeout: 300_000 },
    async () => {
      const dead = JSON.stringify({
        ...machineHere(),
        user: 'root',
        pid: 2 ** 22 + 17,
        runId: 'crashed-bootstrap',
        command: 'bootstrap',
        startedAt: new Date().toISOString(),
      });
      const put = await ssh(
        current(),
        nodeOf(current(), 'pc-node1'),
        `mkdir -p /var/lib/picocal && printf '%s\\n' '${dead}' > /var/lib/picocal/lock`,
      );
      expect(put.exitCode, put.stderr).toBe(0);
      const r = await runCli(['reprovision', 'pc-node2', '-i', inv, '--artifacts', SHARED_CALICO], {
        cwd: work,
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stderr).toMatch(
        /taking over a stale lock on pc-node1: .*run crashed-bootstrap.* is no longer running/,
      );
      expect(existsSync(lockFile())).toBe(false);
    },
  );

  it('Ctrl-C during a bootstrap releases the lock', { timeout: 300_000 }, async () => {
    const controller = new AbortController();
    const run = runWithSignal(
      ['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO],
      work,
      controller.signal,
    );
    await waitForLock();
    // Into the run, past the lock and the version check.
    await new Promise((r) => setTimeout(r, 3000));
    controller.abort(new Error('interrupted (Ctrl-C)'));
    const r = await run;
    expect(r.code, r.stderr).not.toBe(0);
    expect(existsSync(lockFile())).toBe(false);
  });
});

async function runWithSignal(argv: string[], cwd: string, signal: AbortSignal): Promise<CliResult> {
  const chunks = { out: [] as string[], err: [] as string[] };
  const sink = (into: string[]) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        into.push(chunk.toString());
        cb();
      },
    });
  const code = await runProgram(PICOCAL, argv, {
    stdout: sink(chunks.out),
    stderr: sink(chunks.err),
    color: false,
    cwd,
    signal,
  });
  return { code, stdout: chunks.out.join(''), stderr: chunks.err.join('') };
}
