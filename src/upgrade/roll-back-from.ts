// Roll the cluster back to a snapshot with the gate's progress rows: the upgrade's apply cleanUp and
// `upgrade --rollback RUN` both come here.
import { rollBack, type RollbackResult } from './rollback.js';
import { startGateView } from './progress-view.js';
import type { Snapshot } from './snapshot.js';
import type { UpgradeContext } from './upgrade-context.js';

export async function rollBackFrom(ctx: UpgradeContext, snapshot: Snapshot): Promise<RollbackResult> {
  const version = `v${snapshot.index.version.replace(/^v/, '')}`;
  const view = startGateView(
    [...ctx.nodes, ...ctx.settings.skip],
    ctx.out,
    `Rolling calico-node back to ${version}`,
    { verb: 'rolling back' },
  );
  try {
    return await rollBack({
      inventory: ctx.inventory,
      shell: ctx.shell,
      changes: ctx.changes,
      snapshot,
      nodes: ctx.nodes,
      skipped: ctx.settings.skip,
      // Without a gate (the apply failed, or --rollback RUN) the versions the checks saw are the best known.
      currentVersions: ctx.gate
        ? new Map(ctx.gate.gates.map((g) => [g.name, g.version]))
        : (ctx.fromVersions ?? new Map()),
      nodeTimeoutMs: ctx.settings.nodeTimeoutMs,
      pollMs: ctx.settings.pollMs,
      sshTimeoutMs: ctx.settings.sshTimeoutMs,
      acceptNewHostKeys: ctx.settings.acceptNewHostKeys,
      signal: ctx.signal,
      pool: ctx.pool,
      view,
    });
  } finally {
    await view.finish();
  }
}
