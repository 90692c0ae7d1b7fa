// Gate every node: follow the operator's rollout until each node's calico-node pod runs the target
// version, is Ready, and Felix /readiness answers on the node; stop at the first node that does not
// within --node-timeout (or while the operator reports Degraded): that throws, and the apply's cleanUp rolls
// back. It watches what the apply changed, over the run's SSH pool: a dry run only lists it.
import { batchOf, planBatches } from '../batches.js';
import { runGate } from '../gate.js';
import { startGateView } from '../progress-view.js';
import type { UpgradeContext } from '../upgrade-context.js';
import type { PlanEntry } from '../../core/changes.js';
import type { Phase } from '../../core/phase.js';
import { GateFailedError } from '../upgrade-errors.js';

export const upgradeGatePhase: Phase<UpgradeContext> = {
  title: 'Gate every node: new version, pod Ready, Felix /readiness over SSH',
  shouldRun: (ctx) => ctx.step?.kind !== 'same',
  run: (ctx) =>
    ctx.changes.step(
      () => plan(ctx),
      () => gate(ctx),
    ),
};

function plan(ctx: UpgradeContext): PlanEntry[] {
  const batches = planBatches(ctx.nodes, ctx.settings.maxUnavailable);
  const to = ctx.step!.to.tag;
  return [
    ...ctx.nodes.map((n) => ({
      target: n,
      action: `batch ${batchOf(batches, n)}/${batches.length}: calico-node ${ctx.fromVersions?.get(n) ?? '?'} → ${to}; healthy when its pod runs ${to}, is Ready and Felix /readiness answers (within ${Math.round(ctx.settings.nodeTimeoutMs / 1000)} s)`,
    })),
    ...ctx.settings.skip.map((n) => ({ target: n, action: 'skipped (--skip-node): not gated' })),
    {
      target: 'cluster',
      action: ctx.settings.rollback
        ? `on a failed node: roll back to ${ctx.step!.from} from the snapshot and wait for every node healthy on it`
        : 'on a failed node: stop and leave the cluster as it is (--no-rollback)',
    },
  ];
}

async function gate(ctx: UpgradeContext): Promise<void> {
  const to = ctx.step!.to.tag;
  const view = startGateView(
    [...ctx.nodes, ...ctx.settings.skip],
    ctx.out,
    `Upgrading calico-node to ${to} (maxUnavailable ${ctx.settings.maxUnavailable})`,
  );
  try {
    ctx.gate = await runGate({
      inventory: ctx.inventory,
      shell: ctx.shell,
      nodes: ctx.nodes,
      skipped: ctx.settings.skip,
      fromVersions: ctx.fromVersions ?? new Map(),
      // A skipped board that is down keeps the operator Degraded: then only --node-timeout fails a node.
      settings: {
        target: to,
        nodeTimeoutMs: ctx.settings.nodeTimeoutMs,
        failOnDegraded: ctx.settings.skip.length === 0,
      },
      requireInstalled: ctx.settings.skip.length === 0,
      pollMs: ctx.settings.pollMs,
      sshTimeoutMs: ctx.settings.sshTimeoutMs,
      acceptNewHostKeys: ctx.settings.acceptNewHostKeys,
      signal: ctx.signal,
      pool: ctx.pool,
      onNode: (g) => view.update(g),
    });
  } finally {
    await view.finish();
  }
  const failure = ctx.gate.failure;
  if (ctx.gate.outcome === 'failed')
    throw new GateFailedError(failure?.node ?? 'cluster', failure?.reason ?? 'failed');
}
