// `calico-validate --live` and `picocal policy enforce --live` against the lab's API stand-in, driven
// through the real kubectl: namespaces, pods and policies are created with kubectl, then read back by
// picocal and enforced (server-side apply of the enforced kind, delete of the staged one).
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/calico-validate.js';
import { labKubeconfig } from '../../src/lab/kube-api/kubeconfig.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { freePort, labSkipReason, startHarness, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(true);
const M32 = '../shared/calico/v3.32.1/manifests';
const tag = randomBytes(3).toString('hex');
const NETNS = [`pclt-${tag}-1`, `pclt-${tag}-2`];
const VALIDATE = { name: 'calico-validate', summary: 'test', commands: [validateCommand], single: true };

const CLUSTER = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web}}
---
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: v1
kind: Pod
metadata: {name: frontend, namespace: shop, labels: {app: frontend}}
spec:
  containers: [{name: web, image: nginx, ports: [{name: http, containerPort: 80}]}]
status: {phase: Running, podIP: 10.244.1.10}
---
apiVersion: v1
kind: Pod
metadata: {name: backend, namespace: shop, labels: {app: backend}}
spec:
  containers: [{name: api, image: api, ports: [{name: api, containerPort: 8080}]}]
status: {phase: Running, podIP: 10.244.2.20}
`;

const POLICIES = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  stagedAction: Set
  selector: all()
  types: [Ingress, Egress]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: backend-from-frontend, namespace: shop}
spec:
  selector: app == 'backend'
  types: [Ingress]
  ingress:
    - action: Allow
      protocol: TCP
      source: {selector: app == 'frontend'}
      destination: {ports: [8080]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: frontend-to-backend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: frontend}}
  policyTypes: [Egress]
  egress:
    - to: [{podSelector: {matchLabels: {app: backend}}}]
      ports: [{port: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: legacy-allow-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{}]
---
apiVersion: projectcalico.org/v3
kind: StagedKubernetesNetworkPolicy
metadata: {name: legacy-allow-all, namespace: shop}
spec:
  stagedAction: Delete
  podSelector: {}
---
# picocal's rendered baseline (policy.mode: staged in the inventory): never enforced by policy enforce --live.
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: default-deny, namespace: apps, labels: {app.kubernetes.io/managed-by: picocal}}
spec:
  stagedAction: Set
  tier: default
  order: 200
  selector: all()
  types: [Ingress, Egress]
---
apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata: {name: quarantine, namespace: other}
spec:
  stagedAction: Set
  selector: all()
  types: [Ingress]
`;

const PASSING = `- {name: frontend reaches backend api, from: frontend, to: backend, namespace: shop, port: 8080, expect: allow}
- {name: backend cannot reach frontend, from: backend, to: frontend, namespace: shop, port: 80, expect: deny}
`;
const FAILING = `- {name: frontend reaches backend api, from: frontend, to: backend, namespace: shop, port: 8080, expect: allow}
- {name: backend reaches frontend, from: shop/backend, to: shop/frontend, port: 80, expect: allow}
`;

interface ValidateJson {
  verdict: string;
  staged?: { verdict: string };
  explanation: unknown;
}

describe.skipIf(skip !== undefined)(
  `policy commands with --live against the lab API${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let h: Harness;
    let kubeconfig: string;
    const validate = (...args: string[]): Promise<CliResult> =>
      runCli([...args, '--live', '--kubeconfig', kubeconfig], { program: VALIDATE });
    const enforce = (...args: string[]): Promise<CliResult> =>
      runCli(['policy', 'enforce', '--live', '--kubeconfig', kubeconfig, ...args], { cwd: h.state.dir });
    const names = async (resource: string): Promise<string> =>
      (
        await h.kubectl([
          'get',
          resource,
          '-n',
          'shop',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name} {end}',
        ])
      ).stdout.trim();

    beforeAll(async () => {
      for (const ns of NETNS) {
        await execa('ip', ['netns', 'add', ns]);
        await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      h = await startHarness(NETNS.map((netns) => ({ netns })));
      kubeconfig = join(h.state.dir, 'host-kubeconfig');
      writeFileSync(kubeconfig, labKubeconfig(h.state.apiServer.url));
      for (const f of [
        `${M32}/v1_crd_projectcalico_org.yaml`,
        `${M32}/tigera-operator.yaml`,
        `${M32}/custom-resources.yaml`,
      ]) {
        const r = await h.kubectl(['create', '-f', f]);
        expect(r.exitCode, r.stderr).toBe(0);
      }
      const avail = await h.kubectl([
        'wait',
        '--for=condition=Available',
        'tigerastatus/apiserver',
        '--timeout=60s',
      ]);
      expect(avail.exitCode, avail.stderr).toBe(0);
      // `create` keeps a core object's status (server-side apply would drop it), so pods get their IPs.
      const c = await h.kubectl(['create', '-f', '-'], CLUSTER);
      expect(c.exitCode, c.stderr).toBe(0);
      const p = await h.kubectl(['apply', '--server-side', '-f', '-'], POLICIES);
      expect(p.exitCode, p.stderr).toBe(0);
      writeFileSync(join(h.state.dir, 'passing.yaml'), PASSING);
      writeFileSync(join(h.state.dir, 'failing.yaml'), FAILING);
      writeFileSync(join(h.state.dir, 'frontend-only.yaml'), PASSING.split('\n')[0] + '\n');
    }, 120_000);

    afterAll(async () => {
      await h?.cleanup();
      for (const ns of NETNS) await execa('ip', ['netns', 'del', ns], { reject: false });
    });

    it.each([
      ['frontend', 'backend', '8080', 'allow', 'allow'],
      ['backend', 'frontend', '80', 'allow', 'deny'],
      ['frontend', 'backend', '9090', 'deny', 'deny'],
    ])(
      'calico-validate %s → %s port %s --live: %s now, %s with the staged policy',
      async (src, dst, port, verdict, staged) => {
        const r = await validate(src, dst, 'shop', '--port', port, '--expect', verdict, '--output', 'json');
        expect(r.code, r.stderr).toBe(0);
        const doc = JSON.parse(r.stdout) as ValidateJson;
        expect(doc.verdict).toBe(verdict);
        expect(doc.staged?.verdict).toBe(staged);
        if (verdict === 'deny') expect(JSON.stringify(doc.explanation)).toContain('kubectl:');
      },
    );

    it('calico-validate --live names the deciding live object in its text explanation', async () => {
      const r = await validate('frontend', 'backend', 'shop', '--port', '9090', '--expect', 'deny');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('kubectl:NetworkPolicy/shop/frontend-to-backend');
    });

    it('policy matrix --live evaluates the pods and policies kubectl reads from the cluster', async () => {
      const r = await runCli(
        [
          'policy',
          'matrix',
          '--live',
          '--kubeconfig',
          kubeconfig,
          '-n',
          'shop',
          '--port',
          '8080',
          '--output',
          'json',
        ],
        { cwd: h.state.dir },
      );
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as {
        pods: string[];
        planes: Array<{ allowed: boolean[][]; staged?: boolean[][] }>;
      };
      const [fe, be] = [doc.pods.indexOf('shop/frontend'), doc.pods.indexOf('shop/backend')];
      expect(fe).toBeGreaterThanOrEqual(0);
      expect(be).toBeGreaterThanOrEqual(0);
      const plane = doc.planes[0];
      expect(plane?.allowed[fe]?.[be]).toBe(true); // frontend → backend:8080, allowed both ways
      expect(plane?.staged?.[be]?.[fe]).toBe(false); // the staged default deny would stop backend → frontend
    });

    it('policy test --live tests the cluster: fails now, passes with --staged (what enforce would make)', async () => {
      const test = (...extra: string[]) =>
        runCli(['policy', 'test', 'passing.yaml', '--live', '--kubeconfig', kubeconfig, ...extra], {
          cwd: h.state.dir,
        });
      const now = await test();
      expect(now.code, now.stderr).toBe(1);
      expect(now.stdout).toMatch(/^FAIL\s+backend cannot reach frontend/m);
      const staged = await test('--staged');
      expect(staged.code, staged.stderr).toBe(0);
    });

    it('calico-validate --live fails with exit 1 and a hint when the cluster is unreachable', async () => {
      const bad = join(h.state.dir, 'unreachable-kubeconfig');
      writeFileSync(bad, labKubeconfig(`http://127.0.0.1:${await freePort()}`));
      const r = await runCli(['a', 'b', '--live', '--kubeconfig', bad], { program: VALIDATE });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/unreachable/);
    });

    it('calico-validate rejects --live together with --cluster (exit 2)', async () => {
      const r = await validate('a', 'b', '--cluster', 'x.yaml');
      expect(r.code).toBe(2);
    });

    it('the policy tests gate the cluster as it would be: enforcing only other/quarantine leaves backend → frontend open', async () => {
      const r = await enforce('--tests', 'passing.yaml', '--dry-run', 'other/quarantine');
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('refusing to enforce: 1 policy test fails');
      expect(r.stderr).toContain('backend cannot reach frontend');
    });

    it('policy enforce --live refuses, naming the failing test, and changes nothing', async () => {
      const r = await enforce('--tests', 'failing.yaml', '--output', 'json');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('backend reaches frontend');
      const doc = JSON.parse(r.stdout) as { enforced: boolean; refused: string };
      expect(doc.enforced).toBe(false);
      expect(doc.refused).toContain('backend reaches frontend');
      expect(await names('stagednetworkpolicies.projectcalico.org')).toBe('default-deny');
      expect(await names('networkpolicies.networking.k8s.io')).toContain('legacy-allow-all');
    });

    it('policy enforce --live --dry-run prints the plan and changes nothing', async () => {
      const r = await enforce('--tests', 'passing.yaml', '--dry-run');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('would apply NetworkPolicy shop/default-deny');
      expect(r.stdout).toContain('would delete StagedNetworkPolicy shop/default-deny');
      expect(r.stdout).toContain(
        'would delete NetworkPolicy shop/legacy-allow-all (networking.k8s.io/v1, stagedAction Delete',
      );
      expect(r.stdout).toContain('would apply NetworkPolicy other/quarantine');
      // picocal's baseline keeps the inventory's mode.
      expect(r.stdout).not.toContain('apps/default-deny');
      expect(r.stderr).toContain("left staged: StagedNetworkPolicy apps/default-deny: picocal's baseline");
      expect(await names('stagednetworkpolicies.projectcalico.org')).toBe('default-deny');
    });

    it.each<[string[], string[], string[]]>([
      [['-n', 'shop'], ['shop/default-deny', 'shop/legacy-allow-all'], ['other/quarantine']],
      [['shop/default-deny'], ['shop/default-deny'], ['legacy-allow-all', 'other/quarantine']],
      [['quarantine'], ['other/quarantine'], ['shop/']],
    ])('policy enforce --live %j --dry-run enforces only those', async (filter, present, absent) => {
      // A test that holds whichever of them is enforced: the gate is about the choice, not tested here.
      const r = await enforce('--tests', 'frontend-only.yaml', '--dry-run', ...filter);
      expect(r.code, r.stderr).toBe(0);
      for (const p of present) expect(r.stdout).toContain(p);
      for (const a of absent) expect(r.stdout).not.toContain(a);
      expect(r.stdout).not.toContain('apps/default-deny');
    });

    it.each<[string[], RegExp]>([
      [
        ['apps/default-deny'],
        /no staged policy 'apps\/default-deny' to enforce\nhint: that is picocal's baseline/,
      ],
      [['shop/defualt-deny'], /did you mean 'shop\/default-deny'\?/],
      [['-n', 'apps'], /nothing to enforce: no staged policy matches/],
    ])('policy enforce --live %j: refused or nothing to do, nothing changed', async (filter, message) => {
      const r = await enforce('--tests', 'frontend-only.yaml', '--dry-run', ...filter);
      expect(r.code).toBe(filter[0] === '-n' ? 0 : 2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });

    it('policy enforce --live replaces the staged policy with the enforced kind once the tests pass', async () => {
      const r = await enforce('--tests', 'passing.yaml', '-n', 'shop', '--output', 'json');
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { enforced: boolean; steps: string[] };
      expect(doc.enforced).toBe(true);
      expect(doc.steps).toHaveLength(4);
      expect(await names('stagednetworkpolicies.projectcalico.org')).toBe('');
      expect(await names('stagedkubernetesnetworkpolicies.projectcalico.org')).toBe('');
      expect(await names('networkpolicies.networking.k8s.io')).toBe('frontend-to-backend');
      expect((await names('networkpolicies.projectcalico.org')).split(' ').sort()).toEqual([
        'backend-from-frontend',
        'default-deny',
      ]);
      const spec = await h.kubectl([
        'get',
        'networkpolicies.projectcalico.org',
        'default-deny',
        '-n',
        'shop',
        '-o',
        'jsonpath={.spec.selector} {.spec.types} {.spec.stagedAction}',
      ]);
      expect(spec.stdout.trim()).toBe('all() ["Ingress","Egress"]');
      // Outside -n shop nothing changed: the baseline and the other namespace's policy stay staged.
      for (const ns of ['apps', 'other']) {
        const left = await h.kubectl([
          'get',
          'stagednetworkpolicies.projectcalico.org',
          '-n',
          ns,
          '-o',
          'name',
        ]);
        expect(left.stdout.trim()).not.toBe('');
      }
      // Enforced now: the live verdict is what the staged one was.
      const v = await validate('backend', 'frontend', 'shop', '--port', '80', '--expect', 'deny');
      expect(v.code, v.stderr).toBe(0);
    });
  },
);

describe.skipIf(labSkipReason(false) !== undefined)(
  'calico-validate --live on a cluster without the Calico API server',
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness([{}]);
      const c = await h.kubectl(['create', '-f', '-'], CLUSTER);
      expect(c.exitCode, c.stderr).toBe(0);
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    it('skips the unserved projectcalico.org kinds with a warning and still gives a verdict', async () => {
      const r = await runCli(
        [
          'shop/frontend',
          'shop/backend',
          '--port',
          '8080',
          '--live',
          '--kubeconfig',
          join(h.state.dir, 'kubeconfig'),
        ],
        { program: VALIDATE },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain('warning: tiers.projectcalico.org is not served (no Calico API server?)');
      expect(r.stderr).toContain('stagednetworkpolicies.projectcalico.org is not served');
    });
  },
);
