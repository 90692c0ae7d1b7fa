// Provisioning end to end on the virtual PicoCluster: the real ansible-playbook over real sshd boards, the
// real kubectl against the API stand-in, verify over SSH. One lab for the whole file, removed even when a
// test fails. The tests run in order and each leaves the lab healthy for the next.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { labFault } from '../../src/lab/lab-fault.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { ssh } from './helpers/ssh.js';

interface NodeOut {
  name: string;
  status: string;
  stats: { ok: number; changed: number; failed: number; unreachable: number };
  failedTask?: string;
  message?: string;
}
interface BootstrapOut {
  nodes: NodeOut[];
  runDir: string;
  exitCode: number;
}

const LAB = 'prov';
const work = mkdtempSync(join(tmpdir(), 'picocal-prov-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describeLab('provisioning on the virtual PicoCluster', () => {
  // Boards as Raspberry Pi OS sets them up: login `pi` with passwordless sudo, root login off.
  const lab = useLab(LAB, 5, { apiServer: true, user: 'pi' });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];

  async function bootstrap(extra: string[] = [], inventory = lab.state.inventory) {
    const r = await runCli(
      [
        'bootstrap',
        '-i',
        inventory,
        ...artifacts,
        '--out',
        join(work, 'build'),
        '--output',
        'json',
        ...extra,
      ],
      {
        cwd: work,
      },
    );
    const doc = r.stdout ? (JSON.parse(r.stdout) as BootstrapOut) : undefined;
    return { ...r, doc };
  }

  /** After a fault is undone, the board needs a moment (sshd, calico-node) before the next test. */
  async function waitAllHealthy(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const r = await runCli(['verify', '-i', lab.state.inventory, '--output', 'json']);
      if (r.code === 0) return;
      if (Date.now() > deadline) throw new Error(`the lab did not become healthy again: ${r.stdout}`);
      await new Promise((res) => setTimeout(res, 2000));
    }
  }

  function node(doc: BootstrapOut | undefined, name: string): NodeOut {
    const n = doc?.nodes.find((x) => x.name === name);
    if (!n) throw new Error(`no ${name} in ${JSON.stringify(doc)}`);
    return n;
  }

  it('bootstraps all 5 boards and verifies them healthy', async () => {
    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(0);
    expect(r.doc?.nodes.map((n) => n.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    // Node prep really happened on a board (its own copy-on-write filesystem).
    const cat = await ssh(lab.state, lab.state.nodes[2]!, 'cat /etc/NetworkManager/conf.d/calico.conf');
    expect(cat.stdout).toContain('interface-name:vxlan.calico');
    const cmdline = await ssh(lab.state, lab.state.nodes[2]!, 'cat /boot/firmware/cmdline.txt');
    expect(cmdline.stdout).toMatch(/cgroup_memory=1 cgroup_enable=memory/);
    // calicoctl of the release installed from the artifact set (the lab gets its LAB-ONLY stand-in), and it
    // answers as root on the board against the running calico-node.
    const version = await ssh(lab.state, lab.state.nodes[2]!, 'sudo -n /usr/local/bin/calicoctl version');
    expect(version.stdout).toMatch(/^Client Version:\s+v\d+\.\d+\.\d+$/m);
    const status = await ssh(lab.state, lab.state.nodes[2]!, 'sudo -n calicoctl node status');
    expect(status.stdout).toContain('Calico process is running.');
    // Monitoring on in the lab inventory: Felix metrics and the headless metrics Service.
    const svc = await ssh(
      lab.state,
      lab.state.nodes[0]!,
      'sudo -n kubectl --kubeconfig /etc/rancher/k3s/k3s.yaml get service felix-metrics-svc -n calico-system -o name',
    );
    expect(svc.stdout).toBe('service/felix-metrics-svc');
  }, 600_000);

  it('a second run on the converged cluster changes nothing on any board', async () => {
    const r = await bootstrap();
    expect(r.code, r.stderr).toBe(0);
    for (const n of r.doc?.nodes ?? []) expect(n.stats.changed, n.name).toBe(0);
  }, 600_000);

  it('reprovision touches only the named board', async () => {
    const [, n2, n3] = lab.state.nodes;
    for (const n of [n2!, n3!]) await ssh(lab.state, n, 'sudo -n rm -f /etc/modules-load.d/calico.conf');
    // A stale calicoctl on pc-node3: verify names it; reprovision puts the release's back.
    const stale =
      'printf \'#!/bin/sh\\necho "Client Version:    v3.0.0"\\n\' | sudo -n tee /usr/local/bin/calicoctl >/dev/null';
    await ssh(lab.state, n3!, stale);
    const v = await runCli(['verify', '-i', lab.state.inventory, '--output', 'json']);
    expect(v.code).not.toBe(0);
    const vdoc = JSON.parse(v.stdout) as {
      nodes: Array<{ name: string; checks: Array<{ name: string; ok: boolean; detail: string }> }>;
    };
    const ctl = vdoc.nodes.find((n) => n.name === 'pc-node3')?.checks.find((c) => c.name === 'calicoctl');
    expect(ctl?.ok).toBe(false);
    expect(ctl?.detail).toContain('calicoctl v3.0.0');
    const r = await runCli(
      [
        'reprovision',
        'pc-node3',
        '-i',
        lab.state.inventory,
        ...artifacts,
        '--out',
        join(work, 'build'),
        '--output',
        'json',
      ],
      { cwd: work },
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as BootstrapOut;
    expect(doc.nodes.map((n) => n.name)).toEqual(['pc-node3']);
    expect((await ssh(lab.state, n3!, 'test -f /etc/modules-load.d/calico.conf')).exitCode).toBe(0);
    expect((await ssh(lab.state, n3!, 'sudo -n calicoctl version')).stdout).not.toContain('v3.0.0');
    // pc-node2's file stays missing: nothing ran there.
    expect((await ssh(lab.state, n2!, 'test -f /etc/modules-load.d/calico.conf')).exitCode).not.toBe(0);
    const events = readFileSync(join(doc.runDir, 'events.jsonl'), 'utf8');
    const hosts = new Set([...events.matchAll(/"host": "([^"]+)"/g)].map((m) => m[1]));
    expect([...hosts]).toEqual(['pc-node3']);
    // Put pc-node2 back for the next tests.
    expect(
      (
        await runCli(
          ['reprovision', 'pc-node2', '-i', lab.state.inventory, ...artifacts, '--out', join(work, 'build')],
          { cwd: work },
        )
      ).code,
    ).toBe(0);
  }, 600_000);

  it('a powered-off board: exit 3 naming it, the others done and healthy', async () => {
    await labFault(LAB, 'pc-node5', 'power-off');
    try {
      const r = await bootstrap(['--verify-timeout', '20']);
      expect(r.code, r.stderr).toBe(3);
      expect(node(r.doc, 'pc-node5').status).toBe('unreachable');
      for (const name of ['pc-node1', 'pc-node2', 'pc-node3', 'pc-node4'])
        expect(node(r.doc, name).status, name).toBe('ok');
      expect(r.stderr).toMatch(/failed boards: pc-node5 \(unreachable/);
    } finally {
      await labFault(LAB, 'pc-node5', 'power-on');
      await waitAllHealthy();
    }
  }, 600_000);

  it('a partitioned board is reported unreachable by verify within the timeout, never hangs', async () => {
    await labFault(LAB, 'pc-node4', 'partition');
    try {
      const started = Date.now();
      const r = await runCli(['verify', '-i', lab.state.inventory, '--timeout', '5', '--output', 'json']);
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as { nodes: Array<{ name: string; reachable: boolean }> };
      expect(doc.nodes.find((n) => n.name === 'pc-node4')?.reachable).toBe(false);
      expect(Date.now() - started).toBeLessThan(60_000); // bounded, not a benchmark
    } finally {
      await labFault(LAB, 'pc-node4', 'heal');
      await waitAllHealthy();
    }
  }, 300_000);

  it('a board whose calico-node never becomes ready is named by verify', async () => {
    await labFault(LAB, 'pc-node2', 'calico-unready');
    try {
      const r = await runCli(['verify', '-i', lab.state.inventory, '--output', 'json']);
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as {
        nodes: Array<{ name: string; healthy: boolean; problems: string[] }>;
      };
      const bad = doc.nodes.filter((n) => !n.healthy).map((n) => n.name);
      expect(bad).toEqual(['pc-node2']);
    } finally {
      await labFault(LAB, 'pc-node2', 'clear');
      await waitAllHealthy();
    }
  }, 300_000);

  it('a changed host key is refused, naming the board and both fingerprints', async () => {
    const known = readFileSync(lab.state.knownHosts, 'utf8');
    // Give pc-node3's address pc-node1's key: exactly what a swapped board or a MITM looks like.
    const n1 = lab.state.nodes[0]!;
    const n3 = lab.state.nodes[2]!;
    const keyOf = (addr: string) =>
      known
        .split('\n')
        .find((l) => l.split(/\s/)[0]?.split(',').includes(addr))
        ?.split(/\s+/)
        .slice(1)
        .join(' ');
    const forged = known
      .split('\n')
      .map((l) =>
        l.split(/\s/)[0]?.split(',').includes(n3.address) ? `${l.split(/\s/)[0]} ${keyOf(n1.address)}` : l,
      )
      .join('\n');
    const kh = join(work, 'known_hosts.forged');
    writeFileSync(kh, forged);
    const inv = join(work, 'inventory.forged.yaml');
    writeFileSync(inv, readFileSync(lab.state.inventory, 'utf8').replace(lab.state.knownHosts, kh));
    const r = await runCli(['verify', '-i', resolve(inv), '--node', 'pc-node3', '--accept-new-host-keys']);
    expect(r.code).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/pc-node3/);
    expect(r.stdout + r.stderr).toMatch(/SHA256:[A-Za-z0-9+/]{43}[\s\S]*SHA256:[A-Za-z0-9+/]{43}/);
    // And the real ssh refuses too.
    const refused = await ssh(lab.state, n3, 'true', { knownHosts: kh });
    expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED/);
  }, 120_000);
});
