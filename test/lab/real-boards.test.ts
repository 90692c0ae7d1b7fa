// Bootstrap on boards as they really are (review ansible-and-real-cluster.md, issue 15): a login user with
// sudo and no root login, the boot command line on a FAT partition, an operator that takes its time to
// create the TigeraStatus objects. Each of these stopped a first run before (no `become`; a copy with
// `mode: preserve` onto FAT; `kubectl wait` on objects that did not exist yet). One 3-board lab for the file.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { ansiblePlaybookCommand } from '../../src/ansible/run-playbook.js';
import { readLabState } from '../../src/lab/lab-state.js';
import { INFRASTRUCTURE_DIR } from '../../src/paths.js';
import { nodeInitPid } from '../../src/lab/node-process.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh } from './helpers/ssh.js';
import { labWorkDir, type LabWorkDir } from './helpers/work-dir.js';
import { rmSync } from 'node:fs';

const LAB = 'rbd';
// The operator stand-in creates TigeraStatus calico 10 s after it starts (apiserver 20 s): a client that
// runs `kubectl wait` at once gets NotFound, as on a board pulling the operator's images.
process.env['PICOCAL_LAB_OPERATOR_START_MS'] = '4000';
process.env['PICOCAL_LAB_TIGERASTATUS_DELAY_MS'] = '10000';

interface NodeOut {
  name: string;
  status: string;
  stats: { changed: number };
  message?: string;
}

describeLab('bootstrap on boards as Raspberry Pi OS sets them up', () => {
  const lab = useLab(LAB, 3, { apiServer: true, user: 'pi' });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];
  let wd: LabWorkDir | undefined;
  afterAll(() => {
    if (wd) rmSync(wd.work, { recursive: true, force: true });
  });
  const work = (): LabWorkDir => (wd ??= labWorkDir('picocal-rbd-', lab.state, '3.32.1'));

  async function bootstrap(...extra: string[]) {
    const r = await runCli(
      [
        'bootstrap',
        '-i',
        work().inventory,
        ...extra,
        ...artifacts,
        '--out',
        join(work().work, 'build'),
        '--output',
        'json',
      ],
      { cwd: work().work },
    );
    const doc = r.stdout ? (JSON.parse(r.stdout) as { nodes: NodeOut[]; runDir: string }) : undefined;
    return { ...r, doc };
  }

  /** Runs a command as root inside a board, without SSH or sudo (to undo what a test did to sudo). */
  async function asRootOnBoard(node: string, script: string): Promise<void> {
    const state = readLabState(lab.state.dir) ?? lab.state;
    const init = nodeInitPid(nodeOf(state, node).pid ?? 0);
    if (init === undefined) throw new Error(`${node} is not running`);
    await execa('nsenter', ['--target', String(init), '--mount', '--root', '--', '/bin/sh', '-c', script]);
  }

  it('boards refuse root logins, give the user passwordless sudo, and have a FAT /boot/firmware', async () => {
    const [n1, n2] = lab.state.nodes;
    expect((await ssh(lab.state, n2!, 'id -un; sudo -n id -u')).stdout).toBe('pi\n0');
    // k3s writes its kubeconfig root-only: the login user cannot read it without sudo.
    expect((await ssh(lab.state, n1!, 'cat /etc/rancher/k3s/k3s.yaml')).exitCode).not.toBe(0);
    const rootLogin = await ssh({ ...lab.state, user: 'root' }, n2!, 'true');
    expect(rootLogin.stderr).toMatch(/Permission denied/);
    // vfat: files show root:root 0755; chmod that drops r/x bits and chown to another user fail with EPERM.
    const fat = await ssh(
      lab.state,
      n2!,
      'stat -c %a:%U /boot/firmware/cmdline.txt; sudo -n chmod 0600 /boot/firmware/cmdline.txt; echo chmod=$?; ' +
        'sudo -n chown pi /boot/firmware/cmdline.txt; echo chown=$?; sudo -n chmod 0755 /boot/firmware/cmdline.txt; echo same=$?',
    );
    expect(fat.stdout).toBe('755:root\nchmod=1\nchown=1\nsame=0');
    expect(fat.stderr).toMatch(/chmod: changing permissions of .*: Operation not permitted/);
  }, 120_000);

  it('a login whose sudo asks for a password stops every board in preflight, naming the fix; nothing changes', async () => {
    const n2 = lab.state.nodes[1]!;
    // Later sudoers entries win: pi now needs a password on pc-node2.
    await ssh(lab.state, n2, "echo 'pi ALL=(ALL) ALL' | sudo -n tee /etc/sudoers.d/020_pi-passwd >/dev/null");
    try {
      // Nothing gets installed: verify need not wait for Calico to come up.
      const r = await bootstrap('--verify-timeout', '10');
      expect(r.code, r.stderr).not.toBe(0);
      const bad = r.doc?.nodes.find((n) => n.name === 'pc-node2');
      expect(bad?.status).toBe('failed');
      expect(bad?.message).toMatch(/pi on pc-node2 cannot run sudo without a password/);
      expect(bad?.message).toMatch(/NOPASSWD: ALL' \| sudo tee \/etc\/sudoers.d\/010_pi-nopasswd/);
      for (const n of lab.state.nodes)
        expect(
          (await ssh(lab.state, n, 'test -e /etc/modules-load.d/calico.conf')).exitCode,
          n.name,
        ).not.toBe(0);
    } finally {
      await asRootOnBoard('pc-node2', 'rm -f /etc/sudoers.d/020_pi-passwd');
    }
  }, 600_000);

  it('ansible-playbook --check runs the whole playbook on the fresh cluster and changes nothing', async () => {
    const build = join(work().work, 'check-build');
    expect((await runCli(['render', '-i', work().inventory, '--out', build])).code).toBe(0);
    const r = await execa(
      ansiblePlaybookCommand(),
      [
        '--check',
        '-i',
        work().inventory,
        join(INFRASTRUCTURE_DIR, 'security', 'install_calico.ansible'),
        '-e',
        JSON.stringify({
          calico_rendered_vars_dir: build,
          calico_operator_artifacts_dir: sharedCalicoAvailable() ? SHARED_CALICO : join(work().work, 'none'),
        }),
      ],
      { reject: false, env: { ANSIBLE_CONFIG: join(INFRASTRUCTURE_DIR, 'ansible.cfg') } },
    );
    // Without the real manifests the operator role stops at their sha256 check (which --check runs too).
    if (!sharedCalicoAvailable()) return void expect(r.stdout).toMatch(/is missing from/);
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/pc-node1\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);
    for (const n of lab.state.nodes)
      expect((await ssh(lab.state, n, 'test -e /etc/modules-load.d/calico.conf')).exitCode, n.name).not.toBe(
        0,
      );
  }, 600_000);

  it('bootstraps as pi: flags added in place on FAT, a board without cmdline.txt skipped, a slow operator waited for', async () => {
    const [, n2, n3] = lab.state.nodes;
    const before = (await ssh(lab.state, n2!, 'cat /boot/firmware/cmdline.txt')).stdout;
    // A board label from the inventory, to be put on pc-node2's Node object.
    const inv = readFileSync(work().inventory, 'utf8');
    const labelled = inv.replace(
      /(pc-node2: \{ ansible_host: [0-9.]+) \}/,
      '$1, picocal_labels: { "topology.kubernetes.io/zone": "shelf-a" } }',
    );
    expect(labelled).not.toBe(inv);
    writeFileSync(work().inventory, labelled);
    // pc-node3 has no Raspberry Pi boot command line (x86_64 boards, other SBCs).
    await ssh(lab.state, n3!, 'sudo -n rm /boot/firmware/cmdline.txt');
    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc?.nodes.map((n) => n.status)).toEqual(['ok', 'ok', 'ok']);
    const after = readFileSync(join(lab.state.dir, 'nodes', 'pc-node2', 'boot', 'cmdline.txt'), 'utf8');
    // k3s's flags were there (k3s runs): only the missing one is added, and the board is not rebooted.
    expect(after).toBe(`${before} cgroup_enable=cpuset\n`);
    expect((await ssh(lab.state, n3!, 'test -e /boot/firmware/cmdline.txt')).exitCode).not.toBe(0);
    const log = readFileSync(join(r.doc!.runDir, 'ansible.log'), 'utf8');
    expect(log).toMatch(/does not exist on pc-node3 \(not a Raspberry Pi boot\s+partition\)/);
    // The operator had not created TigeraStatus yet when the custom resources were applied: polled, not failed.
    expect(log).toMatch(
      /FAILED - RETRYING: \[pc-node1\]: Calico \| Wait for the operator to create the objects/,
    );
    // The inventory's picocal_labels are on the board's Node object.
    const zone = await execa('kubectl', [
      '--kubeconfig',
      work().kubeconfig,
      'get',
      'node',
      'pc-node2',
      '-o',
      'jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}',
    ]);
    expect(zone.stdout).toBe('shelf-a');
  }, 600_000);

  it('a second run changes nothing on any board', async () => {
    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(0);
    for (const n of r.doc?.nodes ?? []) expect(n.stats.changed, n.name).toBe(0);
  }, 600_000);
});
