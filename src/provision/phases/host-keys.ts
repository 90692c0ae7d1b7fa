// --accept-new-host-keys on bootstrap/reprovision: before Ansible runs, log in once to every targeted
// board (and its jump host) with picocal's SSH client, which records each unknown key in the inventory's
// known_hosts and prints its fingerprint. Ansible checks host keys strictly against the same file, so
// without this step the new boards of a first bootstrap would all be "unreachable". A refused key
// (changed, revoked, or two keys for one address) stops the run here, before anything changes; a board
// that does not answer is left to Ansible, which reports it as unreachable.
import type { Phase } from '../../core/phase.js';
import { SshConnectError } from '../../ssh/ssh-failure.js';
import type { SshPool } from '../../ssh/ssh-pool.js';
import { sshTargetFor } from '../../ssh/ssh-target.js';
import { targetHosts, type ProvisionContext } from '../context.js';

/** Logs in over the run's pool, created with acceptNewHostKeys and a printer for recorded keys. */
export const hostKeysPhase: Phase<ProvisionContext> = {
  title: 'Record the host key of every board (--accept-new-host-keys)',
  run: (ctx) =>
    ctx.changes.make(
      'local',
      `host keys: log in to ${targetHosts(ctx)
        .map((h) => h.name)
        .join(', ')} and record unknown keys`,
      () => recordHostKeys(ctx.pool, ctx),
      {
        quiet: true,
        plan: () =>
          targetHosts(ctx).map((h) => ({
            target: h.name,
            action: `host key: log in over SSH and record its key in ${h.ssh.knownHosts} if it has none (fingerprint printed); a changed key stops the run`,
          })),
      },
    ),
};

async function recordHostKeys(pool: SshPool, ctx: ProvisionContext): Promise<void> {
  const targets = targetHosts(ctx).map((h) => sshTargetFor(ctx.inventory, h));
  const results = await pool.forEach(targets, (t) => pool.session(t));
  const refused: SshConnectError[] = [];
  for (const r of results) {
    if (r.ok) {
      ctx.out.detail(`[${r.target.node}] host key known`);
    } else if (r.error instanceof SshConnectError && r.error.kind === 'host-key') {
      refused.push(r.error);
    } else {
      const why = r.error instanceof Error ? r.error.message : String(r.error);
      ctx.out.warn(`[${r.target.node}] host key not recorded: ${why}`);
    }
  }
  const [first, ...more] = refused;
  if (!first) return;
  for (const e of more) ctx.out.error(`${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}`);
  throw first;
}
