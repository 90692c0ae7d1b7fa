// Pass hands a packet to the next tier. In the last tier that holds policies there is no next tier,
// so the packet reaches the namespace profile, which allows: a Pass there reads like "not my call"
// but acts as Allow.
import { RULES } from '../catalog.js';
import { asString, describe, isCalicoKind, isCalicoPolicy, isObject } from '../resource.js';
import type { LintContext } from '../rule.js';
import { isClusterNetworkPolicy } from '../../model/calico-kinds.js';
import { calicoRules, policySpec } from '../walk.js';

/** Tiers Calico creates itself, with their fixed orders. */
const BUILTIN_TIER_ORDER: Record<string, number> = {
  'kube-admin': 1_000,
  default: 1_000_000,
  'kube-baseline': 10_000_000,
};

export function checkTiers(ctx: LintContext): void {
  // YAML reads `.nan` and `.inf` as numbers; a NaN order makes every comparison false and changes verdicts.
  for (const r of ctx.resources) {
    if (!isCalicoKind(r, 'Tier') && !isCalicoPolicy(r)) continue;
    const o = (isObject(r.value['spec']) ? r.value['spec'] : {})['order'];
    if (typeof o === 'number' && !Number.isFinite(o)) {
      ctx.report(
        RULES.orderNotFinite,
        r,
        ['spec', 'order'],
        `${describe(r)}: order ${String(o)} is not a finite number`,
        'write a number such as 100: Calico sorts by order, and NaN or infinity has no place in that sort',
      );
    }
  }
  const order = new Map<string, number>(Object.entries(BUILTIN_TIER_ORDER));
  for (const r of ctx.resources) {
    if (!isCalicoKind(r, 'Tier') || !r.name) continue;
    const spec = isObject(r.value['spec']) ? r.value['spec'] : {};
    // A tier without an order sorts after every tier that has one.
    order.set(r.name, typeof spec['order'] === 'number' ? spec['order'] : Number.POSITIVE_INFINITY);
  }
  const policies = ctx.resources.filter(isCalicoPolicy);
  const tierOf = (p: (typeof policies)[number]) => asString(policySpec(p)['tier']) ?? 'default';
  let last = BUILTIN_TIER_ORDER['default'] ?? 0;
  for (const p of policies) last = Math.max(last, order.get(tierOf(p)) ?? 0);
  // A Baseline ClusterNetworkPolicy puts policies in kube-baseline, after every Calico tier.
  if (ctx.resources.some((r) => isClusterNetworkPolicy(r) && policySpec(r)['tier'] === 'Baseline'))
    last = Math.max(last, BUILTIN_TIER_ORDER['kube-baseline'] ?? 0);
  for (const p of policies) {
    const tier = tierOf(p);
    const tierOrder = order.get(tier);
    if (tierOrder === undefined || tierOrder < last) continue;
    for (const rule of calicoRules(p)) {
      if (rule.value['action'] !== 'Pass') continue;
      ctx.report(
        RULES.passInLastTier,
        p,
        [...rule.path, 'action'],
        `${describe(p)}: Pass in tier '${tier}', the last tier with policies: the packet goes on to the namespace profile, which allows it`,
        'write Allow or Deny here, or move the policy to a tier that comes before the one that should decide',
      );
    }
  }
  // kube-baseline is always the last tier: a Baseline Pass reaches the profile, which allows.
  for (const r of ctx.resources) {
    if (!isClusterNetworkPolicy(r) || policySpec(r)['tier'] !== 'Baseline') continue;
    for (const dir of ['ingress', 'egress'] as const) {
      const rules = policySpec(r)[dir];
      if (!Array.isArray(rules)) continue;
      rules.forEach((rule: unknown, i) => {
        if (!isObject(rule) || rule['action'] !== 'Pass') return;
        ctx.report(
          RULES.passInLastTier,
          r,
          ['spec', dir, i, 'action'],
          `${describe(r)}: Pass in tier 'kube-baseline', the last tier: the packet goes on to the namespace profile, which allows it`,
          'write Accept or Deny here (Pass in a Baseline policy acts as Accept)',
        );
      });
    }
  }
}
