// Differential tests on random clusters (random-cluster.ts, fixed seeds): the optimised paths answer
// exactly as the straightforward ones.
// - The evaluator (per-pod policy index, memoised selectors) against a reference written the plain way:
//   every policy, filtered by namespace, type and selector, sorted by tier and order, walked first-match.
//   Verdict and explanation (deciding tier, policy and rule, passed tiers, logged rules) must match.
// - The matrix (one evaluation per pair of pod classes) against every pair evaluated on its own.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { compareOrder, comparePolicies } from '../../../src/policy/calico/tiers.js';
import { Evaluator, type DirectionVerdict } from '../../../src/policy/evaluate/evaluate.js';
import type { ProtocolQuery } from '../../../src/policy/evaluate/query.js';
import { queryAllows } from '../../../src/policy/evaluate/validate.js';
import { buildPolicySet, type PolicySet } from '../../../src/policy/load/policy-set.js';
import { objectsFromText } from '../../../src/policy/load/read-objects.js';
import { computeMatrix } from '../../../src/policy/matrix/matrix.js';
import type { Pod } from '../../../src/policy/model/cluster.js';
import type { Flow, Peer } from '../../../src/policy/model/flow.js';
import type { CompiledPolicy, Direction } from '../../../src/policy/model/policy.js';
import { parseIp, POLICY_SYNTAX } from '../../../src/net/ip.js';
import { randomCluster } from './random-cluster.js';

const SEEDS = Array.from({ length: 150 }, (_, i) => 20261207 + i);

function load(seed: number): PolicySet | undefined {
  try {
    return buildPolicySet(objectsFromText(randomCluster(seed).text, `random-${seed}.yaml`));
  } catch (err) {
    if (err instanceof InputError) return undefined; // a combination the API refuses: not a case here
    throw err;
  }
}

interface Summary {
  allowed: boolean;
  reason: string;
  hit?: string;
  endOfTier?: string;
  passed: string[];
  logged: string[];
}

const ruleName = (h: { tier: { name: string }; policy: CompiledPolicy; rule: { index: number } }) =>
  `${h.tier.name}/${h.policy.ref.namespace ?? ''}/${h.policy.ref.name}#${h.rule.index}`;

function summary(v: DirectionVerdict): Summary {
  return {
    allowed: v.allowed,
    reason: v.reason,
    ...(v.hit ? { hit: ruleName(v.hit) } : {}),
    ...(v.endOfTier
      ? { endOfTier: `${v.endOfTier.tier.name}: ${v.endOfTier.policies.map((p) => p.ref.name).join(',')}` }
      : {}),
    passed: v.passed.map((p) => `${p.tier.name}${p.hit ? ` by ${ruleName(p.hit)}` : ''}`),
    logged: v.logged.map(ruleName),
  };
}

/** The plain way: no index, no cache. */
function referenceDirection(set: PolicySet, pod: Pod, flow: Flow, direction: Direction): Summary {
  const tiers = [...set.tiers.values()].sort((a, b) => compareOrder(a.order, b.order, a.name, b.name));
  const rank = (p: CompiledPolicy) => {
    const i = tiers.findIndex((t) => t.name === p.ref.tier);
    return i < 0 ? tiers.length : i;
  };
  const applicable = set.policies
    .filter(
      (p) =>
        p.types.has(direction) &&
        (p.namespace === undefined || p.namespace === pod.namespace) &&
        p.selects(pod),
    )
    .sort((a, b) => rank(a) - rank(b) || comparePolicies(a, b));
  const passed: string[] = [];
  const logged: string[] = [];
  for (const tier of tiers) {
    const policies = applicable.filter((p) => p.ref.tier === tier.name);
    if (!policies.length) continue;
    let passedByRule = false;
    walk: for (const policy of policies)
      for (const rule of direction === 'ingress' ? policy.ingress : policy.egress) {
        if (!rule.matches(flow)) continue;
        const name = ruleName({ tier, policy, rule });
        if (rule.action === 'Log') logged.push(name);
        else if (rule.action === 'Pass') {
          passed.push(`${tier.name} by ${name}`);
          passedByRule = true;
          break walk;
        } else return { allowed: rule.action === 'Allow', reason: 'rule', hit: name, passed, logged };
      }
    if (passedByRule) continue;
    if (tier.defaultAction === 'Pass') {
      passed.push(tier.name);
      continue;
    }
    const names = policies.map((p) => p.ref.name).join(',');
    return { allowed: false, reason: 'end-of-tier', endOfTier: `${tier.name}: ${names}`, passed, logged };
  }
  return { allowed: true, reason: 'profile', passed, logged };
}

const FLOWS: { protocol: number; port: number | undefined; icmpType?: number; icmpCode?: number }[] = [
  { protocol: 6, port: 8080 },
  { protocol: 6, port: 80 },
  { protocol: 6, port: 8050 },
  { protocol: 17, port: 53 },
  { protocol: 1, port: undefined, icmpType: 8, icmpCode: 0 },
];
const OUTSIDE: Peer[] = ['10.0.1.5', '203.0.113.7'].map((t) => ({
  kind: 'ip',
  ip: parseIp(t, POLICY_SYNTAX)!,
}));

describe('differential: optimised paths answer as the straightforward ones', () => {
  it('the evaluator matches the reference walk on every pair and flow of random clusters', () => {
    let sets = 0;
    let compared = 0;
    for (const seed of SEEDS) {
      const set = load(seed);
      if (!set) continue;
      sets++;
      const ev = new Evaluator(set);
      const peers: Peer[] = [...set.cluster.pods.map((pod) => ({ kind: 'pod' as const, pod })), ...OUTSIDE];
      for (const src of peers)
        for (const dst of peers) {
          if (src.kind !== 'pod' && dst.kind !== 'pod') continue;
          for (const f of FLOWS) {
            const flow: Flow = { src, dst, ...f };
            const got = ev.evaluate(flow);
            if (got.egress.reason === 'loopback') continue;
            if (src.kind === 'pod')
              expect(summary(got.egress), `seed ${seed} egress`).toEqual(
                referenceDirection(set, src.pod, flow, 'egress'),
              );
            if (dst.kind === 'pod')
              expect(summary(got.ingress), `seed ${seed} ingress`).toEqual(
                referenceDirection(set, dst.pod, flow, 'ingress'),
              );
            expect(ev.allows(flow)).toBe(got.allowed);
            compared++;
          }
        }
    }
    // Most random sets are valid input, and they cover many flows.
    expect(sets).toBeGreaterThan(SEEDS.length / 2);
    expect(compared).toBeGreaterThan(10_000);
  });

  it('the matrix by pod classes matches every pair evaluated on its own, fixed and any port', () => {
    const queries: ProtocolQuery[] = [
      { protocol: 6, port: 8080 },
      { protocol: 6, port: undefined },
      { protocol: 17, port: 53 },
      { protocol: 1, port: undefined },
    ];
    let cells = 0;
    let allowed = 0;
    for (const seed of SEEDS) {
      const set = load(seed);
      if (!set) continue;
      const pods = set.cluster.pods;
      const matrix = computeMatrix(set, pods, queries);
      const plain = new Evaluator(set);
      const staged = set.stagedPolicies ? new Evaluator({ ...set, policies: set.stagedPolicies }) : undefined;
      matrix.planes.forEach((plane, q) => {
        for (let i = 0; i < pods.length; i++)
          for (let j = 0; j < pods.length; j++) {
            const src: Peer = { kind: 'pod', pod: pods[i]! };
            const dst: Peer = { kind: 'pod', pod: pods[j]! };
            const want = queryAllows(plain, src, dst, queries[q]!) ? 1 : 0;
            expect(plane.allowed[i * pods.length + j], `seed ${seed} ${plane.label} ${i}→${j}`).toBe(want);
            if (staged)
              expect(plane.staged?.[i * pods.length + j]).toBe(
                queryAllows(staged, src, dst, queries[q]!) ? 1 : 0,
              );
            cells++;
            allowed += want;
          }
      });
    }
    // Both verdicts occur often enough for the comparison to mean something.
    expect(cells).toBeGreaterThan(20_000);
    expect(allowed).toBeGreaterThan(cells / 10);
    expect(allowed).toBeLessThan(cells - cells / 10);
  });
});
