// The lab's Calico operator and calico-node stand-ins (LAB ONLY): real stand-in processes in network
// namespaces, driven through the real kubectl and real Calico manifests.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLabState, writeNodeFaults } from '../../src/lab/lab-state.js';
import { labSkipReason, startHarness, until, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(true);
const M31 = '../shared/calico/v3.31.7/manifests';
const M32 = '../shared/calico/v3.32.1/manifests';
const tag = randomBytes(3).toString('hex');
const NETNS = [`pclt-${tag}-1`, `pclt-${tag}-2`];

async function inNode(ns: string, argv: string[]) {
  return execa('ip', ['netns', 'exec', ns, ...argv], { reject: false, timeout: 10_000 });
}

async function probe(ns: string, path: string, port = 9099): Promise<{ code: string; body: string }> {
  const r = await inNode(ns, [
    'curl',
    '-s',
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
    `http://127.0.0.1:${port}${path}`,
  ]);
  const lines = r.stdout.split('\n');
  return { code: lines.pop() ?? '', body: lines.join('\n') };
}

describe.skipIf(skip !== undefined)(`Calico operator stand-in${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let h: Harness;
  const podOn = async (node: string): Promise<{ image: string; ready: string }> => {
    const r = await h.kubectl([
      'get', 'pods', '-n', 'calico-system', '-l', 'k8s-app=calico-node', '--field-selector', `spec.nodeName=${node}`,
      '-o', 'jsonpath={.items[0].spec.containers[0].image} {.items[0].status.conditions[?(@.type=="Ready")].status}',
    ]); // prettier-ignore
    const [image = '', ready = ''] = r.stdout.split(' ');
    return { image, ready };
  };

  beforeAll(async () => {
    for (const ns of NETNS) {
      await execa('ip', ['netns', 'add', ns]);
      await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    process.env.PICOCAL_LAB_DEGRADED_AFTER_MS = '3000';
    h = await startHarness(NETNS.map((netns) => ({ netns })));
    for (const f of [
      `${M31}/operator-crds.yaml`,
      `${M31}/tigera-operator.yaml`,
      `${M31}/custom-resources.yaml`,
    ]) {
      const r = await h.kubectl(['create', '-f', f]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    const felix = {
      apiVersion: 'crd.projectcalico.org/v1',
      kind: 'FelixConfiguration',
      metadata: { name: 'default' },
      spec: { prometheusMetricsEnabled: true },
    };
    expect((await h.kubectl(['create', '-f', '-'], JSON.stringify(felix))).exitCode).toBe(0);
  });

  afterAll(async () => {
    await h?.cleanup();
    for (const ns of NETNS) await execa('ip', ['netns', 'del', ns], { reject: false });
  });

  it(
    'brings every calico-node pod Ready and reports the installed version',
    { timeout: 120_000 },
    async () => {
      const ready = await h.kubectl([
        'wait',
        '--for=condition=Ready',
        'pods',
        '-l',
        'k8s-app=calico-node',
        '-n',
        'calico-system',
        '--timeout=60s',
      ]);
      expect(ready.exitCode, ready.stderr).toBe(0);
      const avail = await h.kubectl([
        'wait',
        '--for=condition=Available',
        'tigerastatus',
        '--all',
        '--timeout=30s',
      ]);
      expect(avail.exitCode, avail.stderr).toBe(0);
      const rollout = await h.kubectl([
        'rollout',
        'status',
        'ds/calico-node',
        '-n',
        'calico-system',
        '--timeout=30s',
      ]);
      expect(rollout.stdout).toContain('daemon set "calico-node" successfully rolled out');
      expect(
        (await h.kubectl(['get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}']))
          .stdout,
      ).toBe('v3.31.7');
    },
  );

  it('serves Felix health on 127.0.0.1:9099, metrics on 9091 and the VXLAN link inside each node', async () => {
    for (const ns of NETNS) {
      const r = await probe(ns, '/readiness');
      expect(r.code).toBe('200');
      expect(r.body).toMatch(/COMPONENT\s+\|\s+TIMEOUT\s+\|\s+LIVENESS\s+\|\s+READINESS\s+\|\s+DETAIL/);
      expect(r.body).toContain('v3.31.7');
      const m = await until('metrics', async () => {
        const x = await probe(ns, '/metrics', 9091);
        return x.code === '200' ? x.body : undefined;
      });
      expect(m).toMatch(/^felix_cluster_num_hosts 2$/m);
      expect(m).toMatch(/^felix_resync_state 3$/m);
      const link = await inNode(ns, ['ip', '-br', 'link', 'show', 'vxlan.calico']);
      expect(link.stdout).toContain('vxlan.calico');
    }
    // From the host, nothing answers: 9099 is the node's own loopback.
    await expect(
      fetch('http://127.0.0.1:9099/readiness', { signal: AbortSignal.timeout(1000) }),
    ).rejects.toThrow();
  });

  it('turns the calico-unready fault into a 503 and a pod that is not Ready, and recovers', async () => {
    writeNodeFaults(h.state, 'pc-node2', { calicoUnready: true });
    expect((await probe(NETNS[1]!, '/readiness')).code).toBe('503');
    expect((await probe(NETNS[1]!, '/liveness')).code).toBe('200');
    await until('pod not ready', async () =>
      (await podOn('pc-node2')).ready === 'False' ? true : undefined,
    );
    writeNodeFaults(h.state, 'pc-node2', {});
    await until('pod ready again', async () =>
      (await podOn('pc-node2')).ready === 'True' ? true : undefined,
    );
  });

  it(
    'rolls the upgrade node by node and stalls, Degraded, on a node where the new version fails',
    { timeout: 180_000 },
    async () => {
      writeNodeFaults(h.state, 'pc-node2', { failVersions: ['v3.32.1'] });
      for (const f of [`${M32}/v1_crd_projectcalico_org.yaml`, `${M32}/tigera-operator.yaml`]) {
        const r = await h.kubectl(['apply', '--server-side', '--force-conflicts', '-f', f]);
        expect(r.exitCode, r.stderr).toBe(0);
      }
      await until('node1 upgraded and ready', async () => {
        const p = await podOn('pc-node1');
        return p.image.endsWith(':v3.32.1') && p.ready === 'True' ? true : undefined;
      });
      await until('node2 on the new version', async () =>
        (await podOn('pc-node2')).image.endsWith(':v3.32.1') ? true : undefined,
      );
      const degraded = await h.kubectl([
        'wait',
        '--for=condition=Degraded',
        'tigerastatus/calico',
        '--timeout=20s',
      ]);
      expect(degraded.exitCode, degraded.stderr).toBe(0);
      expect((await podOn('pc-node2')).ready).toBe('False');
      const rollout = await h.kubectl([
        'rollout',
        'status',
        'ds/calico-node',
        '-n',
        'calico-system',
        '--timeout=3s',
      ]);
      expect(rollout.exitCode).not.toBe(0);
      expect(
        (await h.kubectl(['get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}']))
          .stdout,
      ).toBe('v3.31.7');

      writeNodeFaults(h.state, 'pc-node2', {});
      const done = await h.kubectl([
        'rollout',
        'status',
        'ds/calico-node',
        '-n',
        'calico-system',
        '--timeout=30s',
      ]);
      expect(done.exitCode, done.stderr).toBe(0);
      await until('calicoVersion v3.32.1', async () => {
        const v = (
          await h.kubectl(['get', 'installation', 'default', '-o', 'jsonpath={.status.calicoVersion}'])
        ).stdout;
        return v === 'v3.32.1' ? true : undefined;
      });
    },
  );

  it('marks a powered-off node NotReady and its calico-node pod not Ready', async () => {
    h.state.nodes[1]!.state = 'stopped';
    writeLabState(h.state);
    await until('pod not ready', async () =>
      (await podOn('pc-node2')).ready === 'False' ? true : undefined,
    );
    await until('node NotReady', async () => {
      const node = await h.kubectl([
        'get',
        'node',
        'pc-node2',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]);
      return node.stdout === 'Unknown' ? true : undefined;
    });
    h.state.nodes[1]!.state = 'running';
    writeLabState(h.state);
    await until('pod ready after power-on', async () =>
      (await podOn('pc-node2')).ready === 'True' ? true : undefined,
    );
  });
});
