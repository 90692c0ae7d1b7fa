// Calico release × the cluster's Kubernetes version, on a 2-board lab whose API stand-in reports a k3s
// v1.33 (`lab up --kubernetes-version`, LAB ONLY): Calico 3.32 is tested with 1.34–1.36 only, 3.31 with
// 1.32–1.35. bootstrap and upgrade read the version with the real kubectl on the control plane and refuse
// the untested combination before changing anything (exit 2; a dry run shows WOULD BE REFUSED), unless
// --allow-unsupported-kubernetes, which goes on with a loud warning; reprovision (no version change) warns.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf } from './helpers/ssh.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'cx-k8s';
const K8S = 'v1.33.6+k3s1';

interface DryPlan {
  exitCode: number;
  plan: { target: string; action: string; verdict?: string }[];
}

describeLab('the Kubernetes version is checked against what the Calico version supports', () => {
  const lab = useLab(LAB, 2, { kubernetesVersion: K8S });
  let work = '';
  let inv = '';
  let kubeconfig = '';
  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');
  const inventoryWith = (version: string): string => {
    const file = join(work, `inventory.${version}.yaml`);
    writeFileSync(
      file,
      readFileSync(inv, 'utf8').replace(/calico_version: "[^"]+"/, `calico_version: "${version}"`),
    );
    return file;
  };
  const cli = (...argv: string[]) => runCli([...argv, '--artifacts', SHARED_CALICO], { cwd: work });
  const kubectl = async (...args: string[]) =>
    execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { reject: false });
  const installedVersion = async () =>
    String(
      (await kubectl('get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}')).stdout,
    );
  const runs = (kind: string): string[] => {
    const base = join(work, '.picocal', 'runs');
    return existsSync(base)
      ? readdirSync(base)
          .filter((d) => d.endsWith(`-${kind}`))
          .sort()
      : [];
  };
  const kubernetesEntry = (out: DryPlan) =>
    out.plan.find((p) => /^(kubernetes|check): .*Kubernetes v1\.33\.6\+k3s1/.test(p.action));

  beforeAll(() => {
    ({ work, inventory: inv, kubeconfig } = labWorkDir('cx-k8s-', lab.state, '3.31.7'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the API stand-in reports the version lab up was given (real kubectl version)', async () => {
    const r = await kubectl('version', '-o', 'json');
    expect(r.exitCode, r.stderr).toBe(0);
    const v = JSON.parse(r.stdout) as { serverVersion: { gitVersion: string; major: string; minor: string } };
    expect(v.serverVersion).toMatchObject({ gitVersion: K8S, major: '1', minor: '33' });
  });

  it('a dry-run bootstrap of 3.32.1 on Kubernetes 1.33 shows WOULD BE REFUSED (exit 2)', async () => {
    const r = await cli('bootstrap', '-i', inventoryWith('3.32.1'), '--dry-run', '--output', 'json');
    expect(r.code, r.stderr).toBe(2);
    const out = JSON.parse(r.stdout) as DryPlan;
    expect(out.exitCode).toBe(2);
    const entry = kubernetesEntry(out);
    expect(entry?.verdict).toBe('WOULD BE REFUSED');
    expect(entry?.action).toContain('Calico 3.32 supports Kubernetes 1.34–1.36');
    expect(out.plan.filter((p) => p.verdict && p.verdict !== 'PASS')).toEqual([entry]);
  }, 120_000);

  it('bootstrap of 3.32.1 on Kubernetes 1.33 is refused before anything changes (exit 2)', async () => {
    const file = inventoryWith('3.32.1');
    const r = await cli('bootstrap', '-i', file);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      'refusing to bootstrap: Calico 3.32.1 is not tested with Kubernetes v1.33.6+k3s1: Calico 3.32 supports Kubernetes 1.34–1.36',
    );
    expect(r.stderr).toMatch(/inventory\.3\.32\.1\.yaml:\d+:\d+ all\.vars\.picocal\.calico_version:/);
    expect(r.stderr).toContain(
      'https://docs.tigera.io/calico/3.32/getting-started/kubernetes/requirements#supported-versions',
    );
    expect(r.stderr).toContain(`set calico_version: "3.31.7" in ${file}`);
    expect(r.stderr).toContain('--allow-unsupported-kubernetes');
    // Nothing changed: no lock, no operator, no Ansible run.
    expect(existsSync(lockFile())).toBe(false);
    expect((await kubectl('get', 'namespace', 'tigera-operator')).exitCode).not.toBe(0);
    for (const run of runs('bootstrap'))
      expect(existsSync(join(work, '.picocal', 'runs', run, 'events.jsonl'))).toBe(false);
  }, 120_000);

  it('--allow-unsupported-kubernetes turns the refusal into a loud warning (dry run, exit 0)', async () => {
    const r = await cli(
      'bootstrap',
      '-i',
      inventoryWith('3.32.1'),
      '--allow-unsupported-kubernetes',
      '--dry-run',
      '--output',
      'json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'UNSUPPORTED: Calico 3.32.1 is not tested with Kubernetes v1.33.6+k3s1: Calico 3.32 supports Kubernetes 1.34–1.36; going on because of --allow-unsupported-kubernetes',
    );
    expect(kubernetesEntry(JSON.parse(r.stdout) as DryPlan)?.verdict).toBe('PASS');
  }, 120_000);

  it(
    'bootstrap of 3.31.7 (tested with 1.32–1.35) goes on; an upgrade to 3.32.1 is refused unless overridden; reprovision only warns',
    { timeout: 600_000 },
    async () => {
      const first = await cli('bootstrap', '-i', inv);
      expect(first.code, first.stdout + first.stderr).toBe(0);
      expect(await installedVersion()).toBe('v3.31.7');

      const next = inventoryWith('3.32.1');
      const dry = await cli('upgrade', '-i', next, '--dry-run', '--output', 'json');
      expect(dry.code, dry.stderr).toBe(2);
      expect(kubernetesEntry(JSON.parse(dry.stdout) as DryPlan)?.verdict).toBe('WOULD BE REFUSED');

      const before = runs('upgrade').length;
      const up = await cli('upgrade', '-i', next);
      expect(up.code, up.stderr).toBe(2);
      expect(up.stderr).toContain(
        'refusing to upgrade: Calico 3.32.1 is not tested with Kubernetes v1.33.6+k3s1: Calico 3.32 supports Kubernetes 1.34–1.36',
      );
      // 3.31.7 runs already: the only way on is a newer Kubernetes (or the override).
      expect(up.stderr).toContain(
        'no Calico version picocal could upgrade to supports Kubernetes 1.33; move Kubernetes into 1.34–1.36 first',
      );
      expect(existsSync(lockFile())).toBe(false);
      expect(await installedVersion()).toBe('v3.31.7');
      // A run folder it made (if any) holds no snapshot: it stopped at its checks.
      for (const run of runs('upgrade').slice(before))
        expect(existsSync(join(work, '.picocal', 'runs', run, 'snapshot'))).toBe(false);

      // The override, for real: the upgrade goes on with a loud warning and the cluster runs 3.32.1.
      const allowed = await cli('upgrade', '-i', next, '--allow-unsupported-kubernetes');
      expect(allowed.code, allowed.stdout + allowed.stderr).toBe(0);
      expect(allowed.stderr).toContain(
        'warning: [pc-node1] UNSUPPORTED: Calico 3.32.1 is not tested with Kubernetes v1.33.6+k3s1',
      );
      expect(await installedVersion()).toBe('v3.32.1');

      // Repairing a board of that cluster installs no other version: a warning, not a refusal.
      const repair = await cli('reprovision', 'pc-node2', '-i', next, '--dry-run');
      expect(repair.code, repair.stdout + repair.stderr).toBe(0);
      expect(repair.stderr).toContain(
        'going on because reprovision installs the Calico the cluster already runs',
      );
    },
  );
});
