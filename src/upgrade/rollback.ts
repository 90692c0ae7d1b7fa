// Back to the snapshot: its CRDs, operator and custom resources, server-side applied from the run folder
// (no network needed), then the same gate as the upgrade, now expecting the previous version on every
// node. The operator may report Degraded for a while here (the failed node): the rollback waits it out
// up to the node timeout instead of giving up.
import type { NewHostKey } from '../ssh/host-verifier.js';
import type { Changes } from '../core/changes.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import { runGate, type GateResult } from './gate.js';
import { startGateView, type GateView } from './progress-view.js';
import type { RollbackResult, UpgradeContext } from './upgrade-context.js';
import type { Snapshot } from './snapshot.js';
import type { Inventory } from '../inventory/types.js';

export interface RollbackRun {
  inventory: Inventory;
  shell: ClusterShell;
  changes: Changes;
  snapshot: Snapshot;
  nodes: readonly string[];
  skipped: readonly string[];
  /** What each node runs now (the gate's last view), so untouched nodes count as healthy at once. */
  currentVersions: ReadonlyMap<string, string | null>;
  nodeTimeoutMs: number;
  pollMs: number;
  sshTimeoutMs: number;
  acceptNewHostKeys: boolean;
  onNewHostKey?: (k: NewHostKey) => void;
  signal: AbortSignal;
  pool?: SshPool;
  view?: GateView;
}

export async function rollBack(r: RollbackRun): Promise<RollbackResult> {
  const started = Date.now();
  const version = `v${r.snapshot.index.version.replace(/^v/, '')}`;
  for (const m of r.snapshot.manifests) {
    await r.changes.make(
      r.inventory.controlPlane.name,
      `roll back: apply ${m.name} of Calico ${version} from the snapshot (server-side)`,
      () => r.shell.applyManifest(m.name, m.content),
    );
  }
  // The gate watches the rollback take effect: a dry run lists no gate (nothing was applied).
  let gate: GateResult | undefined;
  await r.changes.step(
    () => [],
    async () => {
      gate = await gateBack(r, version);
    },
  );
  return { gate, durationMs: gate ? Date.now() - started : 0 };
}

function gateBack(r: RollbackRun, version: string): Promise<GateResult> {
  return runGate({
    inventory: r.inventory,
    shell: r.shell,
    nodes: r.nodes,
    skipped: r.skipped,
    fromVersions: r.currentVersions,
    settings: { target: version, nodeTimeoutMs: r.nodeTimeoutMs, failOnDegraded: false },
    requireInstalled: r.skipped.length === 0,
    pollMs: r.pollMs,
    sshTimeoutMs: r.sshTimeoutMs,
    acceptNewHostKeys: r.acceptNewHostKeys,
    ...(r.onNewHostKey ? { onNewHostKey: r.onNewHostKey } : {}),
    signal: r.signal,
    ...(r.view ? { onNode: (g) => r.view?.update(g) } : {}),
    ...(r.pool ? { pool: r.pool } : {}),
  });
}

/** Rolls back with the gate's progress rows: the apply phase's cleanUp and `upgrade --rollback RUN`. */
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
