// Snapshot what runs now into the run folder (rollback must not depend on the network). A resumed run
// reuses the snapshot it took the first time: the cluster may already be half on the new version.
import { join } from 'node:path';
import { loadSnapshot, takeSnapshot, SNAPSHOT_DIR } from '../snapshot.js';
import type { UpgradeContext } from '../upgrade-context.js';
import type { Phase } from '../../core/phase.js';

export const upgradeSnapshotPhase: Phase<UpgradeContext> = {
  title: 'Snapshot the running version, custom resources and manifests',
  shouldRun: (ctx) => ctx.step?.kind !== 'same',
  run: (ctx) =>
    ctx.changes.make(
      'local',
      `snapshot Calico ${ctx.step?.from ?? '?'}: custom resources (kubectl get), applied manifests → ${join(ctx.run.dir, SNAPSHOT_DIR)}`,
      () => snapshot(ctx),
      { quiet: true },
    ),
};

async function snapshot(ctx: UpgradeContext): Promise<void> {
  if (ctx.resume) {
    ctx.snapshot = loadSnapshot(ctx.run.dir);
    ctx.out.info(
      `using the snapshot of Calico ${ctx.snapshot.index.version} taken ${ctx.snapshot.index.takenAt}`,
    );
    return;
  }
  ctx.snapshot = await takeSnapshot(ctx.shell, ctx.step!.from, ctx.run.dir, ctx.settings.releaseSource);
  ctx.out.detail(`snapshot: ${ctx.snapshot.index.manifests.map((m) => m.name).join(', ')}`);
}
