// Why a flow is allowed or denied, per direction, in words a person reads and in JSON a machine reads;
// every policy and rule named with its file:line.
import type { SourceLocation } from '../../errors.js';
import { peerName, type Flow } from '../model/flow.js';
import type { CompiledPolicy, CompiledRule, PolicyRef } from '../model/policy.js';
import { protocolName } from '../net/protocol.js';
import type { DirectionVerdict, FlowVerdict, RuleHit } from '../evaluate/evaluate.js';

export function where(loc: SourceLocation | undefined): string {
  return loc ? `${loc.file}:${loc.line}` : '(built in)';
}

export function policyName(ref: PolicyRef): string {
  const kind = ref.apiVersion === 'networking.k8s.io/v1' ? 'Kubernetes NetworkPolicy' : ref.sourceKind;
  return `${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

function ruleText(hit: RuleHit, direction: string): string {
  const name = hit.rule.name ? ` '${hit.rule.name}'` : '';
  return `${direction} rule ${hit.rule.index}${name} (${hit.rule.sourceAction ?? hit.rule.action}) of ${policyName(hit.policy.ref)} in tier '${hit.tier.name}' at ${where(hit.rule.location)}`;
}

export function flowText(flow: Flow): string {
  const proto = protocolName(flow.protocol);
  const port = flow.port !== undefined ? ` port ${flow.port}` : '';
  return `${peerName(flow.src)} → ${peerName(flow.dst)} (${proto}${port})`;
}

/** One sentence for one direction. */
export function explainDirection(v: DirectionVerdict): string {
  const side =
    v.direction === 'egress' ? `egress from ${peerName(v.endpoint)}` : `ingress to ${peerName(v.endpoint)}`;
  const passes = v.passed
    .map((p) =>
      p.hit
        ? `passed on by ${ruleText(p.hit, v.direction)}`
        : `passed on by tier '${p.tier.name}' (default action Pass)`,
    )
    .join('; ');
  const prefix = passes ? `${passes}; then ` : '';
  switch (v.reason) {
    case 'loopback':
      return `${side}: a pod reaching itself never leaves its network namespace, no policy applies: allowed`;
    case 'outside-cluster':
      return `${side}: ${peerName(v.endpoint)} is outside the cluster, no policy applies there: allowed`;
    case 'profile':
      return v.passed.length
        ? `${side}: ${prefix}no later tier applies: allowed by the namespace profile`
        : `${side}: no policy selects ${peerName(v.endpoint)} for ${v.direction}: allowed by profile`;
    case 'rule': {
      const hit = v.hit as RuleHit;
      return `${side}: ${prefix}${v.allowed ? 'allowed' : 'denied'} by ${ruleText(hit, v.direction)}`;
    }
    case 'end-of-tier': {
      const slice = v.endOfTier;
      const names = (slice?.policies ?? []).map((p) => `${policyName(p.ref)} (${where(p.ref.location)})`);
      const verb = names.length === 1 ? 'selects' : 'select';
      return `${side}: ${prefix}denied by end of tier '${slice?.tier.name}': ${names.join(', ')} ${verb} ${peerName(v.endpoint)} for ${v.direction} and no rule matched`;
    }
  }
}

export function explainFlow(v: FlowVerdict): string[] {
  const lines = [explainDirection(v.egress), explainDirection(v.ingress)];
  for (const d of [v.egress, v.ingress])
    for (const l of d.logged) lines.push(`logged by ${ruleText(l, d.direction)}`);
  return lines;
}

function refJson(ref: PolicyRef) {
  return {
    kind: ref.sourceKind,
    apiVersion: ref.apiVersion,
    name: ref.name,
    namespace: ref.namespace ?? null,
    tier: ref.tier,
    location: ref.location ? where(ref.location) : null,
  };
}

function ruleJson(r: CompiledRule) {
  return {
    index: r.index,
    action: r.action,
    ...(r.name ? { name: r.name } : {}),
    ...(r.sourceAction ? { sourceAction: r.sourceAction } : {}),
    location: where(r.location),
  };
}

function hitJson(h: RuleHit) {
  return {
    tier: h.tier.name,
    policy: refJson(h.policy.ref),
    rule: ruleJson(h.rule),
  };
}

export function directionJson(v: DirectionVerdict) {
  return {
    endpoint: peerName(v.endpoint),
    verdict: v.allowed ? 'allow' : 'deny',
    reason: v.reason,
    tier: v.hit?.tier.name ?? v.endOfTier?.tier.name ?? null,
    policy: v.hit ? refJson(v.hit.policy.ref) : null,
    rule: v.hit ? ruleJson(v.hit.rule) : null,
    selectingPolicies: (v.endOfTier?.policies ?? []).map((p: CompiledPolicy) => refJson(p.ref)),
    passed: v.passed.map((p) => (p.hit ? hitJson(p.hit) : { tier: p.tier.name, policy: null, rule: null })),
    logged: v.logged.map(hitJson),
    explanation: explainDirection(v),
  };
}
