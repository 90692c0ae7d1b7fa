// Prove every targeted board healthy over SSH (Felix /readiness, the tunnel link, its calico-node pod on
// the expected version), polling until healthy or the deadline: calico-node needs a little while to
// become Ready after the operator rolls it out. It watches what the install changed, over the run's SSH
// pool: a dry run only lists it.
import { verifyCluster } from '../../health/verify-cluster.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/phase.js';

export interface VerifySettings {
  deadlineMs: number;
  perNodeTimeoutMs: number;
  acceptNewHostKeys: boolean;
}

export function verifyPhase(settings: VerifySettings): Phase<ProvisionContext> {
  return {
    title: 'Verify Calico on every board (SSH: Felix health, tunnel link, calico-node pod)',
    run: (ctx) =>
      ctx.changes.step(
        () =>
          targetHosts(ctx).map((h) => ({
            target: h.name,
            action: `verify: Felix /readiness and /liveness, tunnel link, calico-node pod Ready on the expected version (within ${Math.round(settings.deadlineMs / 1000)} s)`,
          })),
        () => verify(ctx, settings),
      ),
  };
}

async function verify(ctx: ProvisionContext, settings: VerifySettings): Promise<void> {
  // Boards Ansible could not finish are reported as they are; verify the ones it did.
  const names = targetHosts(ctx)
    .map((h) => h.name)
    .filter((n) => {
      const p = ctx.tracker?.nodes.get(n);
      return !p || p.status === 'ok';
    });
  if (names.length === 0) return;
  const deadline = Date.now() + settings.deadlineMs;
  for (let attempt = 1; ; attempt++) {
    const report = await verifyCluster(ctx.inventory, {
      nodes: names,
      timeoutMs: settings.perNodeTimeoutMs,
      acceptNewHostKeys: settings.acceptNewHostKeys,
      signal: ctx.signal,
      pool: ctx.pool,
    });
    ctx.health = report;
    const waiting = report.nodes.filter((n) => !n.healthy && n.reachable);
    if (report.healthy || waiting.length === 0 || Date.now() > deadline || ctx.signal.aborted) return;
    ctx.out.detail(
      `verify attempt ${attempt}: waiting for ${waiting.map((n) => `${n.name} (${n.problems.join('; ')})`).join(', ')}`,
    );
    await new Promise((r) => setTimeout(r, 2000));
  }
}
