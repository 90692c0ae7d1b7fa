// Operating a provisioned cluster on the virtual PicoCluster: `picocal status` scrapes Felix's metrics on
// every board over SSH, `picocal policy denied` finds calico-packet lines in a board's kernel log and
// names the pods behind them. One lab, bootstrapped once, removed even when a test fails.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { labFault } from '../../src/lab/lab-fault.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO, sharedCalicoAvailable } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh } from './helpers/ssh.js';

const LAB = 'ops';
const work = mkdtempSync(join(tmpdir(), 'picocal-ops-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface StatusOut {
  nodes: Array<{
    name: string;
    reachable: boolean;
    ok: boolean;
    felix: { inSync: boolean; endpoints: number | null; policies: number | null } | null;
    problems: string[];
  }>;
}

interface DeniedOut {
  count: number;
  packets: Array<{ node: string; src: string; dst: string; srcPod: string | null; dstPod: string | null }>;
  nodes: Array<{ name: string; source: string | null; error: string | null }>;
}

interface PodList {
  items: Array<{
    metadata: { name: string; namespace: string };
    spec?: { hostNetwork?: boolean };
    status?: { podIP?: string };
  }>;
}

describeLab('operating the virtual PicoCluster (status, denied packets)', () => {
  const lab = useLab(LAB, 4, { apiServer: true });
  const artifacts = sharedCalicoAvailable() ? ['--artifacts', SHARED_CALICO] : ['--lab-manifests'];

  /** kubectl on the control plane, as picocal runs it (fixed test strings only). */
  async function kubectl(args: string): Promise<string> {
    const inv = await loadInventory(lab.state.inventory, work);
    const k = inv.cluster.kubernetes;
    const r = await ssh(
      lab.state,
      nodeOf(lab.state, 'pc-node1'),
      `${k.kubectl} --kubeconfig ${k.kubeconfig} ${args}`,
    );
    if (r.exitCode !== 0) throw new Error(`kubectl ${args}: ${r.stderr}`);
    return r.stdout;
  }

  /** Two pods with addresses: the lab's own if it has them, else two made here. */
  async function twoPods(): Promise<Array<{ pod: string; ip: string }>> {
    const list = () =>
      kubectl('get pods -A -o json').then((t) =>
        (JSON.parse(t) as PodList).items
          .filter((p) => p.spec?.hostNetwork !== true && p.status?.podIP)
          .map((p) => ({ pod: `${p.metadata.namespace}/${p.metadata.name}`, ip: p.status?.podIP ?? '' })),
      );
    const found = await list();
    if (found.length >= 2) return found.slice(0, 2);
    for (const [name, ip] of [
      ['web', '10.42.2.10'],
      ['db', '10.42.3.20'],
    ] as const) {
      // No nodeName: the lab's kubelet stand-in would report a bound pod's board address as its podIP
      // (hostNetwork-like) and replace the address patched below; an unbound pod keeps it.
      const pod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"${name}","namespace":"default"},"spec":{"containers":[{"name":"c","image":"busybox"}]}}`;
      await kubectl(`apply --server-side --field-manager=picocal-test -f - <<'EOF'\n${pod}\nEOF`);
      await kubectl(
        `patch pod ${name} -n default --subresource=status --type=merge -p '{"status":{"podIP":"${ip}","podIPs":[{"ip":"${ip}"}]}}'`,
      );
    }
    const made = await list();
    expect(made.length, 'pods with a podIP').toBeGreaterThanOrEqual(2);
    return made.slice(0, 2);
  }

  it('bootstraps the lab with metrics on', async () => {
    const r = await runCli(
      [
        'bootstrap',
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
  }, 600_000);

  it('status shows every node with Felix metrics, in sync', async () => {
    // calico-node picks up prometheusMetricsEnabled a moment after bootstrap: poll briefly.
    const deadline = Date.now() + 60_000;
    let r = await runCli(['status', '-i', lab.state.inventory, '--output', 'json']);
    while (r.code !== 0 && Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 2000));
      r = await runCli(['status', '-i', lab.state.inventory, '--output', 'json']);
    }
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as StatusOut;
    expect(doc.nodes.map((n) => n.name)).toEqual(lab.state.nodes.map((n) => n.name));
    for (const n of doc.nodes) {
      expect(n.felix?.inSync, n.name).toBe(true);
      expect(n.felix?.endpoints, n.name).toEqual(expect.any(Number));
      expect(n.problems, n.name).toEqual([]);
    }
    const text = await runCli(['status', '-i', lab.state.inventory]);
    expect(text.stdout).toMatch(/^NODE\s+ENDPOINTS\s+POLICIES\s+IN SYNC/);
    expect(text.stdout).toContain(`${doc.nodes.length}/${doc.nodes.length} nodes report Felix metrics`);
  }, 120_000);

  it('policy denied maps a logged packet on pc-node2 to the right pods', async () => {
    const [a, b] = await twoPods();
    // What the kernel writes for a Calico Log rule, as rsyslog stores it in /var/log/kern.log.
    const line = (src: string, dst: string) =>
      `calico-packet: IN=cali12d4a061371 OUT=eth0 MAC=ee:ee:ee:ee:ee:ee:5a:1b:2c:3d:4e:5f:08:00 SRC=${src} DST=${dst} LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=54321 DF PROTO=TCP SPT=43512 DPT=5432 WINDOW=64240 RES=0x00 SYN URGP=0`;
    const n2 = nodeOf(lab.state, 'pc-node2');
    const write = await ssh(
      lab.state,
      n2,
      `printf '%s pc-node2 kernel: [ 4242.123456] %s\\n' "$(date '+%b %e %H:%M:%S')" '${line(a!.ip, b!.ip)}' >> /var/log/kern.log`,
    );
    expect(write.exitCode, write.stderr).toBe(0);
    const r = await runCli([
      'policy',
      'denied',
      '-i',
      lab.state.inventory,
      '--node',
      'pc-node2',
      '--output',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as DeniedOut;
    expect(doc.nodes).toEqual([
      { name: 'pc-node2', reachable: true, source: '/var/log/kern.log', error: null },
    ]);
    expect(doc.packets).toEqual([
      expect.objectContaining({ node: 'pc-node2', src: a!.ip, dst: b!.ip, srcPod: a!.pod, dstPod: b!.pod }),
    ]);
    // Older than --since: not shown.
    const old = await ssh(
      lab.state,
      n2,
      `printf '%s pc-node2 kernel: [ 1.0] %s\\n' "$(date -d '-2 hours' '+%b %e %H:%M:%S')" '${line(b!.ip, a!.ip)}' >> /var/log/kern.log`,
    );
    expect(old.exitCode, old.stderr).toBe(0);
    const again = await runCli([
      'policy', 'denied', '-i', lab.state.inventory, '--node', 'pc-node2', '--since', '30m', '--output', 'json',
    ]); // prettier-ignore
    expect((JSON.parse(again.stdout) as DeniedOut).packets.map((p) => p.src)).toEqual([a!.ip]);
    const bad = await runCli(['policy', 'denied', '-i', lab.state.inventory, '--since', '10 minutes']);
    expect(bad.code).toBe(2);
  }, 120_000);

  it('a partitioned node is reported unreachable by status within the timeout', async () => {
    await labFault(LAB, 'pc-node4', 'partition');
    try {
      const started = Date.now();
      const r = await runCli(['status', '-i', lab.state.inventory, '--timeout', '4', '--output', 'json']);
      expect(r.code).toBe(3);
      const doc = JSON.parse(r.stdout) as StatusOut;
      const n4 = doc.nodes.find((n) => n.name === 'pc-node4');
      expect(n4?.reachable).toBe(false);
      expect(n4?.problems.join()).toMatch(/^unreachable: /);
      expect(doc.nodes.filter((n) => n.ok).map((n) => n.name)).toEqual(['pc-node1', 'pc-node2', 'pc-node3']);
      expect(Date.now() - started).toBeLessThan(30_000); // bounded, not a benchmark
    } finally {
      await labFault(LAB, 'pc-node4', 'heal');
    }
  }, 120_000);
});
