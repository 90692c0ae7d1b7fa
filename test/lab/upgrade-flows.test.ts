// The upgrade's less travelled paths on a small virtual PicoCluster (control plane + 2 boards): a board left
// out with --skip-node, --no-rollback, --rollback RUN after a finished and after a failed run, and the
// rollback after the apply itself failed. One lab for the file, bootstrapped on 3.31.7 once; every test
// leaves the cluster healthy on 3.31.7 for the next; torn down even on failure.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { nodeOf, ssh } from './helpers/ssh.js';

const LAB = 'uflows';

describeLab('picocal upgrade flows on the virtual PicoCluster', () => {
  const lab = useLab(LAB, 3);
  let work = '';
  let inv = '';
  let kubeconfig = '';

  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  const upgrade = async (...args: string[]) => {
    // --to V names a version other than the inventory's: --write-inventory sets it there once upgraded.
    const extra = args.includes('--to') ? ['--write-inventory'] : [];
    const r = await runCli(['upgrade', '-i', inv, '--output', 'json', ...args, ...extra], { cwd: work });
    const report = r.stdout ? (JSON.parse(r.stdout) as UpgradeReport) : undefined;
    return { ...r, report };
  };
  const kubectl = async (...args: string[]) =>
    String((await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { reject: false })).stdout);
  const installedVersion = () =>
    kubectl('get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}');
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');

  /** Polls verify's checks until every node is healthy on `version` (or the deadline); returns the sick. */
  async function unhealthyOn(version: string, deadlineMs = 90_000): Promise<string[]> {
    const inventory = inventoryAt(await loadInventory(inv, work), version);
    const until = Date.now() + deadlineMs;
    for (;;) {
      // The data path only: a board left out with --skip-node keeps its old calicoctl.
      const report = await verifyCluster(inventory, {
        timeoutMs: 8000,
        acceptNewHostKeys: false,
        calicoctlVersion: null,
      });
      const sick = report.nodes.filter((n) => !n.healthy).map((n) => `${n.name}: ${n.problems.join('; ')}`);
      if (!report.cluster.checks.every((c) => c.ok))
        sick.push(...report.cluster.checks.filter((c) => !c.ok).map((c) => `cluster: ${c.detail}`));
      if (sick.length === 0 || Date.now() > until) return sick;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  beforeAll(async () => {
    ({ work, inventory: inv, kubeconfig } = labWorkDir('pc-uflows-', lab.state, '3.31.7'));
    const boot = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
    expect(boot.code, boot.stdout + boot.stderr).toBe(0);
    expect(await installedVersion()).toBe('v3.31.7');
  }, 300_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let skipRun = '';

  it(
    '--skip-node with that board powered off: refused while the board eats maxUnavailable, then upgrades the others and exits 3 naming it',
    { timeout: 300_000 },
    async () => {
      await labFault(LAB, 'pc-node3', 'power-off');
      try {
        const tight = await upgrade(
          '--to',
          '3.32.1',
          '--artifacts',
          SHARED_CALICO,
          '--skip-node',
          'pc-node3',
          '--max-unavailable',
          '1',
        );
        expect(tight.code, tight.stderr).toBe(1);
        expect(tight.stderr).toContain(
          'refusing to upgrade: pc-node3 has no Ready calico-node pod and counts against maxUnavailable 1',
        );
        expect(tight.stderr).toContain('--max-unavailable 2');
        expect(await installedVersion()).toBe('v3.31.7');

        const r = await upgrade(
          '--to',
          '3.32.1',
          '--artifacts',
          SHARED_CALICO,
          '--skip-node',
          'pc-node3',
          '--max-unavailable',
          '2',
        );
        expect(r.code, r.stderr).toBe(3);
        const report = r.report!;
        skipRun = report.runId;
        expect(report).toMatchObject({ kind: 'upgrade', result: 'upgraded', skipped: ['pc-node3'] });
        expect(report.nodes.find((n) => n.name === 'pc-node3')).toMatchObject({ status: 'skipped' });
        for (const name of ['pc-node1', 'pc-node2'])
          expect(
            report.nodes.find((n) => n.name === name),
            name,
          ).toMatchObject({
            status: 'healthy',
            oldVersion: 'v3.31.7',
            newVersion: 'v3.32.1',
          });
        expect(report.next[0]).toMatch(
          /^pc-node3 was skipped: when back, the operator rolls it to v3\.32\.1/,
        );
        expect(existsSync(lockFile())).toBe(false);
      } finally {
        await labFault(LAB, 'pc-node3', 'power-on');
      }
      // Back on, the skipped board is rolled by the operator on its own.
      expect(await unhealthyOn('3.32.1')).toEqual([]);
      expect(await installedVersion()).toBe('v3.32.1');
    },
  );

  it(
    '--rollback RUN after a finished upgrade puts the snapshot back: exit 0, every node healthy on 3.31.7',
    { timeout: 300_000 },
    async () => {
      expect(skipRun).not.toBe('');
      // The finished upgrade gave the control plane (a gated board) the new calicoctl.
      expect((await ssh(current(), current().nodes[0]!, 'calicoctl version')).stdout).toContain('v3.32.1');
      const r = await upgrade('--rollback', skipRun);
      expect(r.code, r.stderr).toBe(0);
      expect(r.report).toMatchObject({
        kind: 'rollback',
        result: 'rolled-back',
        from: 'v3.31.7',
        to: 'v3.32.1',
      });
      expect(r.report?.nodes.map((n) => [n.name, n.status, n.finalVersion])).toEqual([
        ['pc-node1', 'healthy', 'v3.31.7'],
        ['pc-node2', 'healthy', 'v3.31.7'],
        ['pc-node3', 'healthy', 'v3.31.7'],
      ]);
      const runDir = r.report!.runDir;
      // The upgrade's own record stays; the rollback's is beside it.
      expect((JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as UpgradeReport).result).toBe(
        'upgraded',
      );
      expect(existsSync(join(runDir, 'rollback-report.json'))).toBe(true);
      expect(await unhealthyOn('3.31.7', 10_000)).toEqual([]);
      expect(await installedVersion()).toBe('v3.31.7');
      // The upgrade had put the new calicoctl on the boards it gated: the rollback puts 3.31.7's back.
      expect(r.report?.calicoctl?.failed).toEqual([]);
      const ctl = await verifyCluster(inventoryAt(await loadInventory(inv, work), '3.31.7'), {
        timeoutMs: 8000,
        acceptNewHostKeys: false,
      });
      for (const n of ctl.nodes) {
        expect(
          n.checks.find((c) => c.name === 'calicoctl'),
          n.name,
        ).toMatchObject({ ok: true, detail: 'v3.31.7' });
      }
    },
  );

  it(
    '--no-rollback stops at the failed board and leaves the cluster as it is (exit 1); --rollback RUN then restores 3.31.7',
    { timeout: 400_000 },
    async () => {
      await labFault(LAB, 'pc-node2', 'fail-version', '3.32.1');
      try {
        const r = await upgrade(
          '--to',
          '3.32.1',
          '--artifacts',
          SHARED_CALICO,
          '--no-rollback',
          '--node-timeout',
          '60',
        );
        expect(r.code, r.stderr).toBe(1);
        const report = r.report!;
        expect(report.result).toBe('failed');
        expect(report.rollback).toBeUndefined();
        expect(report.failure?.node).toBe('pc-node2');
        expect(report.nodes.find((n) => n.name === 'pc-node2')?.status).toBe('failed');
        expect(report.next[0]).toBe(`roll back: picocal upgrade -i ${inv} --rollback ${report.runId}`);
        // Left as it is: the failed board still has the new version's pod, the operator has not finished.
        const images = await kubectl(
          'get', 'pods', '-n', 'calico-system', '-l', 'k8s-app=calico-node',
          '--field-selector', 'spec.nodeName=pc-node2', '-o', 'jsonpath={.items[*].spec.containers[0].image}',
        ); // prettier-ignore
        expect(images).toMatch(/:v3\.32\.1$/);
        expect(await installedVersion()).toBe('v3.31.7');
        expect(existsSync(lockFile())).toBe(false);

        // The new version is still broken on pc-node2: rolling back is what gets the cluster well again.
        const back = await upgrade('--rollback', report.runId);
        expect(back.code, back.stderr).toBe(0);
        expect(back.report).toMatchObject({ kind: 'rollback', result: 'rolled-back' });
        expect(await unhealthyOn('3.31.7', 30_000)).toEqual([]);
        expect(await installedVersion()).toBe('v3.31.7');
      } finally {
        await labFault(LAB, 'pc-node2', 'clear');
      }
    },
  );

  it(
    'a manifest the API server rejects half-way through the apply is rolled back: exit 1, every node healthy on 3.31.7',
    { timeout: 300_000 },
    async () => {
      // An offline mirror for 3.30.7 (no pinned sha256 in the catalog: user-supplied files are taken as
      // they are) whose operator manifest was hand-edited wrongly: the CRDs go in, the operator does not.
      const mirror = join(work, 'mirror');
      const dir = join(mirror, 'v3.30.7', 'manifests');
      mkdirSync(dir, { recursive: true });
      const from = join(SHARED_CALICO, 'v3.31.7', 'manifests');
      cpSync(join(from, 'operator-crds.yaml'), join(dir, 'operator-crds.yaml'));
      cpSync(join(from, 'custom-resources.yaml'), join(dir, 'custom-resources.yaml'));
      const operator = readFileSync(join(from, 'tigera-operator.yaml'), 'utf8');
      const broken = operator.replace(
        /(kind: Deployment\nmetadata:\n {2}name: )tigera-operator/,
        '$1tigera_operator',
      );
      expect(broken).not.toBe(operator);
      writeFileSync(join(dir, 'tigera-operator.yaml'), broken);

      const r = await upgrade('--to', '3.30.7', '--allow-downgrade', '--artifacts', mirror);
      expect(r.code, r.stderr).toBe(1);
      const report = r.report!;
      expect(report.result).toBe('rolled-back');
      expect(report.failure?.node).toBe('pc-node1');
      expect(report.failure?.reason).toMatch(
        /kubectl apply .*tigera-operator\.yaml failed on pc-node1: .*tigera_operator/,
      );
      expect(report.rollback?.healthy).toBe(true);
      expect(report.nodes.every((n) => n.finalVersion === 'v3.31.7')).toBe(true);
      expect(await unhealthyOn('3.31.7', 10_000)).toEqual([]);
      expect(await installedVersion()).toBe('v3.31.7');
      expect(existsSync(lockFile())).toBe(false);
    },
  );
});
