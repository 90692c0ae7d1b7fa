// Decide, before anything changes, whether Calico can be the cluster's CNI: no flannel (k3s's default), no
// other CNI's config, k3s started with flannel-backend none and without its kube-router policy controller,
// and the cluster's pod CIDRs (k3s cluster-cidr, kubeadm podSubnet, each node's spec.podCIDR) agreeing with
// the inventory's pod_cidr. Pure: the facts come in, every problem goes out with the exact fix.
import type { Inventory } from '../inventory/types.js';
import type { BoardCniFacts } from './board-facts.js';
import { K3S_CONFIG_PATH } from './k3s-config.js';
import { k3sSettings } from './k3s-settings.js';
import { poolWithin } from './pod-cidr.js';

export interface ClusterCidrFacts {
  /** kubeadm-config's ClusterConfiguration networking.podSubnet, when the ConfigMap exists. */
  kubeadmPodSubnet: string | undefined;
  /** node name → spec.podCIDR (nodes without one left out). */
  nodePodCidrs: Record<string, string>;
}

export interface CniProblem {
  /** A board name, or "cluster". */
  target: string;
  message: string;
  fix: string;
}

/** Calico's own files in a CNI directory (written by its install-cni). */
const CALICO_CNI = /(^|\/)(10-calico\.conflist|calico-kubeconfig|calico-tls)$/;
const CNI_CONFIG = /\.(conf|conflist|json)$/;
const FLANNEL_LEFTOVERS =
  'sudo ip link delete flannel.1; sudo rm -f /run/flannel/subnet.env /var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist';

export function checkCni(
  inv: Inventory,
  boards: Record<string, BoardCniFacts>,
  cluster: ClusterCidrFacts,
): CniProblem[] {
  const problems: CniProblem[] = [];
  const k3s = inv.cluster.kubernetes.flavour === 'k3s';
  const k3sFix = `put the lines \`picocal k3s-config -i ${inv.file}\` prints into ${K3S_CONFIG_PATH} on the k3s server, restart k3s (sudo systemctl restart k3s)`;
  for (const [board, f] of Object.entries(boards)) {
    const flannel = [
      ...f.cniFiles.filter((p) => /flannel/.test(p)),
      ...(f.flannelLink ? ['link flannel.1'] : []),
      ...(f.flannelSubnetEnv ? ['/run/flannel/subnet.env'] : []),
    ];
    if (flannel.length > 0)
      problems.push({
        target: board,
        message: `flannel is (or was) this board's CNI: found ${flannel.join(', ')}; pods would stay on flannel and Calico policies would enforce nothing`,
        fix: k3s
          ? `${k3sFix}, then on every board remove flannel's leftovers (${FLANNEL_LEFTOVERS}) or reboot it`
          : `remove flannel (kubectl delete -f the kube-flannel.yml you applied), then on every board: sudo ip link delete flannel.1; sudo rm -f /etc/cni/net.d/*flannel* /run/flannel/subnet.env`,
      });
    const others = f.cniFiles.filter((p) => CNI_CONFIG.test(p) && !/flannel/.test(p) && !CALICO_CNI.test(p));
    if (others.length > 0)
      problems.push({
        target: board,
        message: `another CNI's config is installed: ${others.join(', ')}; the runtime uses the first config file in the directory, not Calico's`,
        fix: `uninstall that CNI (its DaemonSet), then remove ${others.join(' ')} on this board`,
      });
    const s = k3sSettings(f.k3sFiles);
    if (s.role !== 'server') continue;
    const v = s.values;
    if (v['flannel-backend'] !== 'none')
      problems.push({
        target: board,
        message: `k3s runs with flannel-backend ${v['flannel-backend']} (${s.source['flannel-backend']}): containerd keeps reading flannel's CNI config, not Calico's`,
        fix: k3sFix,
      });
    if (v['disable-network-policy'] !== 'true')
      problems.push({
        target: board,
        message: `k3s's network-policy controller (kube-router) is on (disable-network-policy: ${v['disable-network-policy']}, ${s.source['disable-network-policy']}): it would program its own chains next to Calico's`,
        fix: k3sFix,
      });
    if (!poolWithin(inv.cluster.pod_cidr, v['cluster-cidr']))
      problems.push({
        target: board,
        message: `pod_cidr ${inv.cluster.pod_cidr} is not inside k3s's cluster-cidr ${v['cluster-cidr']} (${s.source['cluster-cidr']})`,
        fix: `set pod_cidr: ${v['cluster-cidr']} in ${inv.file} (k3s cannot change cluster-cidr on a running cluster)`,
      });
  }
  if (cluster.kubeadmPodSubnet !== undefined && !poolWithin(inv.cluster.pod_cidr, cluster.kubeadmPodSubnet))
    problems.push({
      target: 'cluster',
      message: `pod_cidr ${inv.cluster.pod_cidr} is not inside kubeadm's podSubnet ${cluster.kubeadmPodSubnet} (ConfigMap kube-system/kubeadm-config): the operator refuses such an IP pool`,
      fix: `set pod_cidr: ${cluster.kubeadmPodSubnet.split(',')[0]?.trim()} in ${inv.file}`,
    });
  const outside = Object.entries(cluster.nodePodCidrs).filter(
    ([, c]) => !poolWithin(c, inv.cluster.pod_cidr),
  );
  if (outside.length > 0)
    problems.push({
      target: 'cluster',
      message: `nodes have spec.podCIDR outside pod_cidr ${inv.cluster.pod_cidr}: ${outside.map(([n, c]) => `${n} ${c}`).join(', ')}`,
      fix: `set pod_cidr in ${inv.file} to the cluster's pod CIDR (k3s cluster-cidr, kubeadm --pod-network-cidr) that contains them`,
    });
  return problems;
}
