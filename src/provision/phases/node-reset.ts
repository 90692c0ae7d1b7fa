// reprovision --reset: remove what Calico and node prep left on one board (its drop-in files and Calico's
// network links) before provisioning it again. Only that board is touched.
import { SshPool, type HostKeyPolicy } from '../../ssh/ssh-pool.js';
import { sshTargetFor } from '../../ssh/ssh-target.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export const NODE_PREP_FILES = [
  '/etc/modules-load.d/calico.conf',
  '/etc/sysctl.d/90-calico.conf',
  '/etc/NetworkManager/conf.d/calico.conf',
];
export const CALICO_LINKS = ['vxlan.calico', 'vxlan-v6.calico', 'tunl0', 'wireguard.cali', 'wg-v6.cali'];

export const nodeResetPhase = (hostKeys: HostKeyPolicy): Phase<ProvisionContext> => ({
  title: "Reset the board: remove Calico's node files and links",
  plan: (ctx) =>
    targetHosts(ctx).map((h) => ({
      target: h.name,
      action: `reset: remove ${NODE_PREP_FILES.join(', ')} and links ${CALICO_LINKS.join(', ')}`,
    })),
  async run(ctx) {
    const pool = new SshPool({ connectTimeoutMs: 10_000, ...hostKeys, signal: ctx.signal });
    try {
      for (const h of targetHosts(ctx)) {
        const session = await pool.session(sshTargetFor(ctx.inventory, h));
        const sudo = h.ssh.user === 'root' ? [] : ['sudo', '-n'];
        await session.exec([...sudo, 'rm', '-f', ...NODE_PREP_FILES], { timeoutMs: 20_000 });
        for (const link of CALICO_LINKS) {
          // A link that is not there is fine: the reset only has to leave none behind.
          await session.exec([...sudo, 'ip', 'link', 'delete', link], { timeoutMs: 20_000 });
        }
        ctx.out.info(`[${h.name}] reset: node files and Calico links removed`);
      }
    } finally {
      pool.close();
    }
  },
});
