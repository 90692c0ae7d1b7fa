// The change itself, on the control plane: the target's CRDs, then the operator, then the re-rendered
// custom resources, each with `kubectl apply --server-side --force-conflicts`. The operator then rolls
// calico-node over the nodes, at most maxUnavailable at a time. Its cleanUp is the rollback: when the apply
// fails half-way, or the gate after it fails, the snapshot goes back in (unless --no-rollback).
import type { Phase } from '../../core/phase.js';
import { rollBackFrom } from '../rollback.js';
import type { UpgradeContext } from '../upgrade-context.js';
import { GateFailedError } from '../upgrade-errors.js';

const WHAT = { crds: 'CRDs', operator: 'operator', 'custom-resources': 'custom resources' } as const;

async function apply(ctx: UpgradeContext): Promise<void> {
  const cp = ctx.inventory.controlPlane.name;
  for (const m of ctx.target ?? []) {
    if (ctx.signal.aborted) return;
    await ctx.changes.make(
      cp,
      `apply ${WHAT[m.role]} ${m.name} for Calico ${ctx.step!.to.version} (kubectl apply --server-side --force-conflicts)`,
      () => ctx.shell.applyManifest(m.name, m.content),
    );
  }
}

export const upgradeApplyPhase: Phase<UpgradeContext> = {
  title: 'Apply the new CRDs, operator and custom resources (server-side)',
  shouldRun: (ctx) => ctx.step?.kind !== 'same',
  async run(ctx) {
    try {
      await apply(ctx);
    } catch (err) {
      // Half the manifests may be in: the cluster has started changing.
      const node = ctx.inventory.controlPlane.name;
      const reason = err instanceof Error ? err.message : String(err);
      ctx.out.error(`[${node}] applying the new manifests failed: ${reason}`);
      ctx.applyFailure = { node, reason, detectedAfterMs: Date.now() - ctx.started };
      throw err;
    }
  },
  async cleanUp(ctx, cause) {
    const failed = ctx.applyFailure !== undefined || cause instanceof GateFailedError;
    if (!failed || !ctx.snapshot || !ctx.settings.rollback) return;
    ctx.out.info(`==> Roll back to Calico ${ctx.snapshot.index.version} from the snapshot`);
    ctx.rollback = await rollBackFrom(ctx, ctx.snapshot);
  },
};
