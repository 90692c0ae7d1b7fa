// Kubernetes NetworkPolicy semantics on the upstream e2e model (test/e2e/network/netpol: namespaces
// x, y, z with label ns=<name>; pods a, b, c with label pod=<name>). Each case: policies and the
// reachability the Kubernetes documentation and the e2e truth tables require.
import { describe, expect, it } from 'vitest';
import { e2eClusterYaml, policySetFrom, Reachability } from './policy-test-kit.js';

const cluster = e2eClusterYaml();

function np(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec
  .trim()
  .split('\n')
  .map((l) => `  ${l}`)
  .join('\n')}
`;
}

interface Case {
  name: string;
  policies: string[];
  expected: () => Reachability;
  protocol?: string;
  port?: number;
}

const cases: Case[] = [
  {
    name: 'no policy: every pod reaches every pod',
    policies: [],
    expected: () => new Reachability(),
  },
  {
    name: 'default-deny-ingress isolates every pod of x for ingress only',
    policies: [np('x', 'deny-ingress', 'podSelector: {}')],
    expected: () => new Reachability().set('*/*', 'x/*', false),
  },
  {
    name: 'default-deny-all (Ingress and Egress) isolates x both ways',
    policies: [np('x', 'deny-all', 'podSelector: {}\npolicyTypes: [Ingress, Egress]')],
    expected: () => new Reachability().set('*/*', 'x/*', false).set('x/*', '*/*', false),
  },
  {
    name: 'podSelector peer allows x/b to x/a only (same namespace)',
    policies: [
      np(
        'x',
        'allow-b',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    expected: () => new Reachability().set('*/*', 'x/a', false).set('x/b', 'x/a', true),
  },
  {
    name: 'namespaceSelector with matchExpressions allows every pod of y',
    policies: [
      np(
        'x',
        'allow-ns-y',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - namespaceSelector:\n      matchExpressions: [{key: ns, operator: In, values: [y]}]',
      ),
    ],
    expected: () => new Reachability().set('*/*', 'x/a', false).set('y/*', 'x/a', true),
  },
  {
    name: 'two peers are OR: pod b of x, or any pod of another namespace',
    policies: [
      np(
        'x',
        'or',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - podSelector: {matchLabels: {pod: b}}\n  - namespaceSelector:\n      matchExpressions: [{key: ns, operator: NotIn, values: [x]}]',
      ),
    ],
    expected: () => new Reachability().set('x/c', 'x/a', false),
  },
  {
    name: 'podSelector and namespaceSelector in one peer are AND',
    policies: [
      np(
        'x',
        'and',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from:\n  - namespaceSelector:\n      matchExpressions: [{key: ns, operator: In, values: [y, z]}]\n    podSelector: {matchLabels: {pod: b}}',
      ),
    ],
    expected: () =>
      new Reachability().set('*/*', 'x/a', false).set('y/b', 'x/a', true).set('z/b', 'x/a', true),
  },
  {
    name: 'kubernetes.io/metadata.name selects a namespace by name without any custom label',
    policies: [
      np(
        'x',
        'by-name',
        "podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': z}}",
      ),
    ],
    expected: () => new Reachability().set('*/*', 'x/*', false).set('z/*', 'x/*', true),
  },
  {
    name: 'a port rule allows 81 but not 80 (checked on 80)',
    policies: [np('x', 'port-81', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 81}]')],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'a port rule allows 81 (checked on 81)',
    policies: [np('x', 'port-81', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 81}]')],
    port: 81,
    expected: () => new Reachability(),
  },
  {
    name: 'a named port is resolved on the destination pod',
    policies: [
      np('x', 'named', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: serve-80-tcp}]'),
    ],
    expected: () => new Reachability(),
  },
  {
    name: 'a named port of another protocol does not match TCP',
    policies: [
      np(
        'x',
        'named-udp',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: serve-80-udp, protocol: UDP}]',
      ),
    ],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'protocol defaults to TCP: a UDP flow on the allowed port is denied',
    policies: [np('x', 'tcp-80', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 80}]')],
    protocol: 'UDP',
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'UDP rule allows UDP',
    policies: [
      np(
        'x',
        'udp-80',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 80, protocol: UDP}]',
      ),
    ],
    protocol: 'UDP',
    expected: () => new Reachability(),
  },
  {
    name: 'SCTP rule allows SCTP',
    policies: [
      np(
        'x',
        'sctp-80',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 80, protocol: SCTP}]',
      ),
    ],
    protocol: 'SCTP',
    expected: () => new Reachability(),
  },
  {
    name: 'endPort makes a range: 79-80 contains 80',
    policies: [
      np('x', 'range', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 79, endPort: 80}]'),
    ],
    expected: () => new Reachability(),
  },
  {
    name: 'endPort makes a range: 81-90 does not contain 80',
    policies: [
      np('x', 'range', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- ports: [{port: 81, endPort: 90}]'),
    ],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'egress to y/a only (pod and namespace selector)',
    policies: [
      np(
        'x',
        'egress-ya',
        'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n- to:\n  - namespaceSelector: {matchLabels: {ns: y}}\n    podSelector: {matchLabels: {pod: a}}',
      ),
    ],
    expected: () => new Reachability().set('x/a', '*/*', false).set('x/a', 'y/a', true),
  },
  {
    name: 'ipBlock with except: egress to 10.0.2.0/24 but not y/b',
    policies: [
      np(
        'x',
        'cidr',
        'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress:\n- to:\n  - ipBlock: {cidr: 10.0.2.0/24, except: [10.0.2.2/32]}',
      ),
    ],
    expected: () =>
      new Reachability().set('x/a', '*/*', false).set('x/a', 'y/a', true).set('x/a', 'y/c', true),
  },
  {
    name: 'ipBlock for ingress from z only',
    policies: [
      np('x', 'from-z-cidr', 'podSelector: {}\ningress:\n- from:\n  - ipBlock: {cidr: 10.0.3.0/24}'),
    ],
    expected: () => new Reachability().set('*/*', 'x/*', false).set('z/*', 'x/*', true),
  },
  {
    name: 'egress rules without policyTypes also isolate for ingress (Ingress is always defaulted)',
    policies: [np('x', 'egress-only-rules', 'podSelector: {matchLabels: {pod: a}}\negress:\n- {}')],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'ingress rules without policyTypes leave egress open',
    policies: [np('x', 'ingress-rules', 'podSelector: {matchLabels: {pod: a}}\ningress:\n- {}')],
    expected: () => new Reachability(),
  },
  {
    name: 'an empty ingress list allows nothing',
    policies: [np('x', 'empty-list', 'podSelector: {matchLabels: {pod: a}}\ningress: []')],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'an empty rule allows everything',
    policies: [
      np(
        'x',
        'empty-rule',
        'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress, Egress]\ningress: [{}]\negress: [{}]',
      ),
    ],
    expected: () => new Reachability(),
  },
  {
    name: 'an empty from list matches every source',
    policies: [
      np(
        'x',
        'empty-from',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: []\n  ports: [{port: 80}]',
      ),
    ],
    expected: () => new Reachability(),
  },
  {
    name: 'an empty podSelector peer means every pod of the policy namespace only',
    policies: [np('x', 'same-ns', 'podSelector: {}\ningress:\n- from:\n  - podSelector: {}')],
    expected: () => new Reachability().set('*/*', 'x/*', false).set('x/*', 'x/*', true),
  },
  {
    name: 'an empty namespaceSelector peer means every pod of every namespace',
    policies: [np('x', 'all-ns', 'podSelector: {}\ningress:\n- from:\n  - namespaceSelector: {}')],
    expected: () => new Reachability(),
  },
  {
    name: 'policies are additive: two policies allow two different sources',
    policies: [
      np(
        'x',
        'allow-b',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: {matchLabels: {pod: b}}}]',
      ),
      np(
        'x',
        'allow-c',
        'podSelector: {matchLabels: {pod: a}}\ningress:\n- from: [{podSelector: {matchLabels: {pod: c}}}]',
      ),
    ],
    expected: () =>
      new Reachability().set('*/*', 'x/a', false).set('x/b', 'x/a', true).set('x/c', 'x/a', true),
  },
  {
    name: "traffic needs both the source's egress and the destination's ingress",
    policies: [
      np('x', 'deny-egress', 'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]'),
      np('y', 'allow-all-in', 'podSelector: {}\ningress: [{}]'),
    ],
    expected: () => new Reachability().set('x/a', '*/*', false),
  },
  {
    name: 'a policy in x does not select pods of y with the same labels',
    policies: [np('x', 'deny-a', 'podSelector: {matchLabels: {pod: a}}')],
    expected: () => new Reachability().set('*/*', 'x/a', false),
  },
  {
    name: 'matchExpressions Exists / DoesNotExist',
    policies: [
      np(
        'x',
        'exists',
        'podSelector: {matchExpressions: [{key: pod, operator: Exists}]}\ningress:\n- from: [{podSelector: {matchExpressions: [{key: missing, operator: DoesNotExist}]}}]',
      ),
    ],
    expected: () => new Reachability().set('*/*', 'x/*', false).set('x/*', 'x/*', true),
  },
];

describe('Kubernetes NetworkPolicy on the e2e 3×3 model', () => {
  it.each(cases)('$name', (c) => {
    const set = policySetFrom(cluster, ...c.policies);
    expect(c.expected().diff(set, c.protocol ?? 'TCP', c.port ?? 80)).toEqual([]);
  });
});
