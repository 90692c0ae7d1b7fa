// reprovision: restart the board's calico-node pod (the DaemonSet recreates it) so it starts with the
// re-provisioned node state. kubectl runs on the control plane over the run's SSH pool: no Ansible task
// runs there. Only boards Ansible finished are restarted (a plan assumes it finishes them all).
import type { Phase } from '../../core/phase.js';
import { targetHosts, type ProvisionContext } from '../context.js';

const finished = (ctx: ProvisionContext, name: string) =>
  ctx.tracker === undefined || ctx.tracker.nodes.get(name)?.status === 'ok';

export const restartPodPhase: Phase<ProvisionContext> = {
  title: "Restart the board's calico-node pod",
  shouldRun: (ctx) => targetHosts(ctx).some((h) => finished(ctx, h.name)),
  async run(ctx) {
    for (const h of targetHosts(ctx)) {
      if (!finished(ctx, h.name)) continue;
      await ctx.changes.make(
        h.name,
        `restart its calico-node pod (kubectl delete pod on ${ctx.inventory.controlPlane.name}; the DaemonSet recreates it)`,
        async () => {
          await ctx.shell.kubectl([
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
        },
        { quiet: true },
      );
    }
  },
};
