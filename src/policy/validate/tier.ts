// Tier objects: a label-style name, the fixed orders of the tiers Calico creates, and defaultAction.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';

const TIER_GO = 'api/pkg/apis/projectcalico/v3/tier.go';

/** tier.go:48-50: the orders Calico 3.32 gives the tiers it creates itself. */
export const FIXED_TIER_ORDERS: Readonly<Record<string, number>> = {
  'kube-admin': 1_000,
  default: 1_000_000,
  'kube-baseline': 10_000_000,
};

/** tier.go:37-39: the default action of those tiers (CEL rules of the Tier CRD). */
export const FIXED_TIER_DEFAULT_ACTIONS: Readonly<Record<string, 'Deny' | 'Pass'>> = {
  'kube-admin': 'Pass',
  default: 'Deny',
  'kube-baseline': 'Pass',
};

export const TIER_RULES = {
  fixedOrder: apiRule(
    'tier-fixed-order',
    'the tiers Calico creates have fixed orders (kube-admin 1000, default 1000000, kube-baseline 10000000)',
    'leave the order of this tier as Calico sets it, or leave the Tier object out of your files',
    `${VALIDATOR}#L1766-L1800; ${TIER_GO}#L48-L50`,
  ),
  fixedDefaultAction: apiRule(
    'tier-fixed-default-action',
    'the tiers Calico creates have fixed default actions (default: Deny; kube-admin and kube-baseline: Pass; unset is Deny)',
    'write the default action Calico gives this tier, or leave the Tier object out of your files',
    `${TIER_GO}#L37-L39 (CEL rules), #L74-L75 (+kubebuilder:default=Deny)`,
  ),
  defaultAction: apiRule(
    'tier-default-action',
    'defaultAction must be Deny or Pass',
    'write defaultAction: Deny (the default) or Pass',
    `${TIER_GO}#L76 (validate:"omitempty,oneof=Deny Pass")`,
  ),
} as const;

export function checkTierSpec(name: unknown, spec: Record<string, unknown>, report: Report): void {
  const fixed = typeof name === 'string' ? FIXED_TIER_ORDERS[name] : undefined;
  if (fixed !== undefined && spec['order'] !== fixed)
    report(
      ['spec', 'order'],
      TIER_RULES.fixedOrder,
      `tier ${String(name)} order ${String(spec['order'] ?? '(unset)')}`,
    );
  const action = spec['defaultAction'];
  if (action !== undefined && action !== null && action !== 'Deny' && action !== 'Pass') {
    report(['spec', 'defaultAction'], TIER_RULES.defaultAction, `'${String(action)}'`);
    return;
  }
  const fixedAction = typeof name === 'string' ? FIXED_TIER_DEFAULT_ACTIONS[name] : undefined;
  if (fixedAction !== undefined && (action ?? 'Deny') !== fixedAction)
    report(
      ['spec', 'defaultAction'],
      TIER_RULES.fixedDefaultAction,
      `tier ${String(name)} defaultAction ${String(action ?? 'Deny (unset)')}`,
    );
}

export function tierName(value: Record<string, unknown>): unknown {
  return isRecord(value['metadata']) ? value['metadata']['name'] : undefined;
}
