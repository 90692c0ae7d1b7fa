// reprovision: restart the board's calico-node pod (the DaemonSet recreates it) so it starts with the
// re-provisioned node state. kubectl runs on the control plane over SSH: no Ansible task runs there.
import { SshPool, type HostKeyPolicy } from '../../ssh/ssh-pool.js';
import { ClusterShell } from '../../cluster/cluster-shell.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export const restartPodPhase = (hostKeys: HostKeyPolicy): Phase<ProvisionContext> => ({
  title: "Restart the board's calico-node pod",
  shouldRun: (ctx) => targetHosts(ctx).some((h) => ctx.tracker?.nodes.get(h.name)?.status === 'ok'),
  plan: (ctx) =>
    targetHosts(ctx).map((h) => ({
      target: h.name,
      action: `restart its calico-node pod (kubectl delete pod on ${ctx.inventory.controlPlane.name}; the DaemonSet recreates it)`,
    })),
  async run(ctx) {
    const pool = new SshPool({ connectTimeoutMs: 10_000, ...hostKeys, signal: ctx.signal });
    try {
      const shell = new ClusterShell(pool, ctx.inventory);
      for (const h of targetHosts(ctx)) {
        if (ctx.tracker?.nodes.get(h.name)?.status !== 'ok') continue;
        await shell.kubectl([
          'delete',
          'pod',
          '-n',
          'calico-system',
          '-l',
          'k8s-app=calico-node',
          '--field-selector',
          `spec.nodeName=${h.name}`,
          '--wait=false',
        ]);
        ctx.out.info(`[${h.name}] calico-node pod restarted`);
      }
    } finally {
      pool.close();
    }
  },
});
