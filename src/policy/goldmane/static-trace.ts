// picocal's static explanation of one direction of a flow, written as the policy trace Goldmane records
// for it (goldmane/proto/api.proto PolicyHit): one Pass hit per tier left by a Pass, then the hit that
// decided — a rule (its index in the policy), an end of tier (rule_index -1, triggered by the tier's
// first policy selecting the endpoint: goldmane/proto/methods.go HitFromString) or the namespace's
// profile (`kns.<namespace>`, tier empty). The same shape lets `calico-validate --observed` compare the
// two, and lets the lab's flows stand-in publish what a Felix would.
import type { DirectionVerdict, RuleHit } from '../evaluate/evaluate.js';
import type { CompiledPolicy } from '../model/policy.js';
import type { FlowAction, PolicyHit, PolicyHitKind } from './flow.js';

/** The proto's PolicyKind for a compiled policy (a staged policy keeps its staged kind). */
export function hitKind(p: CompiledPolicy): PolicyHitKind {
  const { sourceKind, apiVersion } = p.ref;
  if (sourceKind === 'NetworkPolicy')
    return apiVersion.startsWith('networking.k8s.io') ? 'NetworkPolicy' : 'CalicoNetworkPolicy';
  if (
    sourceKind === 'GlobalNetworkPolicy' ||
    sourceKind === 'StagedNetworkPolicy' ||
    sourceKind === 'StagedGlobalNetworkPolicy' ||
    sourceKind === 'StagedKubernetesNetworkPolicy' ||
    sourceKind === 'ClusterNetworkPolicy'
  )
    return sourceKind;
  return p.ref.kind === 'KubernetesNetworkPolicy' ? 'NetworkPolicy' : 'CalicoNetworkPolicy';
}

function policyHit(h: RuleHit, action: FlowAction, index: number): PolicyHit {
  return {
    kind: hitKind(h.policy),
    name: h.policy.ref.name,
    namespace: h.policy.ref.namespace ?? '',
    tier: h.tier.name,
    action,
    policyIndex: index,
    ruleIndex: h.rule.index,
    trigger: undefined,
  };
}

function triggerOf(p: CompiledPolicy, tier: string): PolicyHit {
  return {
    kind: hitKind(p),
    name: p.ref.name,
    namespace: p.ref.namespace ?? '',
    tier,
    action: 'Pass',
    policyIndex: 0,
    ruleIndex: 0,
    trigger: undefined,
  };
}

/**
 * The trace of one direction; empty when no Felix would trace it (an address outside the cluster, or
 * a pod talking to itself).
 */
export function staticTrace(v: DirectionVerdict): PolicyHit[] {
  if (v.reason === 'outside-cluster' || v.reason === 'loopback') return [];
  const hits: PolicyHit[] = [];
  for (const p of v.passed) {
    if (p.hit) hits.push(policyHit(p.hit, 'Pass', hits.length));
    // A tier whose default is Pass leaves no hit of its own.
  }
  if (v.reason === 'rule' && v.hit) hits.push(policyHit(v.hit, v.allowed ? 'Allow' : 'Deny', hits.length));
  else if (v.reason === 'end-of-tier' && v.endOfTier) {
    const first = v.endOfTier.policies[0];
    hits.push({
      kind: 'EndOfTier',
      name: '',
      namespace: '',
      tier: v.endOfTier.tier.name,
      action: 'Deny',
      policyIndex: hits.length,
      ruleIndex: -1,
      trigger: first ? triggerOf(first, v.endOfTier.tier.name) : undefined,
    });
  } else if (v.reason === 'profile' && v.endpoint.kind === 'pod')
    hits.push({
      kind: 'Profile',
      name: `kns.${v.endpoint.pod.namespace}`,
      namespace: '',
      tier: '',
      action: 'Allow',
      policyIndex: hits.length,
      ruleIndex: 0,
      trigger: undefined,
    });
  return hits;
}
