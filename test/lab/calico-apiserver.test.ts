// The lab's stand-in for the Calico API server (LAB ONLY): `projectcalico.org/v3` is served once the
// operator stand-in has brought up `APIServer default`, as on a real cluster; driven by the real
// kubectl, the real Calico 3.32 manifests, and calico-node stand-ins in network namespaces.
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNodeFaults } from '../../src/lab/lab-state.js';
import { labSkipReason, startHarness, until, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(true);
const M32 = '../shared/calico/v3.32.1/manifests';
const tag = randomBytes(3).toString('hex');
const NETNS = [`pclt-${tag}-1`, `pclt-${tag}-2`];

const FELIX = `apiVersion: projectcalico.org/v3
kind: FelixConfiguration
metadata:
  name: default
spec:
  prometheusMetricsEnabled: true
`;

const POLICIES = `apiVersion: projectcalico.org/v3
kind: StagedNetworkPolicy
metadata:
  name: allow-dns
  namespace: default
  labels: {team: platform}
spec:
  tier: default
  order: 10
  selector: all()
  types: [Egress]
  egress:
    - action: Allow
      protocol: UDP
      destination: {ports: [53]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata:
  name: deny-all
  labels: {team: security}
spec:
  order: 1000
  selector: projectcalico.org/namespace != 'kube-system'
  types: [Ingress, Egress]
`;

async function metricsCode(ns: string): Promise<string> {
  const r = await execa(
    'ip',
    [
      'netns',
      'exec',
      ns,
      'curl',
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      'http://127.0.0.1:9091/metrics',
    ],
    { reject: false, timeout: 10_000 },
  );
  return r.stdout;
}

describe.skipIf(skip !== undefined)(
  `Calico API server stand-in (projectcalico.org/v3)${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let h: Harness;
    const condition = async (kind: string, name: string, type: string): Promise<string> =>
      (
        await h.kubectl([
          'get',
          kind,
          name,
          '-o',
          `jsonpath={.status.conditions[?(@.type=="${type}")].status}`,
        ])
      ).stdout;

    beforeAll(async () => {
      for (const ns of NETNS) {
        await execa('ip', ['netns', 'add', ns]);
        await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      h = await startHarness(NETNS.map((netns) => ({ netns })));
    });

    afterAll(async () => {
      await h?.cleanup();
      for (const ns of NETNS) await execa('ip', ['netns', 'del', ns], { reject: false });
    });

    it('answers like a cluster without the Calico API server before APIServer default exists', async () => {
      const none = await h.kubectl(['get', 'felixconfigurations']);
      expect(none.exitCode).not.toBe(0);
      expect(none.stderr).toContain('the server doesn\'t have a resource type "felixconfigurations"');

      for (const f of [`${M32}/v1_crd_projectcalico_org.yaml`, `${M32}/tigera-operator.yaml`]) {
        const r = await h.kubectl(['create', '-f', f]);
        expect(r.exitCode, r.stderr).toBe(0);
      }
      // The CRDs serve only the internal crd.projectcalico.org group.
      expect((await h.kubectl(['get', 'felixconfigurations'])).exitCode).toBe(0);
      const v3 = await h.kubectl(['get', 'felixconfigurations.projectcalico.org']);
      expect(v3.stderr).toContain('the server doesn\'t have a resource type "felixconfigurations"');
      const apply = await h.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], FELIX);
      expect(apply.exitCode).not.toBe(0);
      expect(apply.stderr).toContain(
        'no matches for kind "FelixConfiguration" in version "projectcalico.org/v3"',
      );
      const res = await h.kubectl(['api-resources', '--api-group=projectcalico.org', '-o', 'name']);
      expect(res.stdout.trim()).toBe('');
    });

    it(
      'keeps TigeraStatus apiserver unavailable and the group unserved while calico-node is not ready',
      { timeout: 60_000 },
      async () => {
        writeNodeFaults(h.state, 'pc-node2', { calicoUnready: true });
        const r = await h.kubectl(['create', '-f', `${M32}/custom-resources.yaml`]);
        expect(r.exitCode, r.stderr).toBe(0);
        await until('tigerastatus apiserver', async () =>
          (await condition('tigerastatus', 'apiserver', 'Progressing')) === 'True' ? true : undefined,
        );
        expect(await condition('tigerastatus', 'apiserver', 'Available')).toBe('False');
        expect(await condition('apiservice', 'v3.projectcalico.org', 'Available')).toBe('False');
        const v3 = await h.kubectl(['get', 'tiers.projectcalico.org']);
        expect(v3.stderr).toContain('the server doesn\'t have a resource type "tiers"');
      },
    );

    it(
      'serves the group from the moment TigeraStatus apiserver is Available',
      { timeout: 90_000 },
      async () => {
        writeNodeFaults(h.state, 'pc-node2', {});
        const avail = await h.kubectl([
          'wait',
          '--for=condition=Available',
          'tigerastatus/apiserver',
          '--timeout=60s',
        ]);
        expect(avail.exitCode, avail.stderr).toBe(0);
        const felix = await h.kubectl(['get', 'felixconfigurations.projectcalico.org']);
        expect(felix.exitCode, felix.stderr).toBe(0);
        expect(await condition('apiservice', 'v3.projectcalico.org', 'Available')).toBe('True');
        const deploy = await h.kubectl([
          'get',
          'deploy',
          'calico-apiserver',
          '-n',
          'calico-system',
          '-o',
          'jsonpath={.spec.template.spec.containers[0].image}',
        ]);
        expect(deploy.stdout).toBe('quay.io/calico/apiserver:v3.32.1');
      },
    );

    it('lists the v3 kinds with their real scope and short names', async () => {
      const r = await h.kubectl(['api-resources', '--api-group=projectcalico.org', '--no-headers']);
      expect(r.exitCode, r.stderr).toBe(0);
      const rows: [string, string, boolean, string][] = [
        ['networkpolicies', 'cnp,caliconetworkpolicy', true, 'NetworkPolicy'],
        ['networksets', '', true, 'NetworkSet'],
        ['stagednetworkpolicies', 'scnp,snp', true, 'StagedNetworkPolicy'],
        ['stagedkubernetesnetworkpolicies', 'sknp', true, 'StagedKubernetesNetworkPolicy'],
        ['globalnetworkpolicies', 'gnp,cgnp', false, 'GlobalNetworkPolicy'],
        ['stagedglobalnetworkpolicies', 'sgnp', false, 'StagedGlobalNetworkPolicy'],
        ['globalnetworksets', 'gns', false, 'GlobalNetworkSet'],
        ['tiers', '', false, 'Tier'],
        ['felixconfigurations', '', false, 'FelixConfiguration'],
        ['ippools', '', false, 'IPPool'],
        ['bgpconfigurations', 'bgpconfig,bgpconfigs', false, 'BGPConfiguration'],
        ['bgppeers', '', false, 'BGPPeer'],
        ['bgpfilters', '', false, 'BGPFilter'],
        ['hostendpoints', 'hep,heps', false, 'HostEndpoint'],
        ['kubecontrollersconfigurations', 'kcc,kccs', false, 'KubeControllersConfiguration'],
        ['clusterinformations', 'clusterinfo,clusterinfos', false, 'ClusterInformation'],
        ['caliconodestatuses', '', false, 'CalicoNodeStatus'],
        ['ipreservations', '', false, 'IPReservation'],
      ];
      for (const [plural, short, namespaced, kind] of rows) {
        const re = new RegExp(
          `^${plural}\\s+${short ? `${short}\\s+` : ''}projectcalico\\.org/v3\\s+${namespaced}\\s+${kind}$`,
          'm',
        );
        expect(r.stdout, plural).toMatch(re);
      }
    });

    it('creates the default tier (order 1000000) and the operator tier calico-system', async () => {
      const r = await until('tiers', async () => {
        const out = await h.kubectl([
          'get',
          'tiers',
          '-o',
          'jsonpath={range .items[*]}{.metadata.name}={.spec.order} {end}',
        ]);
        return out.stdout.includes('calico-system=') ? out.stdout.trim().split(' ').sort() : undefined;
      });
      expect(r).toEqual([
        'calico-system=100',
        'default=1000000',
        'kube-admin=1000',
        'kube-baseline=10000000',
      ]);
      const table = await h.kubectl(['get', 'tiers']);
      expect(table.stdout).toMatch(/^NAME\s+ORDER\s+DEFAULTACTION\s+AGE$/m);
      expect(table.stdout).toMatch(/^default\s+1000000\s+Deny\s+/m);
    });

    it(
      'applies a v3 FelixConfiguration server-side, and switches Felix metrics on in every node',
      { timeout: 60_000 },
      async () => {
        expect(await metricsCode(NETNS[0]!)).not.toBe('200');
        const r = await h.kubectl(['apply', '--server-side', '--force-conflicts', '-v=6', '-f', '-'], FELIX);
        expect(r.exitCode, r.stderr).toBe(0);
        expect(r.stdout).toContain('felixconfiguration.projectcalico.org/default serverside-applied');
        // The group's OpenAPI v3 document shows server-side field validation: kubectl relies on it.
        expect(r.stderr).toMatch(
          /PATCH \S+\/apis\/projectcalico\.org\/v3\/felixconfigurations\/default\?\S*fieldValidation=Strict/,
        );
        expect(r.stderr).not.toContain('/openapi/v2');
        const y = load((await h.kubectl(['get', 'felixconfiguration', 'default', '-o', 'yaml'])).stdout) as {
          apiVersion: string;
          kind: string;
          spec: Record<string, unknown>;
        };
        expect(y).toMatchObject({
          apiVersion: 'projectcalico.org/v3',
          kind: 'FelixConfiguration',
          spec: { prometheusMetricsEnabled: true },
        });
        // The API server stores v3 objects in the crd.projectcalico.org CRDs: one object, two groups.
        const stored = await h.kubectl([
          'get',
          'felixconfigurations.crd.projectcalico.org',
          'default',
          '-o',
          'jsonpath={.apiVersion} {.spec.prometheusMetricsEnabled}',
        ]);
        expect(stored.stdout).toBe('crd.projectcalico.org/v1 true');
        for (const ns of NETNS) {
          await until(`metrics in ${ns}`, async () => ((await metricsCode(ns)) === '200' ? true : undefined));
        }
      },
    );

    it('applies staged and global policies server-side and gets and lists them with selectors', async () => {
      const r = await h.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], POLICIES);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('stagednetworkpolicy.projectcalico.org/allow-dns serverside-applied');
      expect(r.stdout).toContain('globalnetworkpolicy.projectcalico.org/deny-all serverside-applied');

      const snp = load(
        (await h.kubectl(['get', 'snp', 'allow-dns', '-n', 'default', '-o', 'yaml'])).stdout,
      ) as {
        apiVersion: string;
        metadata: { namespace: string };
        spec: { egress: unknown[]; stagedAction: string };
      };
      expect(snp.apiVersion).toBe('projectcalico.org/v3');
      expect(snp.metadata.namespace).toBe('default');
      expect(snp.spec.stagedAction).toBe('Set');
      expect(snp.spec.egress).toEqual([{ action: 'Allow', protocol: 'UDP', destination: { ports: [53] } }]);

      const cases: [string[], string][] = [
        [['globalnetworkpolicies', '-l', 'team=security'], 'globalnetworkpolicy.projectcalico.org/deny-all'],
        [['gnp', '-l', 'team=platform'], ''],
        [
          ['stagednetworkpolicies', '-A', '-l', 'team in (platform)'],
          'stagednetworkpolicy.projectcalico.org/allow-dns',
        ],
        [['networkpolicies.projectcalico.org', '-A'], ''],
      ];
      for (const [args, want] of cases) {
        const out = await h.kubectl(['get', ...args, '-o', 'name']);
        expect(out.exitCode, out.stderr).toBe(0);
        expect(out.stdout.trim(), args.join(' ')).toBe(want);
      }
      const list = load((await h.kubectl(['get', 'gnp', '-o', 'yaml'])).stdout) as {
        items: { kind: string; metadata: { name: string } }[];
      };
      expect(list.items.map((i) => `${i.kind}/${i.metadata.name}`)).toEqual(['GlobalNetworkPolicy/deny-all']);
      const table = await h.kubectl(['get', 'gnp']);
      // Defaulted as the Calico API server defaults it: no tier given means tier `default`.
      expect(table.stdout).toMatch(/^NAME\s+TIER\s+ORDER\s+AGE$/m);
      expect(table.stdout).toMatch(/^deny-all\s+default\s+1000\s+/m);
      // A missing object is reported with the real server's wording and the v3 resource name.
      const missing = await h.kubectl(['get', 'snp', '-n', 'default', 'nope']);
      expect(missing.stderr).toContain('stagednetworkpolicies.projectcalico.org "nope" not found');
    });

    it('lets kubectl wait watch a v3 object change', async () => {
      const waiting = h.kubectl(['wait', '--for=jsonpath={.spec.order}=5', 'gnp/deny-all', '--timeout=20s']);
      await new Promise((r) => setTimeout(r, 1000));
      const p = await h.kubectl(['patch', 'gnp', 'deny-all', '--type=merge', '-p', '{"spec":{"order":5}}']);
      expect(p.exitCode, p.stderr).toBe(0);
      const r = await waiting;
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain('globalnetworkpolicy.projectcalico.org/deny-all condition met');
    });

    it('stops serving the group when APIServer default is deleted, keeping the stored objects', async () => {
      const del = await h.kubectl(['delete', 'apiserver', 'default']);
      expect(del.exitCode, del.stderr).toBe(0);
      await until('tigerastatus apiserver removed', async () =>
        (await h.kubectl(['get', 'tigerastatus', 'apiserver'])).exitCode !== 0 ? true : undefined,
      );
      const res = await h.kubectl(['api-resources', '--api-group=projectcalico.org', '-o', 'name']);
      expect(res.stdout.trim()).toBe('');
      const v3 = await h.kubectl(['get', 'globalnetworkpolicies.projectcalico.org']);
      expect(v3.exitCode).not.toBe(0);
      const stored = await h.kubectl(['get', 'globalnetworkpolicies.crd.projectcalico.org', '-o', 'name']);
      expect(stored.stdout.trim()).toBe('globalnetworkpolicy.crd.projectcalico.org/deny-all');
    });
  },
);

// kubectl's generator subcommands encode built-in kinds as protobuf whatever the server advertises
// (client-go's typed clients); the stand-in decodes the kinds they create most.
const plainSkip = labSkipReason(false);
describe.skipIf(plainSkip !== undefined)(
  `kubectl generator subcommands against the API stand-in${plainSkip ? ` (skipped: ${plainSkip})` : ''}`,
  () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness([{}]);
    });
    afterAll(async () => {
      await h?.cleanup();
    });

    const cases: [create: string[], get: string[], want: string][] = [
      [
        ['create', 'namespace', 'team-a'],
        ['get', 'ns', 'team-a', '-o', 'jsonpath={.status.phase}'],
        'Active',
      ],
      [
        ['create', 'configmap', 'cfg', '-n', 'team-a', '--from-literal=a=1', '--from-literal=empty='],
        ['get', 'cm', 'cfg', '-n', 'team-a', '-o', 'jsonpath={.data}'],
        '{"a":"1","empty":""}',
      ],
      [
        ['create', 'secret', 'generic', 'pw', '-n', 'team-a', '--from-literal=pw=hunter2'],
        ['get', 'secret', 'pw', '-n', 'team-a', '-o', 'jsonpath={.type} {.data.pw}'],
        `Opaque ${Buffer.from('hunter2').toString('base64')}`,
      ],
      [
        ['create', 'serviceaccount', 'bot', '-n', 'team-a'],
        ['get', 'sa', 'bot', '-n', 'team-a', '-o', 'name'],
        'serviceaccount/bot',
      ],
      [
        ['create', 'role', 'reader', '-n', 'team-a', '--verb=get,list', '--resource=pods'],
        ['get', 'role', 'reader', '-n', 'team-a', '-o', 'jsonpath={.rules}'],
        '[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]',
      ],
      [
        [
          'create',
          'rolebinding',
          'bot-reads',
          '-n',
          'team-a',
          '--role=reader',
          '--serviceaccount=team-a:bot',
        ],
        ['get', 'rolebinding', 'bot-reads', '-n', 'team-a', '-o', 'jsonpath={.subjects} {.roleRef.name}'],
        '[{"kind":"ServiceAccount","name":"bot","namespace":"team-a"}] reader',
      ],
      [
        ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example/agg=true'],
        ['get', 'clusterrole', 'agg', '-o', 'jsonpath={.aggregationRule}'],
        '{"clusterRoleSelectors":[{"matchLabels":{"rbac.example/agg":"true"}}]}',
      ],
      [
        ['create', 'clusterrolebinding', 'alice-agg', '--clusterrole=agg', '--user=alice'],
        ['get', 'clusterrolebinding', 'alice-agg', '-o', 'jsonpath={.subjects[0].name} {.roleRef.kind}'],
        'alice ClusterRole',
      ],
    ];
    it.each(cases)('kubectl %j creates the object it describes', async (create, get, want) => {
      const r = await h.kubectl(create);
      expect(r.exitCode, r.stderr).toBe(0);
      expect((await h.kubectl(get)).stdout).toBe(want);
    });

    it('refuses a protobuf kind it cannot decode with a 415 that names the way around it', async () => {
      const r = await h.kubectl(['create', 'deployment', 'web', '--image=nginx']);
      expect(r.exitCode).not.toBe(0);
      expect(r.stderr).toContain('this kubectl subcommand sent a apps/v1 Deployment');
      expect(r.stderr).toContain('kubectl create -f or kubectl apply -f');
    });
  },
);
