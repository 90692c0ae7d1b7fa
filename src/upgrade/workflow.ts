// upgrade: lock → checks → snapshot → apply → gate, and on a failed node: roll back → gate on the previous
// version. Each step is a phase (src/upgrade/phases/*.ts); every change goes through ctx.changes, so
// --dry-run prints the plan. The lock is released and the report written whatever happens.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Output } from '../cli/output.js';
import { requireRelease } from '../catalog/versions.js';
import { EXIT, UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { upgradeApplyPhase } from './phases/apply.js';
import { installCalicoctl, resolveUpgradeCalicoctl, upgradeCalicoctlPhase } from './phases/calicoctl.js';
import { upgradeChecksPhase } from './phases/checks.js';
import { upgradeGatePhase } from './phases/gate.js';
import { upgradeSnapshotPhase } from './phases/snapshot.js';
import { runPhases, type PlanEntry } from '../core/plan-phase.js';
import { createRunFolder } from '../core/run-folder.js';
import { describeNewHostKey } from '../ssh/host-verifier.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { batchOf, planBatches } from './batches.js';
import { Changes } from '../core/changes.js';
import { ClusterShell } from '../cluster/cluster-shell.js';
import { writeCalicoVersion } from './inventory-version.js';
import { lockCheck } from '../provision/checks.js';
import { ClusterLock, ownerHere } from '../cluster/lock.js';
import { startGateView } from './progress-view.js';
import { nodeRecords, type UpgradeReport, type UpgradeResult } from './report.js';
import { rollBack, type RollbackResult } from './rollback.js';
import {
  existingRunFolder,
  readRunState,
  unfinishedRun,
  writeRunState,
  type RunStage,
  type UpgradeRunState,
} from './run-state.js';
import { loadSnapshot, SNAPSHOT_DIR } from './snapshot.js';
import type { UpgradeContext, UpgradeSettings } from './upgrade-context.js';

export interface UpgradeOptions {
  inventory: Inventory;
  settings: UpgradeSettings;
  out: Output;
  signal: AbortSignal;
  cwd: string;
  dryRun: boolean;
  /** Continue this interrupted run (id or folder). */
  resume: string | undefined;
  /** Roll this run back to its snapshot instead of upgrading. */
  rollbackRun: string | undefined;
}

export type UpgradeOutcome = { plan: PlanEntry[] } | { report: UpgradeReport; exitCode: number };

export async function upgrade(opts: UpgradeOptions): Promise<UpgradeOutcome> {
  const inv = opts.inventory;
  const rollbackOf = opts.rollbackRun ? readRunState(opts.cwd, opts.rollbackRun) : undefined;
  let resumeOf = opts.resume ? readRunState(opts.cwd, opts.resume) : undefined;
  if (!resumeOf && !opts.rollbackRun && !opts.dryRun) {
    const left = unfinishedRun(opts.cwd, inv.cluster.cluster_name, opts.settings.to.replace(/^v/, ''), (l) =>
      opts.out.warn(l),
    );
    resumeOf = left;
  }
  const earlier = rollbackOf ?? resumeOf;
  const run = earlier ? existingRunFolder(earlier.dir, earlier.id) : createRunFolder(opts.cwd, 'upgrade');
  const settings: UpgradeSettings = earlier
    ? {
        ...opts.settings,
        to: earlier.state.to,
        maxUnavailable: earlier.state.maxUnavailable,
        // A rollback gates the boards that are up now (a board skipped by the upgrade may be back);
        // a resumed upgrade keeps the decisions it started with.
        skip: rollbackOf ? opts.settings.skip : earlier.state.skipped,
        allowDowngrade: earlier.state.allowDowngrade,
        rollback: earlier.state.rollback,
      }
    : opts.settings;
  const pool = new SshPool({
    connectTimeoutMs: settings.sshTimeoutMs,
    acceptNewHostKeys: settings.acceptNewHostKeys,
    onNewHostKey: (k) => opts.out.info(describeNewHostKey(k)),
  });
  const shell = new ClusterShell(pool, inv);
  const ctx: UpgradeContext = {
    inventory: inv,
    settings,
    out: opts.out,
    signal: opts.signal,
    run,
    changes: new Changes({ dryRun: opts.dryRun, say: (l) => opts.out.info(l) }),
    pool,
    shell,
    nodes: inv.hosts.map((h) => h.name).filter((n) => !settings.skip.includes(n)),
    resume: resumeOf ? { from: resumeOf.state.from } : undefined,
  };
  const lock = new ClusterLock(
    shell,
    ownerHere(run.id, opts.rollbackRun ? 'upgrade --rollback' : 'upgrade'),
    (l) => opts.out.warn(l),
  );
  try {
    let lockEntry: PlanEntry | undefined;
    if (opts.dryRun) {
      // Peeked at, not taken: a lock another run holds makes the real run refuse (shown, with its exit code).
      lockEntry = await lockCheck(shell, settings.breakLock);
      if (lockEntry.verdict !== 'PASS') opts.out.warn(`a real run would be refused now: ${lockEntry.action}`);
    } else {
      await lock.acquire({ breakLock: settings.breakLock });
      if (resumeOf && !opts.resume) {
        opts.out.info(
          `continuing the unfinished upgrade run ${resumeOf.id} (${resumeOf.state.from} → ${resumeOf.state.to})`,
        );
      }
    }
    if (rollbackOf) return await rollbackOnly(ctx, rollbackOf.state);
    const outcome = await upgradeRun(ctx, opts.dryRun);
    if (lockEntry && 'plan' in outcome) outcome.plan.unshift(lockEntry);
    return outcome;
  } finally {
    await lock.release().catch((e: Error) => opts.out.warn(`could not release the lock: ${e.message}`));
    pool.close();
  }
}

async function upgradeRun(ctx: UpgradeContext, dryRun: boolean): Promise<UpgradeOutcome> {
  const started = Date.now();
  const stage = (s: RunStage) => {
    if (dryRun || !ctx.step) return;
    writeRunState(ctx.run.dir, {
      kind: 'upgrade',
      cluster: ctx.inventory.cluster.cluster_name,
      inventory: ctx.inventory.file,
      from: ctx.resume?.from ?? ctx.step.from,
      to: ctx.step.to.version,
      maxUnavailable: ctx.settings.maxUnavailable,
      skipped: ctx.settings.skip,
      allowDowngrade: ctx.settings.allowDowngrade,
      rollback: ctx.settings.rollback,
      stage: s,
    });
  };
  const log = (l: string) => ctx.out.info(l);
  const plan = await runPhases([upgradeChecksPhase], ctx, { dryRun, signal: ctx.signal, log });
  if (ctx.step?.kind === 'same') {
    if (dryRun) return { plan };
    return finish(ctx, started, 'unchanged', undefined);
  }
  stage('checked');
  plan.push(...(await runPhases([upgradeSnapshotPhase], ctx, { dryRun, signal: ctx.signal, log })));
  if (!ctx.signal.aborted) stage('snapshotted');
  try {
    plan.push(...(await runPhases([upgradeApplyPhase], ctx, { dryRun, signal: ctx.signal, log })));
  } catch (err) {
    // Half the manifests may be in: the cluster has started changing, so the snapshot goes back in.
    if (dryRun || !ctx.snapshot) throw err;
    const reason = err instanceof Error ? err.message : String(err);
    ctx.out.error(`[${ctx.inventory.controlPlane.name}] applying the new manifests failed: ${reason}`);
    const failure = { node: ctx.inventory.controlPlane.name, reason, detectedAfterMs: Date.now() - started };
    if (!ctx.settings.rollback) {
      stage('failed');
      return finish(ctx, started, 'failed', undefined, undefined, failure);
    }
    ctx.out.info(`==> Roll back to Calico ${ctx.snapshot.index.version} from the snapshot`);
    const rb = await rollBackFrom(ctx, ctx.snapshot);
    stage(rb.gate?.outcome === 'done' ? 'rolled-back' : 'failed');
    return finish(
      ctx,
      started,
      rb.gate?.outcome === 'done' ? 'rolled-back' : 'rollback-failed',
      rb,
      undefined,
      failure,
    );
  }
  if (!ctx.signal.aborted) stage('applied');
  plan.push(...(await runPhases([upgradeGatePhase], ctx, { dryRun, signal: ctx.signal, log })));
  if (dryRun) {
    plan.push(...(await runPhases([upgradeCalicoctlPhase], ctx, { dryRun, signal: ctx.signal, log })));
    return { plan };
  }

  const gate = ctx.gate;
  if (ctx.signal.aborted || !gate || gate.outcome === 'interrupted') {
    stage('interrupted');
    return finish(ctx, started, 'interrupted', undefined);
  }
  if (gate.outcome === 'done') {
    // calico-node runs the target everywhere: the upgrade is done; calicoctl follows (failures are named).
    stage('done');
    await runPhases([upgradeCalicoctlPhase], ctx, { dryRun, signal: ctx.signal, log });
    return finish(ctx, started, 'upgraded', undefined);
  }
  if (!ctx.settings.rollback) {
    stage('failed');
    return finish(ctx, started, 'failed', undefined);
  }
  ctx.out.info(`==> Roll back to Calico ${ctx.snapshot!.index.version} from the snapshot`);
  const rb = await rollBackFrom(ctx, ctx.snapshot!);
  stage(
    rb.gate?.outcome === 'done'
      ? 'rolled-back'
      : rb.gate?.outcome === 'interrupted'
        ? 'interrupted'
        : 'failed',
  );
  return finish(ctx, started, rb.gate?.outcome === 'done' ? 'rolled-back' : 'rollback-failed', rb);
}

async function rollBackFrom(
  ctx: UpgradeContext,
  snapshot: ReturnType<typeof loadSnapshot>,
): Promise<RollbackResult> {
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
      onNewHostKey: (k) => ctx.out.info(describeNewHostKey(k)),
      signal: ctx.signal,
      view,
    });
  } finally {
    await view.finish();
  }
}

/** `--rollback RUN`: put the cluster back to what that run's snapshot recorded. */
async function rollbackOnly(ctx: UpgradeContext, state: UpgradeRunState): Promise<UpgradeOutcome> {
  const started = Date.now();
  if (!existsSync(join(ctx.run.dir, SNAPSHOT_DIR, 'snapshot.json'))) {
    throw new UsageError(
      `run ${ctx.run.id} has no snapshot to roll back to (it stopped at stage '${state.stage}', before it changed the cluster)`,
      'nothing to undo: that run changed nothing',
    );
  }
  const snapshot = loadSnapshot(ctx.run.dir);
  ctx.snapshot = snapshot;
  const previous = requireRelease(snapshot.index.version);
  if (!ctx.changes.dryRun) ctx.calicoctl = await resolveUpgradeCalicoctl(ctx, previous);
  const rb = await rollBackFrom(ctx, snapshot);
  if (ctx.changes.dryRun) return { plan: ctx.changes.planned };
  // The upgrade may have got as far as the new calicoctl: put the snapshot version's back (idempotent).
  if (rb.gate?.outcome === 'done') await installCalicoctl(ctx, previous);
  const { updatedAt: _u, ...rest } = state;
  writeRunState(ctx.run.dir, { ...rest, stage: rb.gate?.outcome === 'done' ? 'rolled-back' : 'failed' });
  return finish(ctx, started, rb.gate?.outcome === 'done' ? 'rolled-back' : 'rollback-failed', rb, {
    from: state.from,
    to: state.to,
    requested: true,
  });
}

const EXIT_FOR: Record<UpgradeResult, number> = {
  upgraded: EXIT.ok,
  unchanged: EXIT.ok,
  'rolled-back': EXIT.failed,
  'rollback-failed': EXIT.failed,
  failed: EXIT.failed,
  interrupted: EXIT.interrupted,
};

/** A rollback asked for and done is a success; an upgrade that left boards out is partial (3). */
function exitCodeFor(
  result: UpgradeResult,
  requested: boolean,
  skipped: readonly string[],
  calicoctlFailed: readonly string[],
): number {
  if (calicoctlFailed.length && (result === 'upgraded' || (requested && result === 'rolled-back')))
    return EXIT.partial;
  if (requested && result === 'rolled-back') return EXIT.ok;
  if (result === 'upgraded' && skipped.length) return EXIT.partial;
  return EXIT_FOR[result];
}

function finish(
  ctx: UpgradeContext,
  started: number,
  result: UpgradeResult,
  rb: RollbackResult | undefined,
  versions?: { from: string; to: string; requested?: boolean },
  applyFailure?: UpgradeReport['failure'],
): UpgradeOutcome {
  const requested = versions?.requested === true;
  const skipped = ctx.settings.skip;
  const from = versions?.from ?? ctx.resume?.from ?? ctx.step?.from ?? '?';
  const to = versions?.to ?? ctx.step?.to.version ?? ctx.settings.to;
  const gate = ctx.gate;
  const batches = planBatches(ctx.nodes, ctx.settings.maxUnavailable);
  const batchMap = new Map(ctx.nodes.map((n) => [n, batchOf(batches, n) ?? 0]));
  const nodes = gate ? nodeRecords(gate.gates, batchMap) : nodeRecords(rb?.gate?.gates ?? [], batchMap);
  // A resumed run's gate started from a half-upgraded cluster: the version before the upgrade is the snapshot's.
  if (ctx.resume) for (const n of nodes) n.oldVersion = `v${ctx.resume.from.replace(/^v/, '')}`;
  if (rb?.gate && gate) {
    const after = new Map(rb.gate.gates.map((g) => [g.name, g]));
    for (const n of nodes) {
      n.finalVersion = after.get(n.name)?.version ?? n.finalVersion;
      if (rb.gate.outcome !== 'done') continue;
      if (n.status === 'waiting') n.status = 'untouched';
      else if (n.status === 'healthy' || n.status === 'upgrading') n.status = 'rolled-back';
    }
  }
  const inv = ctx.inventory.file;
  const cmd = `picocal upgrade -i ${inv}`;
  const next: string[] = [];
  if (result === 'upgraded' && skipped.length)
    next.push(
      `${skipped.join(', ')} ${skipped.length === 1 ? 'was' : 'were'} skipped: when back, the operator rolls ${skipped.length === 1 ? 'it' : 'them'} to v${to.replace(/^v/, '')} by itself; check with picocal verify -i ${inv}`,
    );
  const bareTo = to.replace(/^v/, '');
  if (result === 'upgraded' && ctx.inventory.cluster.calico_version.replace(/^v/, '') !== bareTo) {
    if (ctx.settings.writeInventory) {
      writeCalicoVersion(inv, bareTo);
      ctx.out.info(`set calico_version: "${bareTo}" in ${inv}`);
    } else next.push(`set calico_version: "${bareTo}" in ${inv}, so that bootstrap and verify expect it`);
  }
  for (const f of ctx.calicoctlFailed ?? [])
    next.push(
      `calicoctl was not updated on ${f.split(':')[0]}: fix it, then picocal reprovision ${f.split(':')[0]} -i ${inv}`,
    );
  if (requested && result === 'rolled-back')
    next.push(`keep calico_version: "${from.replace(/^v/, '')}" in ${inv}`);
  if (result === 'interrupted') {
    next.push(`resume: ${cmd} --resume ${ctx.run.id}`, `or roll back: ${cmd} --rollback ${ctx.run.id}`);
  }
  if (result === 'failed' && applyFailure)
    next.push(
      `roll back: ${cmd} --rollback ${ctx.run.id}`,
      `or fix the cause above and run the upgrade again: ${cmd}${ctx.inventory.cluster.calico_version.replace(/^v/, '') === to.replace(/^v/, '') ? '' : ` --to ${to.replace(/^v/, '')} --write-inventory`}`,
    );
  else if (result === 'failed')
    next.push(
      `roll back: ${cmd} --rollback ${ctx.run.id}`,
      `or fix the node and resume: ${cmd} --resume ${ctx.run.id}`,
    );
  if (result === 'rollback-failed')
    next.push(
      `check the nodes named (picocal verify -i ${inv}), then retry: ${cmd} --rollback ${ctx.run.id}`,
    );
  if (result === 'rolled-back' && (gate?.failure || applyFailure))
    next.push(
      `fix ${(gate?.failure ?? applyFailure)!.node} (see the reason above), then run the upgrade again`,
    );
  const report: UpgradeReport = {
    kind: requested ? 'rollback' : 'upgrade',
    runId: ctx.run.id,
    runDir: ctx.run.dir,
    cluster: ctx.inventory.cluster.cluster_name,
    from: `v${from.replace(/^v/, '')}`,
    to: `v${to.replace(/^v/, '')}`,
    result,
    maxUnavailable: ctx.settings.maxUnavailable,
    maxUnreadySeen: gate?.maxUnready ?? 0,
    maxUnreadyNodes: gate?.maxUnreadyNodes ?? [],
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    upgradeMs: gate ? gate.finishedAt - gate.startedAt : null,
    failure: gate?.failure
      ? {
          node: gate.failure.node,
          reason: gate.failure.reason,
          detectedAfterMs: gate.failure.at - gate.startedAt,
        }
      : applyFailure,
    rollback: rb
      ? {
          durationMs: rb.durationMs,
          healthy: rb.gate?.outcome === 'done',
          version: `v${(ctx.snapshot?.index.version ?? from).replace(/^v/, '')}`,
          detail: rb.gate?.failure ? `[${rb.gate.failure.node}] ${rb.gate.failure.reason}` : undefined,
        }
      : undefined,
    nodes,
    skipped,
    calicoctl:
      ctx.calicoctl && ctx.calicoctlFailed
        ? {
            files: ctx.calicoctl.files.map((f) => ({ arch: f.arch, sha256: f.sha256, source: f.source })),
            missing: ctx.calicoctl.missing.map((m) => `${m.arch}: ${m.reason}`),
            failed: ctx.calicoctlFailed ?? [],
          }
        : undefined,
    next,
  };
  ctx.run.writeJson(requested ? 'rollback-report.json' : 'report.json', report);
  return { report, exitCode: exitCodeFor(result, requested, skipped, ctx.calicoctlFailed ?? []) };
}
