// One flow record as Calico's flow API publishes it: Goldmane aggregates what Felix saw on every node,
// whisker-backend serves it over HTTP as JSON. The field names and enum spellings are whisker-backend's
// (projectcalico/calico whisker-backend/pkg/apis/v1/flows.go: FlowResponse, PolicyTrace, PolicyHit),
// which maps Goldmane's proto one to one (goldmane/proto/api.proto: Flow, FlowKey, PolicyTrace, PolicyHit).

/** goldmane/proto/api.proto `enum Action`. */
export const FLOW_ACTIONS = ['Allow', 'Deny', 'Pass'] as const;
export type FlowAction = (typeof FLOW_ACTIONS)[number];

/** goldmane/proto/api.proto `enum Reporter`: the end of the connection whose Felix recorded it. */
export const REPORTERS = ['Src', 'Dst'] as const;
export type Reporter = (typeof REPORTERS)[number];

/** goldmane/proto/api.proto `enum PolicyKind` (7 and 8, the admin kinds, are reserved: gone in 3.32). */
export const POLICY_HIT_KINDS = [
  'CalicoNetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'NetworkPolicy',
  'ClusterNetworkPolicy',
  'Profile',
  'EndOfTier',
] as const;
export type PolicyHitKind = (typeof POLICY_HIT_KINDS)[number];

/** Kinds that live in a namespace: a hit of one of these names it (goldmane/proto/methods.go Validate). */
export const NAMESPACED_HIT_KINDS: ReadonlySet<PolicyHitKind> = new Set([
  'CalicoNetworkPolicy',
  'NetworkPolicy',
  'StagedKubernetesNetworkPolicy',
  'StagedNetworkPolicy',
]);
/** Cluster-wide kinds: a hit of one of these has no namespace (ibid.). */
export const GLOBAL_HIT_KINDS: ReadonlySet<PolicyHitKind> = new Set([
  'GlobalNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'ClusterNetworkPolicy',
]);

/** One policy rule a flow went through (proto `PolicyHit`). */
export interface PolicyHit {
  kind: PolicyHitKind;
  name: string;
  namespace: string;
  tier: string;
  action: FlowAction;
  /** The order of the policy among all policies traversed. */
  policyIndex: number;
  /** The rule within the policy; -1 for the end of a tier (goldmane/proto/methods.go HitFromString). */
  ruleIndex: number;
  /** For kind EndOfTier: the first policy that selected the flow and so triggered the tier's default. */
  trigger: PolicyHit | undefined;
}

export interface ObservedFlow {
  startTime: Date;
  endTime: Date;
  action: FlowAction;
  /** For a pod, its aggregated name (pods sharing a generateName, e.g. `web-6b7f9c8d5-*`). */
  sourceName: string;
  sourceNamespace: string;
  /** `key=value` labels common to every source pod of the flow. */
  sourceLabels: string[];
  destName: string;
  destNamespace: string;
  destLabels: string[];
  protocol: string;
  destPort: number;
  reporter: Reporter;
  /** What the dataplane enforced, and what it would have done with the staged policies enforced. */
  enforced: PolicyHit[];
  pending: PolicyHit[];
  packetsIn: number;
  packetsOut: number;
  bytesIn: number;
  bytesOut: number;
}

/**
 * The hit that decided a trace: the last Allow or Deny (Pass hits only hand the flow to the next tier).
 * Undefined for an empty trace.
 */
export function decidingHit(trace: readonly PolicyHit[]): PolicyHit | undefined {
  for (let i = trace.length - 1; i >= 0; i--) {
    const h = trace[i]!;
    if (h.action !== 'Pass') return h;
  }
  return undefined;
}

/** `Kind ns/name` of a hit; an end of tier names the policy that triggered it. */
export function hitLabel(h: PolicyHit): string {
  if (h.kind === 'EndOfTier') {
    const t = h.trigger ? ` (${hitLabel(h.trigger)})` : '';
    return `end of tier '${h.tier}'${t}`;
  }
  if (h.kind === 'Profile') return `profile ${h.name}`;
  return `${h.kind} ${h.namespace ? `${h.namespace}/` : ''}${h.name}`;
}

/** The short form the flows table shows: `tier/ns/name rule N: Action`. */
export function hitShort(h: PolicyHit | undefined): string {
  if (!h) return '-';
  if (h.kind === 'EndOfTier') {
    const t = h.trigger ? ` (${h.trigger.namespace ? `${h.trigger.namespace}/` : ''}${h.trigger.name})` : '';
    return `${h.tier}/end-of-tier${t}: ${h.action}`;
  }
  if (h.kind === 'Profile') return `profile ${h.name}: ${h.action}`;
  const ns = h.namespace ? `${h.namespace}/` : '';
  return `${h.tier}/${ns}${h.name} rule ${h.ruleIndex}: ${h.action}`;
}
