// ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) as Calico 3.32 enforces it, on the e2e model
// cluster (namespaces x, y, z with label ns=<name>; pods a, b, c with label pod=<name>).
// Sources each row follows:
//  [API]  kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go (Tier, Priority,
//         rule actions Accept/Deny/Pass, peers, networks, ports)
//  [TIER] docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy (tigera/docs#2416):
//         kube-admin order 1,000 and kube-baseline order 10,000,000, both default action Pass
//  [CT-*] conformance/tests/ of network-policy-api (written for the v1alpha1 ANP/BANP pair whose Admin and
//         Baseline semantics ClusterNetworkPolicy's two tiers keep): admin-network-policy-core-integration.go (INT),
//         admin-network-policy-core-priority.go (PRIO), baseline-admin-network-policy-core-gress-rules.go
//         (BGRESS), admin-network-policy-standard-egress-inline-cidr-rules.go (CIDR),
//         admin-network-policy-standard-port-range-rules.go (RANGE), ...-core-egress-tcp-rules.go (NAMED)
import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../../src/policy/evaluate/evaluate.js';
import { directionJson, explainFlow } from '../../../src/policy/explain/explain.js';
import { e2eClusterYaml, peerOf, policySetFrom, Reachability } from './policy-test-kit.js';
import { computeMatrix } from '../../../src/policy/matrix/matrix.js';
import { scaffoldYaml, defaultScaffoldOptions } from '../../../src/policy/scaffold/index.js';
import { InputError } from '../../../src/errors.js';

const CLUSTER = e2eClusterYaml();

const cnp = (name: string, body: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: ${name}\nspec:\n${body}`;

const ADMIN_DENY_X_FROM_Y = cnp(
  'deny-y-to-x',
  `  tier: Admin
  priority: 10
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - name: deny-from-y
    action: Deny
    from:
    - namespaces:
        matchLabels: {ns: y}
`,
);
const ADMIN_PASS_X_FROM_Y = cnp(
  'pass-y-to-x',
  `  tier: Admin
  priority: 5
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - name: pass-from-y
    action: Pass
    from:
    - namespaces:
        matchLabels: {ns: y}
`,
);
const ADMIN_ACCEPT_X_FROM_Y = cnp(
  'accept-y-to-x',
  `  tier: Admin
  priority: 20
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - action: Accept
    from:
    - pods:
        namespaceSelector:
          matchLabels: {ns: y}
        podSelector:
          matchLabels: {pod: b}
`,
);
const BASELINE_DENY_X = cnp(
  'baseline-deny-x',
  `  tier: Baseline
  priority: 50
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - name: deny-all
    action: Deny
    from:
    - namespaces: {}
`,
);
const BASELINE_ACCEPT_X = cnp(
  'baseline-accept-x',
  `  tier: Baseline
  priority: 50
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - action: Accept
    from:
    - namespaces: {}
`,
);
const CALICO_ALLOW_X = `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: allow-all-in, namespace: x}
spec:
  selector: all()
  types: [Ingress]
  ingress:
  - action: Allow
`;
const K8S_DENY_X = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: x}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;
const K8S_ALLOW_X_FROM_Y = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-from-y, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels: {ns: y}
`;
const EGRESS_DENY_NETWORK = cnp(
  'deny-egress-net',
  `  tier: Admin
  priority: 30
  subject:
    pods:
      namespaceSelector:
        matchLabels: {ns: y}
      podSelector:
        matchLabels: {pod: b}
  egress:
  - name: deny-x-a-address
    action: Deny
    to:
    - networks: [10.0.1.1/32]
`,
);
const ADMIN_DENY_PORT_RANGE = cnp(
  'deny-port-range',
  `  tier: Admin
  priority: 40
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - name: deny-81
    action: Deny
    from:
    - namespaces: {}
    protocols:
    - tcp:
        destinationPort:
          range: {start: 81, end: 90}
`,
);
const ADMIN_DENY_NAMED_PORT = cnp(
  'deny-named',
  `  tier: Admin
  priority: 40
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - action: Deny
    from:
    - namespaces: {}
    protocols:
    - destinationNamedPort: serve-80-udp
`,
);
const ADMIN_DENY_PRIO_1 = cnp(
  'prio-deny',
  `  tier: Admin
  priority: 1
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - action: Deny
    from:
    - namespaces:
        matchLabels: {ns: z}
`,
);
const ADMIN_ACCEPT_PRIO_2 = cnp(
  'prio-accept',
  `  tier: Admin
  priority: 2
  subject:
    namespaces:
      matchLabels: {ns: x}
  ingress:
  - action: Accept
    from:
    - namespaces:
        matchLabels: {ns: z}
`,
);

interface Row {
  name: string;
  source: string;
  policies: string[];
  flow: [src: string, dst: string, proto: string, port: number];
  allowed: boolean;
  /** Deciding tier / policy / rule index of the direction that decided (ingress unless `side`). */
  tier: string | null;
  policy: string | null;
  rule: number | null;
  reason: string;
  side?: 'egress' | 'ingress';
}

const ROWS: Row[] = [
  {
    name: 'Admin Deny beats a Calico allow in the default tier',
    source:
      '[API] Tier: Admin precedes every other policy; [TIER] kube-admin order 1,000 < default 1,000,000; [CT-INT]',
    policies: [ADMIN_DENY_X_FROM_Y, CALICO_ALLOW_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'kube-admin',
    policy: 'deny-y-to-x',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Admin Deny does not touch traffic its peers do not match',
    source: '[API] From: the action applies only if an element matches the source',
    policies: [ADMIN_DENY_X_FROM_Y],
    flow: ['z/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: null,
    policy: null,
    rule: null,
    reason: 'profile',
  },
  {
    name: 'Admin Pass hands the flow to the Kubernetes tier, whose default-deny denies',
    source: '[API] Pass: evaluation continues at the next tier; [CT-INT] pass then NetworkPolicy decides',
    policies: [ADMIN_PASS_X_FROM_Y, ADMIN_DENY_X_FROM_Y, K8S_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'default',
    policy: null,
    rule: null,
    reason: 'end-of-tier',
  },
  {
    name: 'Admin Pass skips the lower-precedence Admin Deny and Calico allows',
    source: '[API] Pass skips all further ClusterNetworkPolicy rules in the current tier; [CT-INT]',
    policies: [ADMIN_PASS_X_FROM_Y, ADMIN_DENY_X_FROM_Y, CALICO_ALLOW_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: 'default',
    policy: 'allow-all-in',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Admin Pass, then the Kubernetes NetworkPolicy allow takes effect',
    source:
      '[CT-INT] "Should support a \'pass-ingress\' policy for ANP and respect the match for network policy" (ANP Deny changed to Pass; the NP allow decides)',
    policies: [ADMIN_PASS_X_FROM_Y, K8S_ALLOW_X_FROM_Y, BASELINE_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: 'default',
    policy: 'allow-from-y',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Admin Pass with no Kubernetes policy: the Baseline Deny takes effect',
    source:
      '[CT-INT] "Should support a \'pass-ingress\' policy for ANP and respect the match for baseline admin network policy" (NP deleted, BANP deny decides)',
    policies: [ADMIN_PASS_X_FROM_Y, BASELINE_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'kube-baseline',
    policy: 'baseline-deny-x',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Admin Accept wins over the Kubernetes default-deny of the namespace',
    source: '[API] Accept: no further ClusterNetworkPolicy or NetworkPolicy rules processed; [CT-INT]',
    policies: [ADMIN_ACCEPT_X_FROM_Y, K8S_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: 'kube-admin',
    policy: 'accept-y-to-x',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'pods peer: namespaceSelector AND podSelector (y/c is not y/b)',
    source: '[API] NamespacedPod: pods in selected namespaces matching podSelector',
    policies: [ADMIN_ACCEPT_X_FROM_Y, K8S_DENY_X],
    flow: ['y/c', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'default',
    policy: null,
    rule: null,
    reason: 'end-of-tier',
  },
  {
    name: 'lower priority number first: priority 1 Deny beats priority 2 Accept',
    source: '[API] Priority: lower values have higher precedence; [CT-PRIO]',
    policies: [ADMIN_ACCEPT_PRIO_2, ADMIN_DENY_PRIO_1],
    flow: ['z/a', 'x/b', 'TCP', 80],
    allowed: false,
    tier: 'kube-admin',
    policy: 'prio-deny',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Baseline Deny applies when nothing earlier decided',
    source:
      '[API] Baseline tier after the NetworkPolicy tier; [TIER] kube-baseline order 10,000,000; [CT-BGRESS]',
    policies: [BASELINE_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'kube-baseline',
    policy: 'baseline-deny-x',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'a Kubernetes NetworkPolicy allow overrides the Baseline Deny',
    source: '[API] Baseline can be overridden by v1.NetworkPolicy; [CT-INT]',
    policies: [BASELINE_DENY_X, K8S_ALLOW_X_FROM_Y],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: 'default',
    policy: 'allow-from-y',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'Kubernetes default-deny of the namespace still wins over Baseline Accept',
    source:
      '[API] v1.NetworkPolicy always makes a final decision for selected pods; [TIER] default tier ends in Deny',
    policies: [BASELINE_ACCEPT_X, K8S_DENY_X],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'default',
    policy: null,
    rule: null,
    reason: 'end-of-tier',
  },
  {
    name: 'Admin Pass with nothing after it: the profile allows',
    source:
      '[TIER] kube-admin and kube-baseline default action Pass; [API] no tier decided: pods communicate',
    policies: [ADMIN_PASS_X_FROM_Y],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: null,
    policy: null,
    rule: null,
    reason: 'profile',
  },
  {
    name: 'egress networks peer matches a pod address too',
    source: '[API] Networks: cluster-internal traffic is checked against the rule as well; [CT-CIDR]',
    policies: [EGRESS_DENY_NETWORK],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: false,
    tier: 'kube-admin',
    policy: 'deny-egress-net',
    rule: 0,
    reason: 'rule',
    side: 'egress',
  },
  {
    name: 'egress networks peer leaves other addresses alone',
    source: '[API] Networks; [CT-CIDR]',
    policies: [EGRESS_DENY_NETWORK],
    flow: ['y/b', 'x/b', 'TCP', 80],
    allowed: true,
    tier: null,
    policy: null,
    rule: null,
    reason: 'profile',
    side: 'egress',
  },
  {
    name: 'port range 81-90 denies port 81',
    source: '[API] PortRange start..end inclusive; [CT-RANGE]',
    policies: [ADMIN_DENY_PORT_RANGE],
    flow: ['y/b', 'x/a', 'TCP', 81],
    allowed: false,
    tier: 'kube-admin',
    policy: 'deny-port-range',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'port range 81-90 leaves port 80 and UDP 81 alone',
    source: '[API] PortRange; protocol tcp only; [CT-RANGE]',
    policies: [ADMIN_DENY_PORT_RANGE],
    flow: ['y/b', 'x/a', 'UDP', 81],
    allowed: true,
    tier: null,
    policy: null,
    rule: null,
    reason: 'profile',
  },
  {
    name: 'named port resolved on the destination pod (serve-80-udp = UDP 80)',
    source: '[API] named port: the ContainerPort name; [CT-NAMED]',
    policies: [ADMIN_DENY_NAMED_PORT],
    flow: ['y/b', 'x/a', 'UDP', 80],
    allowed: false,
    tier: 'kube-admin',
    policy: 'deny-named',
    rule: 0,
    reason: 'rule',
  },
  {
    name: 'named port does not match TCP 80',
    source: '[API] named port; [CT-NAMED]',
    policies: [ADMIN_DENY_NAMED_PORT],
    flow: ['y/b', 'x/a', 'TCP', 80],
    allowed: true,
    tier: null,
    policy: null,
    rule: null,
    reason: 'profile',
  },
];

const PROTO: Record<string, number> = { TCP: 6, UDP: 17, SCTP: 132 };

describe('ClusterNetworkPolicy verdicts (Calico 3.32 tiers kube-admin / kube-baseline)', () => {
  it.each(ROWS)('$name', (row) => {
    const set = policySetFrom(CLUSTER, ...row.policies);
    const [src, dst, proto, port] = row.flow;
    const v = new Evaluator(set).evaluate({
      src: peerOf(set, src),
      dst: peerOf(set, dst),
      protocol: PROTO[proto] as number,
      port,
    });
    expect(v.allowed, `${row.source}\n${explainFlow(v).join('\n')}`).toBe(row.allowed);
    const side = directionJson(row.side === 'egress' ? v.egress : v.ingress);
    expect({
      tier: side.tier,
      policy: side.policy?.name ?? null,
      rule: side.rule?.index ?? null,
      reason: side.reason,
    }).toEqual({
      tier: row.tier,
      policy: row.policy,
      rule: row.rule,
      reason: row.reason,
    });
  });

  it('the explanation names the tier, the policy and the rule by its name and CNP action', () => {
    const set = policySetFrom(CLUSTER, ADMIN_PASS_X_FROM_Y, CALICO_ALLOW_X);
    const v = new Evaluator(set).evaluate({
      src: peerOf(set, 'y/b'),
      dst: peerOf(set, 'x/a'),
      protocol: 6,
      port: 80,
    });
    expect(explainFlow(v)[1]).toBe(
      "ingress to x/a: passed on by ingress rule 0 'pass-from-y' (Pass) of ClusterNetworkPolicy pass-y-to-x in tier 'kube-admin' at doc1.yaml:12; then allowed by ingress rule 0 (Allow) of NetworkPolicy x/allow-all-in in tier 'default' at doc2.yaml:8",
    );
    const json = directionJson(v.ingress);
    expect(json.passed[0]).toMatchObject({
      tier: 'kube-admin',
      policy: { kind: 'ClusterNetworkPolicy', name: 'pass-y-to-x' },
      rule: { index: 0, name: 'pass-from-y', action: 'Pass', sourceAction: 'Pass' },
    });
  });
});

describe('ClusterNetworkPolicy input errors and the removed v1alpha1 kinds', () => {
  const errorsOf = (...docs: string[]): string[] => {
    try {
      policySetFrom(CLUSTER, ...docs);
    } catch (e) {
      if (e instanceof InputError) return e.problems.map((p) => p.message);
      throw e;
    }
    return [];
  };
  it.each([
    [
      'priority above 1000',
      '  tier: Admin\n  priority: 1001\n  subject: {namespaces: {}}\n',
      /priority 1001 must be an integer 0..1000/,
    ],
    ['no tier', '  priority: 1\n  subject: {namespaces: {}}\n', /spec.tier is required/],
    [
      'tier Developer',
      '  tier: Developer\n  priority: 1\n  subject: {namespaces: {}}\n',
      /tier 'Developer' must be Admin or Baseline/,
    ],
    [
      'two subjects',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}, pods: {podSelector: {}}}\n',
      /subject must set exactly one of namespaces, pods/,
    ],
    [
      'Allow instead of Accept',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Allow\n    from: [{namespaces: {}}]\n',
      /action 'Allow' must be Accept, Deny or Pass/,
    ],
    [
      'rule without from',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n',
      /from is required/,
    ],
    [
      'networks in an ingress peer',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from: [{networks: [10.0.0.0/8]}]\n',
      /unknown field 'networks'/,
    ],
    [
      'bad CIDR',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/33]}]\n',
      /Invalid CIDR format/,
    ],
    [
      'range start not below end',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    protocols: [{tcp: {destinationPort: {range: {start: 90, end: 81}}}}]\n',
      /Start port must be less than End port/,
    ],
    [
      'named port towards networks',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{networks: [10.0.0.0/8]}]\n    protocols: [{destinationNamedPort: http}]\n',
      /cannot be set with namedPorts/,
    ],
    // The CRD Calico 3.32.1 installs has no `ports` (the earlier API's field): the real kube-apiserver
    // refused it on the real tier ("strict decoding error: unknown field \"spec.ingress[0].ports\"").
    [
      'ports (the earlier API) instead of protocols',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from: [{namespaces: {}}]\n    ports: [{portNumber: {protocol: TCP, port: 8080}}]\n',
      /unknown field 'ports' in an ingress rule/,
    ],
    [
      'a misspelt rule field',
      '  tier: Admin\n  priority: 1\n  subject: {namespaces: {}}\n  egress:\n  - action: Deny\n    to: [{namespaces: {}}]\n    protocol: [{tcp: {destinationPort: {number: 80}}}]\n',
      /unknown field 'protocol' in an egress rule/,
    ],
  ])('%s is refused', (_name, body, message) => {
    expect(errorsOf(cnp('bad', body)).join('\n')).toMatch(message);
  });

  it.each(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'])(
    '%s is refused: removed in Calico 3.32',
    (kind) => {
      const doc = `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ${kind}\nmetadata: {name: old}\nspec:\n  subject: {namespaces: {}}\n`;
      expect(errorsOf(doc)).toEqual([
        `${kind} old: ${kind} was removed in Calico 3.32: it is no longer enforced`,
      ]);
    },
  );
});

describe('ClusterNetworkPolicy over every pair (conformance-style truth tables)', () => {
  it('Admin Deny y→x over a Calico allow-all: only y→x is denied (matrix agrees with the evaluator)', () => {
    const set = policySetFrom(CLUSTER, ADMIN_DENY_X_FROM_Y, CALICO_ALLOW_X);
    const expected = new Reachability().set('y/*', 'x/*', false);
    expect(expected.diff(set)).toEqual([]);
    const m = computeMatrix(set, set.cluster.pods, [{ protocol: 6, port: 80 }]);
    const names = m.pods.map((p) => `${p.namespace}/${p.name}`);
    const denied: string[] = [];
    const plane = m.planes[0]!;
    names.forEach((s, i) =>
      names.forEach((d, j) => {
        if (!plane.allowed[i * names.length + j]) denied.push(`${s}>${d}`);
      }),
    );
    expect(denied).toEqual([
      'y/a>x/a',
      'y/a>x/b',
      'y/a>x/c',
      'y/b>x/a',
      'y/b>x/b',
      'y/b>x/c',
      'y/c>x/a',
      'y/c>x/b',
      'y/c>x/c',
    ]);
    const cell = m.explain(plane, names.indexOf('y/b'), names.indexOf('x/a'));
    expect(cell.ingress.hit?.tier.name).toBe('kube-admin');
  });

  it('Baseline deny of x, Kubernetes policy of x allowing z: z→x allowed, the rest into x denied', () => {
    const k8sAllowZ = K8S_ALLOW_X_FROM_Y.replace('allow-from-y', 'allow-from-z').replace(
      '{ns: y}',
      '{ns: z}',
    );
    const set = policySetFrom(CLUSTER, BASELINE_DENY_X, k8sAllowZ);
    // Pods of x talk to each other: the Kubernetes policy selects them and allows only z.
    const expected = new Reachability().set('*/*', 'x/*', false).set('z/*', 'x/*', true);
    expect(expected.diff(set)).toEqual([]);
  });

  it('policy new protect-namespace: other namespaces cannot reach it, its own pods go on to its own policies', () => {
    const scaffold = scaffoldYaml('protect-namespace', defaultScaffoldOptions({ namespace: 'x' }));
    expect(
      new Reachability()
        .set('y/*', 'x/*', false)
        .set('z/*', 'x/*', false)
        .diff(policySetFrom(CLUSTER, scaffold)),
    ).toEqual([]);
    // With x's own default-deny, the Pass of same-namespace traffic meets it.
    const withDeny = policySetFrom(CLUSTER, scaffold, K8S_DENY_X);
    expect(new Reachability().set('*/*', 'x/*', false).diff(withDeny)).toEqual([]);
    const v = new Evaluator(withDeny).evaluate({
      src: peerOf(withDeny, 'y/a'),
      dst: peerOf(withDeny, 'x/a'),
      protocol: 6,
      port: 80,
    });
    expect(directionJson(v.ingress)).toMatchObject({
      tier: 'kube-admin',
      policy: { name: 'protect-x' },
      rule: { index: 1, name: 'deny-other-namespaces' },
    });
  });
});
