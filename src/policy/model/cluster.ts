// The cluster a verdict is computed against: namespaces, pods (Calico workload endpoints), service
// accounts and network sets, each remembering the file and line it came from.
import type { SourceLocation } from '../../errors.js';
import type { Cidr, IpAddress } from '../../net/ip.js';

export type Labels = Readonly<Record<string, string>>;

export interface NamespaceInfo {
  name: string;
  /** As Kubernetes sees them, with `kubernetes.io/metadata.name` (the API server always sets it). */
  labels: Labels;
  /** What a Calico `namespaceSelector` matches: the labels plus `projectcalico.org/name`. */
  calicoLabels: Labels;
  location?: SourceLocation;
}

export interface NamedPort {
  name: string;
  port: number;
  protocol: number;
}

export interface Pod {
  /** Dense index: lets the evaluator keep per-pod caches in typed arrays. */
  id: number;
  name: string;
  namespace: string;
  /** The pod's own labels: what a Kubernetes podSelector matches. */
  labels: Labels;
  /** What a Calico selector matches: own labels plus `projectcalico.org/namespace`, `.../orchestrator`, ... */
  calicoLabels: Labels;
  serviceAccount: string;
  ip: IpAddress | undefined;
  ports: NamedPort[];
  location?: SourceLocation;
}

export interface ServiceAccountInfo {
  name: string;
  namespace: string;
  labels: Labels;
  location?: SourceLocation;
}

export interface NetworkSetInfo {
  name: string;
  /** Undefined for a GlobalNetworkSet. */
  namespace: string | undefined;
  labels: Labels;
  nets: Cidr[];
  location?: SourceLocation;
}

export interface Cluster {
  namespaces: Map<string, NamespaceInfo>;
  pods: Pod[];
  /** Keyed `namespace/name`. */
  serviceAccounts: Map<string, ServiceAccountInfo>;
  networkSets: NetworkSetInfo[];
}

export function podKey(p: { namespace: string; name: string }): string {
  return `${p.namespace}/${p.name}`;
}
