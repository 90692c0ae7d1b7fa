// reprovision --reset: remove what Calico and node prep left on one board (its drop-in files and Calico's
// network links) before provisioning it again. Only that board is touched, over the run's SSH pool.
import type { Phase } from '../../core/phase.js';
import { sshTargetFor } from '../../ssh/ssh-target.js';
import { targetHosts, type ProvisionContext } from '../context.js';

export const NODE_PREP_FILES = [
  '/etc/modules-load.d/calico.conf',
  '/etc/sysctl.d/90-calico.conf',
  '/etc/NetworkManager/conf.d/calico.conf',
];
export const CALICO_LINKS = ['vxlan.calico', 'vxlan-v6.calico', 'tunl0', 'wireguard.cali', 'wg-v6.cali'];

export const nodeResetPhase: Phase<ProvisionContext> = {
  title: "Reset the board: remove Calico's node files and links",
  async run(ctx) {
    for (const h of targetHosts(ctx)) {
      await ctx.changes.make(
        h.name,
        `reset: remove ${NODE_PREP_FILES.join(', ')} and links ${CALICO_LINKS.join(', ')}`,
        async () => {
          const session = await ctx.pool.session(sshTargetFor(ctx.inventory, h));
          const sudo = h.ssh.user === 'root' ? [] : ['sudo', '-n'];
          await session.exec([...sudo, 'rm', '-f', ...NODE_PREP_FILES], { timeoutMs: 20_000 });
          for (const link of CALICO_LINKS) {
            // A link that is not there is fine: the reset only has to leave none behind.
            await session.exec([...sudo, 'ip', 'link', 'delete', link], { timeoutMs: 20_000 });
          }
          ctx.out.info(`[${h.name}] reset: node files and Calico links removed`);
        },
        { quiet: true },
      );
    }
  },
};
