// The one shape every policy kind is compiled into: Kubernetes and Calico policies, enforced or staged,
// are evaluated by the same tiered, first-match walk.
import type { SourceLocation } from '../../errors.js';
import type { Pod } from './cluster.js';
import type { Flow } from './flow.js';

export type Direction = 'ingress' | 'egress';
export type RuleAction = 'Allow' | 'Deny' | 'Pass' | 'Log';

/** The kind a policy is enforced as (a staged policy names the kind it would become). */
export type PolicyKind =
  'KubernetesNetworkPolicy' | 'NetworkPolicy' | 'GlobalNetworkPolicy' | 'ClusterNetworkPolicy';

export interface PolicyRef {
  kind: PolicyKind;
  /** As written in the file, e.g. `StagedNetworkPolicy`, `NetworkPolicy` (networking.k8s.io/v1). */
  sourceKind: string;
  apiVersion: string;
  name: string;
  namespace: string | undefined;
  tier: string;
  location: SourceLocation | undefined;
}

export interface CompiledRule {
  action: RuleAction;
  /** Index in the policy's `ingress` / `egress` list, as the user counts them (0-based). */
  index: number;
  location: SourceLocation | undefined;
  /** The rule's own `name` (ClusterNetworkPolicy rules have one). */
  name?: string;
  /** The action as the policy's API spells it, when not Calico's (ClusterNetworkPolicy `Accept`). */
  sourceAction?: string;
  matches(flow: Flow): boolean;
  /** Ports this rule names (range starts and ends+1), so an any-port query can try one port per range. */
  portPoints: readonly number[];
}

export interface CompiledPolicy {
  ref: PolicyRef;
  /** Undefined = after every ordered policy of its tier. */
  order: number | undefined;
  /** Tie-break within one order, as Calico sorts (Kubernetes policies are `knp.default.<name>`). */
  sortName: string;
  types: ReadonlySet<Direction>;
  /** Namespaced policies apply only to pods of their namespace. */
  namespace: string | undefined;
  selects(pod: Pod): boolean;
  ingress: CompiledRule[];
  egress: CompiledRule[];
  staged: { action: 'Set' | 'Delete' } | undefined;
}

export interface TierInfo {
  name: string;
  /** Undefined = after every ordered tier. */
  order: number | undefined;
  defaultAction: 'Deny' | 'Pass';
  location: SourceLocation | undefined;
}

export function policyLabel(ref: PolicyRef): string {
  const ns = ref.namespace ? `${ref.namespace}/` : '';
  return `${ref.sourceKind} ${ns}${ref.name}`;
}
