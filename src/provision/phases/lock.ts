// bootstrap and reprovision take the lock `picocal upgrade` takes (/var/lib/picocal/lock on the control
// plane) before anything changes, so no two runs change one cluster at once; a lock held by another run is
// refused naming its owner, and a stale one is taken over by compare-and-swap (src/cluster/lock.ts). The
// workflow releases it when the run ends, however it ends.
import { LOCK_FILE, type ClusterLock } from '../../cluster/lock.js';
import type { ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export function clusterLockPhase(lock: ClusterLock, breakLock: boolean): Phase<ProvisionContext> {
  return {
    title: 'Lock the cluster (one picocal run changes it at a time)',
    plan: (ctx) => [
      {
        target: ctx.inventory.controlPlane.name,
        action: `lock: create ${LOCK_FILE} for this run (refused if another run holds it), removed at the end`,
      },
    ],
    async run(ctx) {
      await lock.acquire({ breakLock });
      ctx.out.detail(`[${ctx.inventory.controlPlane.name}] ${LOCK_FILE} taken by run ${lock.owner.runId}`);
    },
  };
}
