// The /etc/rancher/k3s/config.yaml lines Calico needs on a k3s server, from the inventory. Calico's k3s
// install (https://docs.tigera.io/calico/latest/getting-started/kubernetes/k3s/multi-node-install) starts the
// server with `--flannel-backend=none --disable-network-policy --cluster-cidr=<the IP pool's CIDR>`; k3s reads
// every flag from config.yaml as `flag-name: value` (https://docs.k3s.io/installation/configuration#configuration-file).
import type { Inventory } from '../inventory/types.js';

export const K3S_CONFIG_PATH = '/etc/rancher/k3s/config.yaml';
export const K3S_CALICO_DOCS =
  'https://docs.tigera.io/calico/latest/getting-started/kubernetes/k3s/multi-node-install';

export interface K3sSetting {
  key: string;
  value: string;
  why: string;
}

/** The settings, each with the reason (printed as a comment). */
export function k3sCalicoSettings(cluster: Inventory['cluster']): K3sSetting[] {
  const settings: K3sSetting[] = [
    { key: 'flannel-backend', value: 'none', why: 'no flannel: Calico is the CNI' },
    {
      key: 'disable-network-policy',
      value: 'true',
      why: "no kube-router policy controller next to Calico's Felix",
    },
    { key: 'cluster-cidr', value: cluster.pod_cidr, why: "= pod_cidr, the Calico IP pool's CIDR" },
    { key: 'service-cidr', value: cluster.service_cidr, why: '= service_cidr' },
  ];
  if (cluster.dataplane === 'BPF')
    settings.push({
      key: 'disable-kube-proxy',
      value: 'true',
      why: "Calico's eBPF dataplane replaces kube-proxy",
    });
  return settings;
}

/** config.yaml text: a header naming the file and the docs, then one `key: value  # why` line each. */
export function k3sConfigYaml(cluster: Inventory['cluster']): string {
  return [
    `# ${K3S_CONFIG_PATH} on the k3s server (control plane) of ${cluster.cluster_name}, for Calico`,
    `# (${K3S_CALICO_DOCS}).`,
    "# Restart k3s afterwards (sudo systemctl restart k3s), then remove flannel's leftovers on every board:",
    '#   sudo ip link delete flannel.1; sudo rm -f /run/flannel/subnet.env /var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist',
    ...k3sCalicoSettings(cluster).map((s) => `${s.key}: ${s.value}  # ${s.why}`),
    '',
  ].join('\n');
}
