// Reboots for the cgroup flags (issue 15 item 5): a Pi kernel has no memory cgroup unless its command line
// says so (boot-kernel.ts), node prep adds only the missing flags to cmdline.txt on its one line, and a
// board whose kernel runs without the memory cgroup reboots: one board at a time, each back (SSH with a
// new boot id, its Node Ready) before the next goes down. Boards whose kernel has it are not rebooted, a
// reboot an earlier run never did is done, a board without a Pi cmdline.txt is skipped with the reason,
// and a second run changes nothing and reboots nothing. A lab board's reboot is a real restart of its
// processes with its disk and FAT /boot/firmware kept (board-reboot.ts). One 4-board lab for the file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, expect, it } from 'vitest';
import { readPowerLog, type PowerEvent } from '../../src/lab/board-reboot.js';
import type { LabNodeState } from '../../src/lab/lab-state.js';
import { nodePaths } from '../../src/lab/node-process.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { ssh } from './helpers/ssh.js';
import { labWorkDir, type LabWorkDir } from './helpers/work-dir.js';

const LAB = 'rb-reboot';
// Quick boards: down 1 s, then the kubelet posts Ready 4 s after sshd answers (a wait on SSH alone would
// let the next board go down while this one's Node is still NotReady, which the power logs would show).
process.env['PICOCAL_LAB_REBOOT_DOWN_MS'] = '1000';
process.env['PICOCAL_LAB_KUBELET_START_MS'] = '4000';

interface NodeOut {
  name: string;
  status: string;
  stats: { changed: number };
}

const NO_FLAGS =
  'console=serial0,115200 console=tty1 root=PARTUUID=0badc0de-02 rootfstype=ext4 fsck.repair=yes rootwait';
const PI_FLAGS = 'cgroup_enable=cpuset cgroup_memory=1 cgroup_enable=memory';

describeLab('reboots for the cgroup flags: one board at a time, only where the kernel needs them', () => {
  const lab = useLab(LAB, 4, { apiServer: true, user: 'pi' });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];
  let wd: LabWorkDir | undefined;
  afterAll(() => {
    if (wd) rmSync(wd.work, { recursive: true, force: true });
  });
  const work = (): LabWorkDir => (wd ??= labWorkDir('picocal-rb-', lab.state, '3.32.1'));
  const node = (name: string): LabNodeState => lab.state.nodes.find((n) => n.name === name)!;
  const bootFile = (name: string) => join(nodePaths(lab.state.dir, name).bootDir, 'cmdline.txt');
  const bootId = async (name: string) =>
    (await ssh(lab.state, node(name), 'cat /proc/sys/kernel/random/boot_id')).stdout;
  const memoryCgroup = async (name: string) =>
    (await ssh(lab.state, node(name), 'awk \'$1=="memory" {print $4}\' /proc/cgroups')).stdout;
  const reboots = (name: string): PowerEvent[] =>
    readPowerLog(lab.state.dir, name).filter((e) => e.event === 'halt');

  /** Reboots a board as Ansible's reboot module does and waits until it answers with a new boot id and
   *  its Node is Ready again (the power log's last event). */
  async function rebootAndWait(name: string): Promise<void> {
    const before = await bootId(name);
    const seen = readPowerLog(lab.state.dir, name).length;
    const r = await ssh(lab.state, node(name), 'sudo -n shutdown -r 0 "test reboot"');
    // As Ansible's reboot module: the board going down before the command's session ends is success too.
    if (r.exitCode !== 0) expect(r.stderr).toMatch(/closed by remote host|Connection reset/);
    // Up to 2 minutes: a loaded machine boots boards slowly (the boot itself waits up to 20 s for sshd).
    for (let i = 0; i < 1200; i++) {
      const log = readPowerLog(lab.state.dir, name).slice(seen);
      if (log.some((e) => e.event.startsWith('failed'))) throw new Error(`${name}: ${JSON.stringify(log)}`);
      if (log.at(-1)?.event === 'ready') break;
      await new Promise((res) => setTimeout(res, 100));
    }
    expect((await bootId(name)).length).toBe(36);
    expect(await bootId(name)).not.toBe(before);
  }

  async function bootstrap() {
    const r = await runCli(
      [
        'bootstrap',
        '-i',
        work().inventory,
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

  it('a reboot stops every process of the board and boots it again: new boot id, files and FAT /boot/firmware kept, Node back', async () => {
    const n = node('pc-node2');
    const setup = await ssh(
      lab.state,
      n,
      'echo kept > ~/kept; echo "# kept" | sudo -n tee -a /boot/firmware/config.txt >/dev/null; ' +
        '(setsid sleep 12345 >/dev/null 2>&1 &); ' +
        'for i in 1 2 3 4 5 6 7 8 9 10; do pgrep -f "sleep 1234[5]" >/dev/null && break; sleep 0.2; done; ' +
        'pgrep -c -f "sleep 1234[5]"',
    );
    expect(setup.stdout).toBe('1');
    // A user cannot reboot the board; root (sudo) can, as on Raspberry Pi OS.
    expect((await ssh(lab.state, n, '/usr/sbin/shutdown -r now')).stderr).toMatch(/Access denied/);
    await rebootAndWait('pc-node2');
    const after = await ssh(
      lab.state,
      n,
      'cat ~/kept; tail -n 1 /boot/firmware/config.txt; pgrep -c -f "sleep 1234[5]"; ' +
        'sudo -n chmod 0600 /boot/firmware/config.txt; echo chmod=$?',
    );
    expect(after.stdout).toBe('kept\n# kept\n0\nchmod=1');
    expect(readPowerLog(lab.state.dir, 'pc-node2').map((e) => e.event)).toEqual([
      'halt',
      'boot',
      'ssh',
      'ready',
    ]);
    const ready = await execa('kubectl', [
      '--kubeconfig',
      work().kubeconfig,
      'get',
      'node',
      'pc-node2',
      '-o',
      'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
    ]);
    expect(ready.stdout).toBe('True');
  }, 120_000);

  it('bootstrap adds only the missing flags and reboots, one at a time, just the boards whose kernel needs it; a second run changes nothing', async () => {
    // pc-node2 runs a kernel booted without the flags; so does pc-node3, whose cmdline.txt already has them
    // (an earlier run added them and stopped before its reboot); pc-node4 has no Pi cmdline.txt; pc-node1
    // has k3s's flags (memory cgroup on) but not cgroup_enable=cpuset.
    for (const name of ['pc-node2', 'pc-node3']) writeFileSync(bootFile(name), `${NO_FLAGS}\n`);
    await rebootAndWait('pc-node2');
    await rebootAndWait('pc-node3');
    expect(await memoryCgroup('pc-node2')).toBe('0');
    expect(await memoryCgroup('pc-node3')).toBe('0');
    writeFileSync(bootFile('pc-node3'), `${NO_FLAGS} ${PI_FLAGS}\n`);
    await ssh(lab.state, node('pc-node4'), 'sudo -n rm /boot/firmware/cmdline.txt');
    const cp = readFileSync(bootFile('pc-node1'), 'utf8').trim();
    const before = new Map(lab.state.nodes.map((n) => [n.name, reboots(n.name).length]));

    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc?.nodes.map((n) => n.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
    // Only what was missing, on the one line.
    expect(readFileSync(bootFile('pc-node1'), 'utf8')).toBe(`${cp} cgroup_enable=cpuset\n`);
    expect(readFileSync(bootFile('pc-node2'), 'utf8')).toBe(`${NO_FLAGS} ${PI_FLAGS}\n`);
    expect(readFileSync(bootFile('pc-node3'), 'utf8')).toBe(`${NO_FLAGS} ${PI_FLAGS}\n`);
    // Rebooted: exactly the boards whose kernel ran without the memory cgroup, which it now has.
    const rebootedNow = (name: string) => reboots(name).length - (before.get(name) ?? 0);
    expect(lab.state.nodes.map((n) => rebootedNow(n.name))).toEqual([0, 1, 1, 0]);
    expect(await memoryCgroup('pc-node2')).toBe('1');
    expect(await memoryCgroup('pc-node3')).toBe('1');
    // One at a time: the second board went down only after the first one's Node was Ready again.
    const window = (name: string) => {
      const log = readPowerLog(lab.state.dir, name);
      const halt = log.findLastIndex((e) => e.event === 'halt');
      return { halt: log[halt]!.at, ready: log.slice(halt).find((e) => e.event === 'ready')?.at ?? '' };
    };
    const [first, second] = [window('pc-node2'), window('pc-node3')].sort((a, b) =>
      a.halt.localeCompare(b.halt),
    );
    expect(first!.ready).not.toBe('');
    expect(second!.halt > first!.ready, JSON.stringify([first, second])).toBe(true);
    const log = readFileSync(join(r.doc!.runDir, 'ansible.log'), 'utf8');
    expect(log).toMatch(/does not exist on pc-node4 \(not a Raspberry Pi boot\s+partition\)/);
    expect(log).toMatch(/Calico \| Wait for the board's Node to be Ready again/);

    const again = await bootstrap();
    expect(again.code, again.stderr).toBe(0);
    for (const n of again.doc?.nodes ?? []) expect(n.stats.changed, n.name).toBe(0);
    expect(lab.state.nodes.map((n) => rebootedNow(n.name))).toEqual([0, 1, 1, 0]);
  }, 900_000);
});
