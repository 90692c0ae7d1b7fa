// Tiers and their order. The default tier (order 1,000,000, fixed) holds every Kubernetes policy and
// every Calico policy without `tier:`; a tier without order comes after all ordered tiers.
import type { CompiledPolicy, TierInfo } from '../model/policy.js';
import { isRecord, nameOf, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

export const DEFAULT_TIER_ORDER = 1_000_000;

/** Tiers Calico 3.32 creates itself; a Tier object of the same name overrides all but the default's order. */
const BUILT_IN: TierInfo[] = [
  { name: 'default', order: DEFAULT_TIER_ORDER, defaultAction: 'Deny', location: undefined },
  { name: 'kube-admin', order: 1_000, defaultAction: 'Pass', location: undefined },
  { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass', location: undefined },
];

export function buildTiers(objects: readonly LoadedObject[], problems: Problems): Map<string, TierInfo> {
  const tiers = new Map(BUILT_IN.map((t) => [t.name, t]));
  for (const obj of objects) {
    const name = nameOf(obj, problems);
    const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
    const order = spec['order'];
    if (order !== undefined && order !== null && (typeof order !== 'number' || !Number.isFinite(order)))
      problems.add(obj, ['spec', 'order'], `order must be a finite number, found ${String(order)}`);
    const action = spec['defaultAction'] ?? 'Deny';
    if (action !== 'Deny' && action !== 'Pass')
      problems.add(obj, ['spec', 'defaultAction'], `defaultAction '${String(action)}' must be Deny or Pass`);
    if (name === 'default' && action !== 'Deny')
      problems.add(obj, ['spec', 'defaultAction'], "the 'default' tier must have default action Deny");
    tiers.set(name, {
      name,
      order:
        name === 'default'
          ? DEFAULT_TIER_ORDER
          : typeof order === 'number' && Number.isFinite(order)
            ? order
            : undefined,
      defaultAction: action === 'Pass' ? 'Pass' : 'Deny',
      location: obj.location,
    });
  }
  return tiers;
}

/** Calico's order: lowest first, absent last, then by name. */
export function compareOrder(
  a: number | undefined,
  b: number | undefined,
  nameA: string,
  nameB: string,
): number {
  if (a !== b) {
    if (a === undefined) return 1;
    if (b === undefined) return -1;
    return a - b;
  }
  return nameA < nameB ? -1 : nameA > nameB ? 1 : 0;
}

export function comparePolicies(a: CompiledPolicy, b: CompiledPolicy): number {
  return (
    compareOrder(a.order, b.order, a.sortName, b.sortName) ||
    (a.ref.namespace ?? '').localeCompare(b.ref.namespace ?? '')
  );
}

/** Policies naming a tier that does not exist cannot be created in Calico: report it. */
export function checkPolicyTiers(
  policies: readonly CompiledPolicy[],
  tiers: Map<string, TierInfo>,
  problems: Problems,
): void {
  for (const p of policies) {
    if (tiers.has(p.ref.tier)) continue;
    const at = p.ref.location;
    problems.list.push({
      ...(at ? { location: at } : {}),
      field: 'spec.tier',
      message: `${p.ref.sourceKind} ${p.ref.name}: tier '${p.ref.tier}' is not defined`,
      hint: `add a projectcalico.org/v3 Tier named '${p.ref.tier}' to the policy files`,
    });
  }
}
