// The cluster DNS as a policy peer, done right: the namespace by the label Kubernetes always sets, the
// DNS pods by the label kube-dns and CoreDNS deployments carry, and both UDP and TCP port 53.
export const KUBE_SYSTEM = { 'kubernetes.io/metadata.name': 'kube-system' };
export const KUBE_DNS = { 'k8s-app': 'kube-dns' };

export function kubernetesDnsEgressRule(): Record<string, unknown> {
  return {
    to: [
      {
        namespaceSelector: { matchLabels: { ...KUBE_SYSTEM } },
        podSelector: { matchLabels: { ...KUBE_DNS } },
      },
    ],
    ports: [
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ],
  };
}

export function calicoDnsEgressRules(): Record<string, unknown>[] {
  return ['UDP', 'TCP'].map((protocol) => ({
    action: 'Allow',
    protocol,
    destination: {
      namespaceSelector: "kubernetes.io/metadata.name == 'kube-system'",
      selector: "k8s-app == 'kube-dns'",
      ports: [53],
    },
  }));
}
