// The static explanation written as Goldmane's trace (goldmane/proto/api.proto PolicyHit; end of tier is
// rule_index -1 with the first selecting policy as trigger, goldmane/proto/methods.go HitFromString;
// namespace profiles are `kns.<ns>`), and `--observed` agreement against records of both reporters.
import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../../../src/policy/evaluate/evaluate.js';
import type { ObservedFlow, PolicyHit } from '../../../../src/policy/goldmane/flow.js';
import { compareObserved, sameHit } from '../../../../src/observe/flows/observed-compare.js';
import { staticTrace } from '../../../../src/policy/goldmane/static-trace.js';
import { e2eClusterYaml, peerOf, policySetFrom } from '../../policy/policy-test-kit.js';

const POLICIES = `apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 100, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkPolicy
metadata: {name: platform-pass}
spec:
  tier: platform
  order: 10
  selector: all()
  types: [Ingress]
  ingress: [{action: Pass}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-a, namespace: y}
spec:
  podSelector: {matchLabels: {pod: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: x}}, podSelector: {matchLabels: {pod: a}}}], ports: [{port: 80}]}]
---
apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: deny-c, namespace: z}
spec:
  selector: pod == 'a'
  types: [Ingress]
  ingress:
    - {action: Allow, protocol: TCP, destination: {ports: [81]}}
    - {action: Deny, source: {selector: pod == 'c'}}
`;

const set = policySetFrom(e2eClusterYaml(), POLICIES);
const verdict = (src: string, dst: string, port: number) =>
  new Evaluator(set).evaluate({ src: peerOf(set, src), dst: peerOf(set, dst), protocol: 6, port });

describe('staticTrace', () => {
  it.each<[string, string, string, number, Partial<PolicyHit>[]]>([
    [
      'a Kubernetes rule after a Pass tier',
      'x/a',
      'y/b',
      80,
      [
        {
          kind: 'GlobalNetworkPolicy',
          name: 'platform-pass',
          tier: 'platform',
          action: 'Pass',
          ruleIndex: 0,
        },
        {
          kind: 'NetworkPolicy',
          namespace: 'y',
          name: 'allow-a',
          tier: 'default',
          action: 'Allow',
          ruleIndex: 0,
        },
      ],
    ],
    [
      'an end of tier, triggered by the selecting policy',
      'x/a',
      'y/b',
      81,
      [
        { action: 'Pass' },
        {
          kind: 'EndOfTier',
          name: '',
          tier: 'default',
          action: 'Deny',
          ruleIndex: -1,
          trigger: expect.objectContaining({
            kind: 'NetworkPolicy',
            name: 'allow-a',
            namespace: 'y',
          }) as PolicyHit,
        },
      ],
    ],
    [
      'a Calico deny rule by index',
      'z/c',
      'z/a',
      80,
      [
        { action: 'Pass' },
        { kind: 'CalicoNetworkPolicy', namespace: 'z', name: 'deny-c', action: 'Deny', ruleIndex: 1 },
      ],
    ],
    [
      'the namespace profile',
      'x/a',
      'x/b',
      80,
      [{ action: 'Pass' }, { kind: 'Profile', name: 'kns.x', tier: '', action: 'Allow' }],
    ],
  ])('ingress: %s', (_t, src, dst, port, want) => {
    const trace = staticTrace(verdict(src, dst, port).ingress);
    expect(trace).toHaveLength(want.length);
    want.forEach((w, i) => expect(trace[i]).toMatchObject(w));
  });

  it('egress with no policy is the profile', () => {
    expect(staticTrace(verdict('x/a', 'y/b', 80).egress)).toEqual([
      expect.objectContaining({ kind: 'Profile', name: 'kns.x', action: 'Allow' }),
    ]);
  });
});

function record(reporter: 'Src' | 'Dst', enforced: PolicyHit[], p: Partial<ObservedFlow> = {}): ObservedFlow {
  return {
    startTime: new Date('2026-12-07T04:00:00Z'),
    endTime: new Date('2026-12-07T04:00:15Z'),
    action: enforced.at(-1)?.action === 'Deny' ? 'Deny' : 'Allow',
    sourceName: 'a',
    sourceNamespace: 'x',
    sourceLabels: [],
    destName: 'b',
    destNamespace: 'y',
    destLabels: [],
    protocol: 'TCP',
    destPort: 80,
    reporter,
    enforced,
    pending: [],
    packetsIn: 1,
    packetsOut: 1,
    bytesIn: 1,
    bytesOut: 1,
    ...p,
  };
}

const h = (p: Partial<PolicyHit>): PolicyHit => ({
  kind: 'NetworkPolicy',
  name: 'allow-a',
  namespace: 'y',
  tier: 'default',
  action: 'Allow',
  policyIndex: 1,
  ruleIndex: 0,
  trigger: undefined,
  ...p,
});
const PROFILE_X = h({ kind: 'Profile', name: 'kns.x', namespace: '', tier: '', policyIndex: 0 });
const ENDS = {
  src: { namespace: 'x', name: 'a' },
  dst: { namespace: 'y', name: 'b' },
  protocol: 'TCP',
  port: 80,
};

describe('compareObserved', () => {
  it.each<[string, ObservedFlow[], boolean | null, (boolean | null)[]]>([
    [
      'the same rule at both ends',
      [
        record('Src', [PROFILE_X]),
        record('Dst', [
          h({
            action: 'Pass',
            kind: 'GlobalNetworkPolicy',
            name: 'platform-pass',
            namespace: '',
            tier: 'platform',
          }),
          h({}),
        ]),
      ],
      true,
      [true, true],
    ],
    ['another rule index', [record('Dst', [h({ ruleIndex: 1 })])], false, [null, false]],
    ['another policy of the same action', [record('Dst', [h({ name: 'allow-all' })])], false, [null, false]],
    [
      'a deny where the policies allow',
      [
        record('Dst', [
          h({ kind: 'EndOfTier', name: '', namespace: '', action: 'Deny', ruleIndex: -1, trigger: h({}) }),
        ]),
      ],
      false,
      [null, false],
    ],
    ['nothing recorded', [], null, [null, null]],
    ['records of another port only', [record('Dst', [h({})], { destPort: 81 })], null, [null, null]],
    ['an aggregated pod name', [record('Dst', [h({})], { destName: 'b*' })], true, [null, true]],
  ])('%s', (_t, flows, agrees, directions) => {
    const r = compareObserved(verdict('x/a', 'y/b', 80), flows, ENDS);
    expect(r.agrees).toBe(agrees);
    expect(r.directions.map((d) => d.agrees)).toEqual(directions);
  });

  it('uses the newest record when the policies changed during the window', () => {
    const old = record(
      'Dst',
      [h({ kind: 'EndOfTier', name: '', namespace: '', action: 'Deny', ruleIndex: -1, trigger: h({}) })],
      { startTime: new Date('2026-12-07T03:00:00Z') },
    );
    expect(compareObserved(verdict('x/a', 'y/b', 80), [old, record('Dst', [h({})])], ENDS).agrees).toBe(true);
  });

  it.each<[string, PolicyHit, PolicyHit, boolean]>([
    [
      'end of tier with another trigger',
      h({ kind: 'EndOfTier', action: 'Deny', ruleIndex: -1, trigger: h({}) }),
      h({ kind: 'EndOfTier', action: 'Deny', ruleIndex: -1, trigger: h({ name: 'x' }) }),
      false,
    ],
    [
      'end of tier, triggers alike but for their action',
      h({ kind: 'EndOfTier', action: 'Deny', ruleIndex: -1, trigger: h({ action: 'Pass' }) }),
      h({ kind: 'EndOfTier', action: 'Deny', ruleIndex: -1, trigger: h({}) }),
      true,
    ],
    [
      'profiles of two namespaces',
      PROFILE_X,
      h({ kind: 'Profile', name: 'kns.y', namespace: '', tier: '' }),
      false,
    ],
    ['policy index differs only', h({}), h({ policyIndex: 7 }), true],
  ])('sameHit: %s', (_t, a, b, same) => {
    expect(sameHit(a, b)).toBe(same);
  });
});
