// The change itself, on the control plane: the target's CRDs, then the operator, then the re-rendered
// custom resources, each with `kubectl apply --server-side --force-conflicts`. The operator then rolls
// calico-node over the nodes, at most maxUnavailable at a time.
import { applyManifest } from '../manifests.js';
import type { UpgradeContext } from '../upgrade-context.js';
import type { Phase } from '../../core/plan-phase.js';

const WHAT = { crds: 'CRDs', operator: 'operator', 'custom-resources': 'custom resources' } as const;

async function apply(ctx: UpgradeContext): Promise<void> {
  const cp = ctx.inventory.controlPlane.name;
  for (const m of ctx.target ?? []) {
    if (ctx.signal.aborted) return;
    await ctx.changes.make(
      cp,
      `apply ${WHAT[m.role]} ${m.name} for Calico ${ctx.step!.to.version} (kubectl apply --server-side --force-conflicts)`,
      () => applyManifest(ctx.shell, m),
    );
  }
}

export const upgradeApplyPhase: Phase<UpgradeContext> = {
  title: 'Apply the new CRDs, operator and custom resources (server-side)',
  shouldRun: (ctx) => ctx.step?.kind !== 'same',
  async plan(ctx) {
    const before = ctx.changes.planned.length;
    await apply(ctx);
    return ctx.changes.planned.splice(before);
  },
  run: apply,
};
