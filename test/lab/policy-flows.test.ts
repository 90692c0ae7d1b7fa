// `policy flows`, `policy denied`, `calico-validate --observed` and `policy recommend --from-flows` on
// the lab, through the real kubectl. The lab's flows stand-in (src/lab/flows-api, LAB ONLY) serves
// whisker-backend's API behind the whisker Service's proxy and is fed by the lab's probes
// (`calico-validate --probe` runs nc through kubectl exec): so the flows here come from real probes
// between two netns-backed boards, and their policy traces from the policies stored in the lab API.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadAll } from 'js-yaml';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/calico-validate.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { picocalInPty } from './helpers/pty.js';
import { labSkipReason, startHarness, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(true);
const tag = randomBytes(3).toString('hex');
const NETNS = [`fo-${tag}-1`, `fo-${tag}-2`];
const VETH = [`fo${tag}a`, `fo${tag}b`];
const VALIDATE = { name: 'calico-validate', summary: 'test', commands: [validateCommand], single: true };
const FRONTEND_IP = '10.244.1.10';
const BACKEND_IP = '10.244.2.20';
const M32 = '../shared/calico/v3.32.1/manifests';

const pod = (name: string, app: string, node: string, ip: string, port: number) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {app: ${app}}}
spec:
  nodeName: ${node}
  containers: [{name: main, image: busybox, ports: [{containerPort: ${port}, name: http}]}]
status: {phase: Running, podIP: ${ip}}
`;

const CLUSTER = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop}}
${pod('frontend', 'frontend', 'pc-node1', FRONTEND_IP, 80)}${pod('backend', 'backend', 'pc-node2', BACKEND_IP, 8080)}`;

const POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-from-frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 8080}]
`;

// Staged, before the Kubernetes policies (order 10): would deny every ingress to backend.
const LOCKDOWN = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: lockdown, namespace: shop}
spec:
  stagedAction: Set
  order: 10
  selector: app == 'backend'
  types: [Ingress]
  ingress: [{action: Deny}]
`;
const TESTS = `- {name: backend cannot reach frontend, from: shop/backend, to: shop/frontend, port: 80, expect: deny}
`;

function listen(netns: string, ip: string, port: number): Promise<ChildProcess> {
  const script = `require('net').createServer((s) => s.end()).listen(${port}, '${ip}', () => console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`listener on ${ip}:${port} exited ${code}`)));
  });
}

interface Hit {
  kind: string;
  name: string;
  tier: string;
  action: string;
  ruleIndex: number;
  trigger?: { name: string };
}

/** `-o json`: kubectl's List of Goldmane's Flow objects (goldmane/proto/api.proto Flow, FlowKey). */
interface FlowItem {
  key: {
    sourceNamespace: string;
    sourceName: string;
    destNamespace: string;
    destName: string;
    destPort: number;
    reporter: string;
    action: string;
    policies: { enforcedPolicies: Hit[]; pendingPolicies: Hit[] };
  };
  startTime: string;
}
interface FlowList {
  apiVersion: string;
  kind: string;
  items: FlowItem[];
}

describe.skipIf(skip !== undefined)(`flow records on the lab${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let h: Harness;
  let kubeconfig: string;
  const listeners: ChildProcess[] = [];
  const picocal = (...args: string[]): Promise<CliResult> => runCli([...args, '--kubeconfig', kubeconfig]);
  const validate = (...args: string[]): Promise<CliResult> =>
    runCli([...args, '--kubeconfig', kubeconfig], { program: VALIDATE });

  beforeAll(async () => {
    for (const ns of NETNS) {
      await execa('ip', ['netns', 'add', ns]);
      await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    }
    await execa('ip', ['link', 'add', VETH[0]!, 'type', 'veth', 'peer', 'name', VETH[1]!]);
    for (const [i, ip] of [FRONTEND_IP, BACKEND_IP].entries()) {
      await execa('ip', ['link', 'set', VETH[i]!, 'netns', NETNS[i]!]);
      await execa('ip', ['-n', NETNS[i]!, 'addr', 'add', `${ip}/16`, 'dev', VETH[i]!]);
      await execa('ip', ['-n', NETNS[i]!, 'link', 'set', VETH[i]!, 'up']);
    }
    h = await startHarness([
      { netns: NETNS[0]!, address: FRONTEND_IP },
      { netns: NETNS[1]!, address: BACKEND_IP },
    ]);
    kubeconfig = join(h.state.dir, 'kubeconfig');
    for (const doc of [CLUSTER, POLICIES]) {
      const r = await h.kubectl(['create', '-f', '-'], doc);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    for (const f of [`${M32}/v1_crd_projectcalico_org.yaml`, `${M32}/tigera-operator.yaml`]) {
      const r = await h.kubectl(['create', '-f', f]);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    listeners.push(await listen(NETNS[1]!, BACKEND_IP, 8080), await listen(NETNS[1]!, BACKEND_IP, 9090));
  }, 60_000);

  afterAll(async () => {
    for (const l of listeners) l.kill('SIGKILL');
    await h?.cleanup();
    for (const ns of NETNS) await execa('ip', ['netns', 'del', ns], { reject: false });
  });

  it('says there is no flow API before Goldmane and Whisker are installed', async () => {
    const r = await picocal('policy', 'flows', '-n', 'shop');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no flow API in this cluster');
    expect(r.stderr).toContain('Goldmane');
  });

  it('lists the probed flows with their enforced traces once Whisker runs', async () => {
    // Installation, APIServer, Goldmane and Whisker, as Calico's quick start installs them.
    const w = await h.kubectl(['create', '-f', `${M32}/custom-resources.yaml`]);
    expect(w.exitCode, w.stderr).toBe(0);
    // Two probes: 8080 is allowed, 9090 is denied by the end of tier (the lab enforces nothing, both connect).
    for (const port of ['8080', '9090'])
      await validate('shop/frontend', 'shop/backend', '--port', port, '--probe', '--probe-timeout', '2');
    const r = await picocal('policy', 'flows', '-n', 'shop', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('source: Goldmane');
    const doc = JSON.parse(r.stdout) as FlowList;
    expect(doc).toMatchObject({ apiVersion: 'v1', kind: 'List' });
    const dst = (port: number) => doc.items.find((f) => f.key.reporter === 'Dst' && f.key.destPort === port);
    expect(dst(8080)!.key).toMatchObject({
      action: 'Allow',
      sourceNamespace: 'shop',
      sourceName: 'frontend',
    });
    expect(dst(8080)!.key.policies.enforcedPolicies.at(-1)).toMatchObject({
      kind: 'NetworkPolicy',
      name: 'backend-from-frontend',
      ruleIndex: 0,
    });
    expect(dst(9090)!.key).toMatchObject({ action: 'Deny' });
    expect(dst(9090)!.key.policies.enforcedPolicies.at(-1)).toMatchObject({
      kind: 'EndOfTier',
      tier: 'default',
      ruleIndex: -1,
      // Calico orders Kubernetes policies by name: the first that selects the pod triggers the end of tier.
      trigger: { name: 'backend-from-frontend' },
    });
    const table = await picocal('policy', 'flows', '-n', 'shop', '--action', 'deny');
    expect(table.stdout.split('\n')[0]).toMatch(/^START\s+SOURCE\s+DESTINATION\s+PROTO/);
    expect(table.stdout).toContain('shop/frontend   shop/backend   TCP/9090');
    expect(table.stdout).not.toContain('TCP/8080');
  });

  it('-o yaml is the same List as -o json; -o wide has the counters and whole traces', async () => {
    const json = await picocal('policy', 'flows', '-n', 'shop', '-o', 'json', '--sort-by', 'dest-name');
    const yaml = await picocal('policy', 'flows', '-n', 'shop', '-o', 'yaml', '--sort-by', 'dest-name');
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(load(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    const wide = await picocal('policy', 'flows', '-n', 'shop', '-o', 'wide', '--action', 'deny');
    expect(wide.code, wide.stderr).toBe(0);
    expect(wide.stdout.split('\n')[0]).toMatch(
      /PACKETS IN\/OUT\s+BYTES IN\/OUT\s+ENFORCED TRACE\s+PENDING TRACE$/,
    );
    expect(wide.stdout).toContain('default/end-of-tier (shop/backend-from-frontend): Deny');
  });

  it('--sort-by orders as Goldmane does; --limit keeps the first N', async () => {
    const all = JSON.parse(
      (await picocal('policy', 'flows', '-o', 'json', '--sort-by', 'source-name')).stdout,
    ) as FlowList;
    const names = all.items.map((f) => f.key.sourceName);
    expect(names).toEqual([...names].sort());
    expect(all.items.length).toBeGreaterThan(1);
    const one = await picocal('policy', 'flows', '-o', 'json', '--sort-by', 'source-name', '--limit', '1');
    expect(one.code, one.stderr).toBe(0);
    expect((JSON.parse(one.stdout) as FlowList).items).toEqual(all.items.slice(0, 1));
    expect(one.stderr).toContain(`${all.items.length} flows in the last 900s, the first 1 shown (--limit)`);
  });

  it(
    '--watch streams through the real kubectl: the window first, then each new flow as it comes',
    { timeout: 60_000 },
    async () => {
      const listed = JSON.parse(
        (await picocal('policy', 'flows', '-n', 'shop', '--since', '10m', '-o', 'json')).stdout,
      ) as FlowList;
      const before = listed.items.length;
      expect(before).toBeGreaterThan(0);
      // The built CLI as a separate process, so its rows can be read while it runs: --limit before+1
      // ends it on the first flow after the window's.
      const child = spawn(
        process.execPath,
        [
          'dist/src/cli/picocal.js',
          'policy',
          'flows',
          '-n',
          'shop',
          '--since',
          '10m',
          '--watch',
          '--limit',
          String(before + 1),
          '--kubeconfig',
          kubeconfig,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const rows = () =>
        out
          .split('\n')
          .filter((l) => l !== '')
          .slice(1);
      // The backfill has arrived: the stream is open. Only then the probe that makes a new flow.
      for (let i = 0; i < 200 && rows().length < before; i++) await new Promise((r) => setTimeout(r, 100));
      expect(rows(), err).toHaveLength(before);
      expect(child.exitCode, err).toBeNull();
      await validate('shop/frontend', 'shop/backend', '--port', '8080', '--probe', '--probe-timeout', '2');
      expect(await exited, err).toBe(0);
      expect(out.split('\n')[0]).toMatch(/^START\s+SOURCE\s+DESTINATION\s+PROTO/);
      expect(rows()).toHaveLength(before + 1);
      expect(rows().at(-1)).toContain('TCP/8080');
    },
  );

  it(
    '--watch at a terminal: Ctrl-C ends it with 130 and leaves no kubectl running',
    { timeout: 60_000 },
    async () => {
      const run = picocalInPty(
        ['policy', 'flows', '-n', 'shop', '--since', '10m', '--watch', '--kubeconfig', kubeconfig],
        {
          cwd: process.cwd(),
        },
      );
      try {
        await run.waitFor(/TCP\/8080/, 30_000);
        run.ctrlC();
        const { code, text } = await run.done;
        expect(code, text).toBe(130);
        expect(text).toContain('interrupted');
      } finally {
        run.kill();
      }
      const left = await execa('pgrep', ['-f', `${kubeconfig} get --raw`], { reject: false });
      expect(left.stdout).toBe('');
    },
  );

  it('policy denied reads the denied flows from Goldmane and says so', async () => {
    const r = await picocal('policy', 'denied', '--since', '10m', '-o', 'json');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('source: Goldmane');
    const doc = JSON.parse(r.stdout) as FlowList;
    expect(doc.kind).toBe('List');
    expect(doc.items.length).toBeGreaterThan(0);
    expect(doc.items.every((f) => f.key.action === 'Deny')).toBe(true);
    expect(doc.items.map((f) => f.key.destPort)).toContain(9090);
    const yaml = await picocal('policy', 'denied', '--since', '10m', '-o', 'yaml');
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(load(yaml.stdout)).toEqual(doc);
  });

  it(
    "policy denied --follow follows Goldmane's stream of denied flows until Ctrl-C",
    { timeout: 60_000 },
    async () => {
      const child = spawn(
        process.execPath,
        [
          'dist/src/cli/picocal.js',
          'policy',
          'denied',
          '--since',
          '10m',
          '--follow',
          '--kubeconfig',
          kubeconfig,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
      const rows = () =>
        out
          .split('\n')
          .filter((l) => l !== '')
          .slice(1);
      for (let i = 0; i < 200 && !err.includes('following:'); i++)
        await new Promise((r) => setTimeout(r, 100));
      expect(err).toContain('source: Goldmane');
      // A denied connection, again until the stream (opened by kubectl meanwhile) carries one: each probe
      // adds to a record, and the stream sends every record it adds to.
      const before = rows().length;
      for (let i = 0; i < 10 && rows().length === before; i++) {
        await validate('shop/frontend', 'shop/backend', '--port', '9090', '--probe', '--probe-timeout', '2');
        for (let j = 0; j < 10 && rows().length === before; j++) await new Promise((r) => setTimeout(r, 100));
      }
      try {
        expect(rows().length, err).toBeGreaterThan(before);
        expect(rows().at(-1)).toMatch(/TCP\/9090\s+\S+\s+Deny/);
      } finally {
        // Ctrl-C's signal, also when an expectation failed: nothing is left running.
        child.kill('SIGINT');
      }
      expect(await exited, err).toBe(130);
    },
  );

  it('calico-validate --observed agrees with the records of the same flow', async () => {
    const ok = await validate('shop/frontend', 'shop/backend', '--port', '8080', '--observed');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain('ingress (reported by the destination): agrees');
    const denied = await validate(
      'shop/frontend',
      'shop/backend',
      '--port',
      '9090',
      '--observed',
      '--expect',
      'deny',
      '--output',
      'json',
    );
    expect(denied.code, denied.stderr).toBe(0);
    const doc = JSON.parse(denied.stdout) as {
      observed: { agrees: boolean; directions: { direction: string; observed: { kind: string } | null }[] };
    };
    expect(doc.observed.agrees).toBe(true);
    expect(doc.observed.directions.find((d) => d.direction === 'ingress')?.observed?.kind).toBe('EndOfTier');
  });

  it('policy recommend --from-flows writes staged policies that pass the linter', async () => {
    const r = await picocal('policy', 'recommend', '--from-flows', 'shop', '--since', '10m');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('source: Goldmane');
    const docs = loadAll(r.stdout) as {
      kind: string;
      metadata: { name: string };
      spec: {
        selector: string;
        ingress: unknown[];
        egress: { protocol: string; destination: { ports?: number[] } }[];
      };
    }[];
    const backend = docs.find((d) => d.metadata.name === 'recommended-backend')!;
    expect(backend.kind).toBe('StagedNetworkPolicy');
    expect(backend.spec.selector).toBe("app == 'backend'");
    // Only what the dataplane allowed: 8080, not the denied 9090.
    expect(backend.spec.ingress).toEqual([
      {
        action: 'Allow',
        protocol: 'TCP',
        source: { selector: "app == 'frontend'" },
        destination: { ports: [8080] },
      },
    ]);
    const frontend = docs.find((d) => d.metadata.name === 'recommended-frontend')!;
    expect(frontend.spec.egress.slice(0, 2).map((e) => [e.protocol, e.destination.ports])).toEqual([
      ['UDP', [53]],
      ['TCP', [53]],
    ]);
    expect(frontend.spec.egress[2]!.destination.ports).toEqual([8080]);
    const file = join(h.state.dir, 'fl-recommended.yaml');
    writeFileSync(file, r.stdout);
    const lint = await runCli(['policy', 'lint', file, '--artifacts', '../shared/calico']);
    expect(lint.code, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).toContain('0 errors, 0 warnings, 0 notes');
    expect(lint.stdout + lint.stderr).not.toContain('not checked');
  });

  it(
    'policy enforce --live refuses with a table when a staged policy would deny flows allowed now',
    { timeout: 120_000 },
    async () => {
      const avail = await h.kubectl([
        'wait',
        '--for=condition=Available',
        'tigerastatus/apiserver',
        '--timeout=60s',
      ]);
      expect(avail.exitCode, avail.stderr).toBe(0);
      const s = await h.kubectl(['apply', '--server-side', '-f', '-'], LOCKDOWN);
      expect(s.exitCode, s.stderr).toBe(0);
      // Traffic while lockdown is staged: its records carry the pending trace.
      await validate('shop/frontend', 'shop/backend', '--port', '8080', '--probe', '--probe-timeout', '2');
      writeFileSync(join(h.state.dir, 'fl-tests.yaml'), TESTS);
      const enforce = (...extra: string[]) =>
        picocal(
          'policy',
          'enforce',
          '--live',
          'shop/lockdown',
          '--tests',
          join(h.state.dir, 'fl-tests.yaml'),
          ...extra,
        );
      const r = await enforce();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        'refusing to enforce: 1 flows of the last 3600s are allowed now and would be denied',
      );
      const [head, row] = r.stdout.split('\n');
      expect(head).toMatch(
        /^SOURCE\s+DESTINATION\s+PROTO\s+REPORTER\s+ALLOWED NOW BY\s+DENIED ONCE ENFORCED BY$/,
      );
      expect(row).toContain('shop/frontend   shop/backend   TCP/8080   Dst');
      expect(row).toContain('default/shop/lockdown rule 0: Deny');
      // Nothing changed: the staged policy is still staged.
      expect(
        (await h.kubectl(['get', 'stagednetworkpolicies.projectcalico.org', '-n', 'shop', 'lockdown']))
          .exitCode,
      ).toBe(0);
      const skipped = await enforce('--skip-staged-impact', '--dry-run');
      expect(skipped.code, skipped.stderr).toBe(0);
      expect(skipped.stderr).toContain('staged impact not checked (--skip-staged-impact)');
    },
  );

  it('calico-validate --observed disagrees when the policies changed since the flow was recorded', async () => {
    // The records say backend-from-frontend allowed 8080; files without that policy say the end of tier denies.
    const r = await validate(
      'shop/frontend',
      'shop/backend',
      '--port',
      '8080',
      '--observed',
      '--observed-since',
      '5m',
    );
    expect(r.code).toBe(0);
    const del = await h.kubectl(['delete', 'networkpolicy', '-n', 'shop', 'backend-from-frontend']);
    expect(del.exitCode, del.stderr).toBe(0);
    const after = await validate(
      'shop/frontend',
      'shop/backend',
      '--port',
      '8080',
      '--observed',
      '--expect',
      'deny',
    );
    expect(after.code).toBe(1);
    expect(after.stdout).toContain('DISAGREES');
    expect(after.stderr).toContain('the flow records disagree');
  });
});
