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

/**
 * Kubernetes ClusterNetworkPolicy (kubernetes-sigs/network-policy-api, apis/v1alpha2), which Calico
 * 3.32 enforces in its `kube-admin` and `kube-baseline` tiers.
 */
export const CLUSTER_NETWORK_POLICY_API = 'policy.networking.k8s.io/v1alpha2';
export const CLUSTER_NETWORK_POLICY_KIND = 'ClusterNetworkPolicy';

/** policy.networking.k8s.io/v1alpha1 kinds Calico 3.30–3.31 enforced and 3.32 no longer does. */
export const REMOVED_ADMIN_POLICY_KINDS = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const;

export function isRemovedAdminPolicy(apiVersion: string, kind: string): boolean {
  return (
    apiVersion.startsWith('policy.networking.k8s.io/') &&
    (REMOVED_ADMIN_POLICY_KINDS as readonly string[]).includes(kind)
  );
}

export function removedAdminPolicyMessage(kind: string): { message: string; hint: string } {
  const tier = kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline';
  return {
    message: `${kind} was removed in Calico 3.32: it is no longer enforced`,
    hint: `rewrite it as a ${CLUSTER_NETWORK_POLICY_API} ClusterNetworkPolicy with \`tier: ${tier}\` (subject, ingress/egress rules and priority carry over; actions Allow→Accept)`,
  };
}

/**
 * Every `apiVersion kind` that is a policy object, for the loader, the linter and the GitOps output:
 * Kubernetes NetworkPolicy, ClusterNetworkPolicy and the Calico kinds.
 */
export const POLICY_OBJECT_KINDS: readonly string[] = [
  'networking.k8s.io/v1 NetworkPolicy',
  `${CLUSTER_NETWORK_POLICY_API} ${CLUSTER_NETWORK_POLICY_KIND}`,
  ...CALICO_KINDS.map((k) => `projectcalico.org/v3 ${k}`),
];

export function isClusterNetworkPolicy(o: { apiVersion: string; kind: string }): boolean {
  return o.apiVersion === CLUSTER_NETWORK_POLICY_API && o.kind === CLUSTER_NETWORK_POLICY_KIND;
}
