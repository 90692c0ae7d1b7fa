// Which kind becomes which. The CRD schemas of each staged kind are exactly its enforced kind's plus
// `spec.stagedAction` (checked against Calico 3.32's CRDs: StagedNetworkPolicy = NetworkPolicy,
// StagedGlobalNetworkPolicy = GlobalNetworkPolicy, StagedKubernetesNetworkPolicy = the
// networking.k8s.io/v1 NetworkPolicy spec), so converting is renaming the kind and adding or removing
// that one field.

export interface KindRef {
  apiVersion: string;
  kind: string;
}

export interface KindPair {
  enforced: KindRef;
  staged: KindRef;
}

const CALICO = 'projectcalico.org/v3';

export const KIND_PAIRS: readonly KindPair[] = [
  {
    enforced: { apiVersion: CALICO, kind: 'NetworkPolicy' },
    staged: { apiVersion: CALICO, kind: 'StagedNetworkPolicy' },
  },
  {
    enforced: { apiVersion: CALICO, kind: 'GlobalNetworkPolicy' },
    staged: { apiVersion: CALICO, kind: 'StagedGlobalNetworkPolicy' },
  },
  {
    enforced: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
    staged: { apiVersion: CALICO, kind: 'StagedKubernetesNetworkPolicy' },
  },
];

/** Calico's storage group is accepted as input (and written back as projectcalico.org/v3). */
function sameGroup(a: string, b: string): boolean {
  const norm = (v: string) => (v === 'crd.projectcalico.org/v1' ? CALICO : v);
  return norm(a) === norm(b);
}

export function pairFor(
  apiVersion: unknown,
  kind: unknown,
  side: 'enforced' | 'staged',
): KindPair | undefined {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return KIND_PAIRS.find((p) => sameGroup(p[side].apiVersion, apiVersion) && p[side].kind === kind);
}
