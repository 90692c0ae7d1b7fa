// Before bootstrap or reprovision changes anything: is the cluster ready for Calico as its CNI? Reads the
// CNI facts on every board and the pod CIDRs on the control plane (read-only), decides with src/cni/cni-check.ts
// and refuses with exit 2 and the fix (k3s: `picocal k3s-config`).
import { checkCni } from '../../cni/cni-check.js';
import { CniNotReadyError } from '../../cni/cni-errors.js';
import { readBoardFacts, readClusterCidrs } from '../../cni/read-facts.js';
import { k3sSettings } from '../../cni/k3s-settings.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import type { ClusterShell } from '../../cluster/cluster-shell.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export function cniGuardPhase(pool: SshPool, shell: ClusterShell): Phase<ProvisionContext> {
  return {
    title: 'Check the CNI already on the cluster and its pod CIDR against pod_cidr',
    plan: (ctx) => [
      ...targetHosts(ctx).map((h) => ({
        target: h.name,
        action:
          'check: no flannel (CNI config, flannel.1), no other CNI config, k3s flannel-backend none and disable-network-policy, cluster-cidr contains pod_cidr',
      })),
      {
        target: 'cluster',
        action: `check: kubeadm podSubnet and every node's spec.podCIDR agree with pod_cidr ${ctx.inventory.cluster.pod_cidr}`,
      },
    ],
    async run(ctx) {
      const inv = ctx.inventory;
      const hosts = targetHosts(ctx);
      if (!hosts.some((h) => h.name === inv.controlPlane.name)) hosts.unshift(inv.controlPlane);
      // A board that cannot be reached is left to Ansible, which reports it unreachable (the others go on).
      const read = await Promise.all(
        hosts.map(async (h) => {
          try {
            return [h.name, await readBoardFacts(pool, inv, h)] as const;
          } catch (err) {
            ctx.out.warn(`[${h.name}] CNI not checked: ${(err as Error).message}`);
            return undefined;
          }
        }),
      );
      const facts = Object.fromEntries(read.filter((x) => x !== undefined));
      for (const [name, f] of Object.entries(facts))
        if (f.unreadable.length > 0)
          ctx.out.warn(
            `[${name}] could not read ${f.unreadable.join(', ')} (not as the login user, nor with sudo -n): not checked for another CNI or k3s's settings`,
          );
      const problems = checkCni(inv, facts, await readClusterCidrs(shell));
      if (problems.length > 0) throw new CniNotReadyError(problems);
      const server = Object.entries(facts).find(([, f]) => k3sSettings(f.k3sFiles).role === 'server');
      if (inv.cluster.kubernetes.flavour === 'k3s' && !server)
        ctx.out.warn(
          `no board has k3s's server unit or /etc/rancher/k3s/config.yaml: could not check flannel-backend and disable-network-policy; make sure k3s runs with the lines \`picocal k3s-config\` prints`,
        );
      ctx.out.detail(
        `CNI check: no flannel or other CNI on ${hosts.length} board(s); pod CIDRs agree with ${inv.cluster.pod_cidr}`,
      );
    },
  };
}
