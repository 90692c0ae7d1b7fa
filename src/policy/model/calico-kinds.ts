// The projectcalico.org/v3 kinds the policy engine reads: one list for the loader, the linter and the
// GitOps output.
export const CALICO_KINDS = [
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'NetworkSet',
  'GlobalNetworkSet',
  'Tier',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
] as const;
export type CalicoKind = (typeof CALICO_KINDS)[number];

export function isCalicoKind(kind: string): kind is CalicoKind {
  return (CALICO_KINDS as readonly string[]).includes(kind);
}
