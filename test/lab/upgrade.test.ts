// `picocal upgrade` on a real virtual PicoCluster (5 sshd nodes, the Kubernetes API stand-in driven by
// the real kubectl, the operator stand-in rolling calico-node) with the real 3.31.7 and 3.32.1 manifests
// from ../shared/calico. One lab for the whole file, bootstrapped on 3.31.7 once; torn down even on failure.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyCluster } from '../../src/health/verify-cluster.js';
import { loadInventory } from '../../src/inventory/load.js';
import { labFault } from '../../src/lab/lab-fault.js';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import type { UpgradeReport } from '../../src/upgrade/report.js';
import { inventoryAt } from '../../src/upgrade/upgrade-context.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { labWorkDir } from './helpers/work-dir.js';
import { nodeOf } from './helpers/ssh.js';

const LAB = 'upgrade-t';

describeLab('picocal upgrade on the virtual PicoCluster', () => {
  const lab = useLab(LAB, 5);
  let work = '';
  let inv = '';
  let kubeconfig = '';

  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  // --to V names a version other than the inventory's: --write-inventory sets it there once upgraded.
  const upgrade = (...args: string[]) =>
    runCli(
      [
        'upgrade',
        '-i',
        inv,
        '--artifacts',
        SHARED_CALICO,
        ...args,
        ...(args.includes('--to') ? ['--write-inventory'] : []),
      ],
      { cwd: work },
    );
  const kubectl = async (...args: string[]) => {
    const r = await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { reject: false });
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const installedVersion = async () =>
    (await kubectl('get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}')).stdout;
  const operatorImage = async () =>
    (
      await kubectl(
        'get', 'deployment', 'tigera-operator', '-n', 'tigera-operator',
        '-o', 'jsonpath={.spec.template.spec.containers[0].image}',
      )
    ).stdout; // prettier-ignore
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');

  /** Polls `picocal verify`'s checks until every node is healthy on `version` (or the deadline). */
  async function healthyOn(version: string, deadlineMs = 60_000) {
    const inventory = inventoryAt(await loadInventory(inv, work), version);
    const until = Date.now() + deadlineMs;
    for (;;) {
      const report = await verifyCluster(inventory, { timeoutMs: 8000, acceptNewHostKeys: false });
      if (report.healthy || Date.now() > until) return report;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  beforeAll(async () => {
    ({ work, inventory: inv, kubeconfig } = labWorkDir('pc-upgrade-', lab.state, '3.31.7'));
    const boot = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
    expect(boot.code, boot.stdout + boot.stderr).toBe(0);
    expect(await installedVersion()).toBe('v3.31.7');
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('refuses a downgrade before it changes anything', async () => {
    const r = await upgrade('--to', '3.30.7');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('refusing to downgrade Calico from 3.31.7 to 3.30.7');
    expect(r.stderr).toContain('--allow-downgrade');
    expect(await installedVersion()).toBe('v3.31.7');
    expect(existsSync(lockFile())).toBe(false);
  });

  it('refuses, naming the node, when a node is down before the run, and changes nothing', async () => {
    const image = await operatorImage();
    await labFault(LAB, 'pc-node4', 'power-off');
    try {
      const r = await upgrade('--to', '3.32.1');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /refusing to upgrade: pc-node4 is not healthy on 3\.31\.7; nothing was changed/,
      );
      expect(r.stderr).toContain('--skip-node pc-node4');
      expect(await operatorImage()).toBe(image);
      expect(await installedVersion()).toBe('v3.31.7');
      expect(existsSync(lockFile())).toBe(false);
    } finally {
      await labFault(LAB, 'pc-node4', 'power-on');
    }
    expect((await healthyOn('3.31.7')).healthy).toBe(true);
  }, 120_000);

  it(
    'stops at a node where 3.32.1 never becomes healthy, rolls back, and exits 1 with every node healthy on 3.31.7',
    { timeout: 300_000 },
    async () => {
      await labFault(LAB, 'pc-node3', 'fail-version', '3.32.1');
      try {
        const r = await upgrade('--to', '3.32.1', '--node-timeout', '90', '--output', 'json');
        expect(r.code, r.stderr).toBe(1);
        const report = JSON.parse(r.stdout) as UpgradeReport;
        expect(report.result).toBe('rolled-back');
        expect(report.failure?.node).toBe('pc-node3');
        expect(report.rollback?.healthy).toBe(true);
        expect(report.maxUnreadySeen).toBeLessThanOrEqual(1);
        expect(report.nodes.find((n) => n.name === 'pc-node3')?.status).toBe('failed');
        expect(report.nodes.every((n) => n.finalVersion === 'v3.31.7')).toBe(true);
        expect(JSON.parse(readFileSync(join(report.runDir, 'report.json'), 'utf8'))).toEqual(report);
        expect(existsSync(join(report.runDir, 'snapshot', 'manifests', 'operator-crds.yaml'))).toBe(true);
        const health = await healthyOn('3.31.7', 5000);
        expect(
          health.nodes.filter((n) => !n.healthy).map((n) => `${n.name}: ${n.problems.join('; ')}`),
        ).toEqual([]);
        expect(await installedVersion()).toBe('v3.31.7');
        expect(existsSync(lockFile())).toBe(false);
      } finally {
        await labFault(LAB, 'pc-node3', 'clear');
      }
    },
  );

  it(
    'upgrades to 3.32.1 with never more than maxUnavailable 2 nodes unready, while a second run is refused',
    { timeout: 300_000 },
    async () => {
      let maxSeen = 0;
      let polling = true;
      const observer = (async () => {
        while (polling) {
          const r = await kubectl(
            'get',
            'pods',
            '-n',
            'calico-system',
            '-l',
            'k8s-app=calico-node',
            '-o',
            'json',
          );
          if (r.code === 0) {
            type Pod = {
              spec: { nodeName: string };
              status?: { conditions?: { type: string; status: string }[] };
            };
            const pods = (JSON.parse(r.stdout) as { items: Pod[] }).items;
            const ready = new Set(
              pods
                .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
                .map((p) => p.spec.nodeName),
            );
            maxSeen = Math.max(maxSeen, current().nodes.filter((n) => !ready.has(n.name)).length);
          }
          await new Promise((res) => setTimeout(res, 250));
        }
      })();
      const first = upgrade('--to', '3.32.1', '--max-unavailable', '2', '--output', 'json');
      const lockDeadline = Date.now() + 30_000;
      while (!existsSync(lockFile()) && Date.now() < lockDeadline)
        await new Promise((res) => setTimeout(res, 100));
      expect(existsSync(lockFile())).toBe(true);
      const second = await upgrade('--to', '3.32.1');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(
        /another picocal run is changing this cluster: \/var\/lib\/picocal\/lock on pc-node1 is held by .* pid \d+/,
      );

      const r = await first;
      polling = false;
      await observer;
      expect(r.code, r.stderr).toBe(0);
      const report = JSON.parse(r.stdout) as UpgradeReport;
      expect(report.result).toBe('upgraded');
      expect(report.maxUnreadySeen).toBeLessThanOrEqual(2);
      expect(maxSeen).toBeGreaterThanOrEqual(1);
      expect(maxSeen).toBeLessThanOrEqual(2);
      for (const n of report.nodes) {
        expect(n).toMatchObject({ status: 'healthy', oldVersion: 'v3.31.7', newVersion: 'v3.32.1' });
        // null only for a board the operator rolled before the gate's first poll (not timed).
        if (n.timeToHealthyMs !== null) expect(n.timeToHealthyMs).toBeGreaterThan(0);
      }
      expect(report.nodes.filter((n) => n.timeToHealthyMs !== null).length).toBeGreaterThanOrEqual(3);
      expect(await installedVersion()).toBe('v3.32.1');
      expect(existsSync(lockFile())).toBe(false);
      // After the rollout, every board got the new calicoctl (the lab's LAB-ONLY stand-in for v3.32.1).
      expect(report.calicoctl?.failed).toEqual([]);
      expect(report.calicoctl?.files.map((f) => f.source)).toContain('lab-only');
      const health = await healthyOn('3.32.1', 5000);
      for (const n of health.nodes) {
        expect(
          n.checks.find((c) => c.name === 'calicoctl'),
          n.name,
        ).toMatchObject({ ok: true, detail: 'v3.32.1' });
      }
    },
  );
});
