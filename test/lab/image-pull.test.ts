// Slow SD cards on the virtual PicoCluster: one board's image pulls are slow (`lab fault slow-pull`, the
// boards' crictl stand-in and the operator stand-in's kubelet both take that long per image). Bootstrap
// pulls Calico's images on every board before the operator needs them, with per-board progress; an
// upgrade pulls the target's images before it changes anything, so a slow pull is never the reason a
// board misses the gate's deadline; a pull that fails stops the upgrade with nothing changed. Boards log
// in as `pi` with sudo, as on Raspberry Pi OS. One lab for the file; torn down even on failure.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { releaseImages } from '../../src/catalog/images.js';
import { requireRelease } from '../../src/catalog/versions.js';
import { hasImage } from '../../src/lab/image-store.js';
import { labFault } from '../../src/lab/lab-fault.js';
import type { UpgradeReport } from '../../src/upgrade/report.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh } from './helpers/ssh.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'pp-pull';
const SLOW = 'pc-node3';

describeLab('image pulls on slow boards', () => {
  const lab = useLab(LAB, 3, { user: 'pi' });
  let work = '';
  let inv = '';
  let kubeconfig = '';

  const kubectl = async (...args: string[]) =>
    String((await execa('kubectl', ['--kubeconfig', kubeconfig, ...args], { reject: false })).stdout);
  const installedVersion = () =>
    kubectl('get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}');
  const operatorImage = () =>
    kubectl(
      'get', 'deployment', 'tigera-operator', '-n', 'tigera-operator',
      '-o', 'jsonpath={.spec.template.spec.containers[0].image}',
    ); // prettier-ignore
  const upgrade = async (...args: string[]) => {
    const r = await runCli(
      ['upgrade', '-i', inv, '--artifacts', SHARED_CALICO, '--to', '3.32.1', '--write-inventory', ...args],
      { cwd: work },
    );
    return { ...r, report: r.stdout.startsWith('{') ? (JSON.parse(r.stdout) as UpgradeReport) : undefined };
  };

  beforeAll(() => {
    ({ work, inventory: inv, kubeconfig } = labWorkDir('pc-pp-pull-', lab.state, '3.31.7'));
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    "bootstrap pulls every image on every board first, with each board's progress, and a slow board only takes longer",
    { timeout: 400_000 },
    async () => {
      await labFault(LAB, SLOW, 'slow-pull', '2');
      try {
        const r = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
        expect(r.code, r.stdout + r.stderr).toBe(0);
        const images = releaseImages(requireRelease('3.31.7'));
        for (const n of lab.state.nodes) {
          // One line per image per board, numbered, each pulled (none was there).
          for (let i = 1; i <= images.length; i++)
            expect(r.stderr).toMatch(
              new RegExp(
                `\\[${n.name}\\] task \\S+ (\\S+ : )?Calico \\| Pull images ${i}/${images.length}: changed`,
              ),
            );
          for (const img of images) expect(hasImage(nodeOf(lab.state, n.name).upperDir, img.ref)).toBe(true);
        }
        expect(await installedVersion()).toBe('v3.31.7');
        // A second run finds every image there and pulls nothing.
        const again = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
        expect(again.code, again.stdout + again.stderr).toBe(0);
        const pulls = again.stderr.split('\n').filter((l) => l.includes('Calico | Pull images '));
        expect(pulls).toHaveLength(images.length * lab.state.nodes.length);
        expect(pulls.filter((l) => !l.endsWith(': skipped'))).toEqual([]);
      } finally {
        await labFault(LAB, SLOW, 'clear');
      }
    },
  );

  it('the crictl on a board refuses to run without root and an image no registry holds', async () => {
    const board = nodeOf(lab.state, 'pc-node2');
    const asPi = await ssh(lab.state, board, 'crictl images -o json');
    expect(asPi.exitCode).toBe(1);
    expect(asPi.stderr).toMatch(/connect: permission denied/);
    const listed = await ssh(lab.state, board, 'sudo -n crictl images -o json');
    expect(listed.exitCode, listed.stderr).toBe(0);
    const tags = (JSON.parse(listed.stdout) as { images: { repoTags: string[] }[] }).images.flatMap(
      (i) => i.repoTags,
    );
    expect(tags).toContain('quay.io/calico/node:v3.31.7');
    const unknown = await ssh(lab.state, board, 'sudo -n crictl pull quay.io/calico/node:latest');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/quay\.io\/calico\/node:latest: not found/);
  });

  it(
    'an upgrade whose image pull fails on a board stops before anything changes, naming the board and the image',
    { timeout: 300_000 },
    async () => {
      await labFault(LAB, 'pc-node2', 'pull-fail');
      try {
        const before = await operatorImage();
        const r = await upgrade();
        expect(r.code, r.stdout + r.stderr).toBe(1);
        expect(r.stderr).toMatch(
          /refusing to upgrade: Calico 3\.32\.1's images did not pull on pc-node2; nothing was changed/,
        );
        expect(r.stderr).toMatch(
          /pc-node2 could not pull quay\.io\/tigera\/operator:v1\.42\.3: .*i\/o timeout/,
        );
        expect(await operatorImage()).toBe(before);
        expect(await installedVersion()).toBe('v3.31.7');
        // No snapshot was taken: the run stopped before the step that precedes any change.
        const runs = readdirSync(join(work, '.picocal', 'runs')).filter((d) => d.endsWith('-upgrade'));
        expect(runs.some((d) => existsSync(join(work, '.picocal', 'runs', d, 'snapshot')))).toBe(false);
      } finally {
        await labFault(LAB, 'pc-node2', 'clear');
      }
    },
  );

  it(
    'an upgrade with one slow board pulls first, so the gate never waits for a pull and nothing rolls back',
    { timeout: 400_000 },
    async () => {
      // 4 s per image: the kubelet would need 12 s for calico-node's 3 images, more than the gate's
      // 10 s per board; pulled before the apply, the board's pod starts at once.
      await labFault(LAB, SLOW, 'slow-pull', '4');
      try {
        const r = await upgrade('--node-timeout', '10', '--output', 'json');
        expect(r.code, r.stderr).toBe(0);
        expect(r.report?.result).toBe('upgraded');
        expect(r.report?.nodes.every((n) => n.status === 'healthy' && n.newVersion === 'v3.32.1')).toBe(true);
        expect(r.stderr).toMatch(/Pull the target version's images on every board/);
        expect(await installedVersion()).toBe('v3.32.1');
      } finally {
        await labFault(LAB, SLOW, 'clear');
      }
    },
  );
});
