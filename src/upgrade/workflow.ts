// upgrade: [lock, checks, snapshot, apply, gate, calicoctl], one phase list run by the phase manager. The
// apply's cleanUp is the rollback: a failed apply or gate puts the snapshot back and gates every node on
// the previous version. `--rollback RUN`: [lock, load the snapshot, roll back, calicoctl]. Every change
// goes through ctx.changes, so --dry-run runs the same list and prints the plan; the run state is saved
// after each phase (for --resume), the lock released and the report written whatever happens.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { requireRelease } from '../catalog/versions.js';
import { ClusterShell } from '../cluster/cluster-shell.js';
import { ClusterLock, ownerHere } from '../cluster/lock.js';
import { lockPhase, type LockPhase } from '../cluster/lock-phase.js';
import { runChanges, type Change, type PlanEntry } from '../core/changes.js';
import type { Phase } from '../core/phase.js';
import { runPhases } from '../core/phase-manager.js';
import type { Reporter } from '../core/reporter.js';
import { createRunFolder } from '../core/run-folder.js';
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { describeNewHostKey } from '../ssh/host-verifier.js';
import { SshPool } from '../ssh/ssh-pool.js';
import { finish } from './finish.js';
import { upgradeApplyPhase } from './phases/apply.js';
import { installCalicoctl, resolveUpgradeCalicoctl, upgradeCalicoctlPhase } from './phases/calicoctl.js';
import { upgradeChecksPhase } from './phases/checks.js';
import { upgradeGatePhase } from './phases/gate.js';
import { upgradeImagesPhase } from './phases/images.js';
import { upgradeSnapshotPhase } from './phases/snapshot.js';
import type { UpgradeReport } from './report.js';
import { rollBackFrom } from './rollback.js';
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
import { GateFailedError } from './upgrade-errors.js';

export interface UpgradeOptions {
  inventory: Inventory;
  settings: UpgradeSettings;
  out: Reporter;
  signal: AbortSignal;
  cwd: string;
  dryRun: boolean;
  /** Continue this interrupted run (id or folder). */
  resume: string | undefined;
  /** Roll this run back to its snapshot instead of upgrading. */
  rollbackRun: string | undefined;
}

export type UpgradeOutcome = { plan: PlanEntry[]; changes: Change[] } | { report: UpgradeReport };

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
  // The run's one pool: checks, gate and rollback reuse its sessions; not tied to opts.signal, so the lock
  // is still released over it after Ctrl-C.
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
    changes: runChanges(opts.dryRun, run, (l) => opts.out.info(l)),
    pool,
    shell,
    nodes: inv.hosts.map((h) => h.name).filter((n) => !settings.skip.includes(n)),
    resume: resumeOf ? { from: resumeOf.state.from } : undefined,
    started: Date.now(),
  };
  const lock = lockPhase<UpgradeContext>(
    new ClusterLock(shell, ownerHere(run.id, opts.rollbackRun ? 'upgrade --rollback' : 'upgrade'), (l) =>
      opts.out.warn(l),
    ),
    shell,
    {
      breakLock: settings.breakLock,
      // Peeked at, not taken: a lock another run holds makes the real run refuse (shown, with its exit code).
      onCheck: (entry) => {
        if (entry.verdict !== 'PASS') opts.out.warn(`a real run would be refused now: ${entry.action}`);
      },
      taken: () => {
        ctx.started = Date.now();
        if (resumeOf && !opts.resume)
          opts.out.info(
            `continuing the unfinished upgrade run ${resumeOf.id} (${resumeOf.state.from} → ${resumeOf.state.to})`,
          );
      },
    },
  );
  try {
    if (rollbackOf) return await rollbackRun(ctx, lock, rollbackOf.state);
    return await upgradeRun(ctx, lock);
  } finally {
    await lock.release(ctx, (l) => opts.out.warn(l));
    pool.close();
  }
}

/** Saves the stage the run reached (for --resume and --rollback); a dry run saves nothing. */
function saveStage(ctx: UpgradeContext, stage: RunStage): void {
  if (ctx.changes.dryRun || !ctx.step) return;
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
    stage,
  });
}

/** The stage each phase leaves the run at, saved after it (the phase manager's after-phase hook). */
function stageAfter(phase: Phase<UpgradeContext>, ctx: UpgradeContext): RunStage | undefined {
  if (phase === upgradeChecksPhase) return ctx.step?.kind === 'same' ? undefined : 'checked';
  if (ctx.signal.aborted) return undefined;
  if (phase === upgradeSnapshotPhase) return 'snapshotted';
  if (phase === upgradeApplyPhase) return 'applied';
  if (phase === upgradeGatePhase) return ctx.gate?.outcome === 'done' ? 'done' : undefined;
  return undefined;
}

async function upgradeRun(ctx: UpgradeContext, lock: LockPhase<UpgradeContext>): Promise<UpgradeOutcome> {
  const phases = [
    lock,
    upgradeChecksPhase,
    upgradeImagesPhase,
    upgradeSnapshotPhase,
    upgradeApplyPhase,
    upgradeGatePhase,
    upgradeCalicoctlPhase,
  ];
  let reached: RunStage | undefined;
  try {
    await runPhases(phases, ctx, {
      signal: ctx.signal,
      ...(ctx.changes.dryRun ? {} : { say: (l: string) => ctx.out.info(l) }),
      afterPhase: (phase) => {
        const stage = stageAfter(phase, ctx);
        if (!stage) return;
        reached = stage;
        saveStage(ctx, stage);
      },
      onCleanUpError: (_p, e) => ctx.out.error(`the rollback failed: ${(e as Error).message}`),
    });
  } catch (err) {
    if (ctx.changes.dryRun) throw err;
    const applyFailure = ctx.applyFailure;
    if (!applyFailure && !(err instanceof GateFailedError)) throw err;
    // The apply's cleanUp rolled back (unless --no-rollback): the report says how that went.
    if (applyFailure && !ctx.snapshot) throw err;
    const rb = ctx.rollback;
    if (!rb) {
      saveStage(ctx, 'failed');
      return { report: finish(ctx, 'failed', undefined, undefined, applyFailure) };
    }
    const back = rb.gate?.outcome;
    saveStage(
      ctx,
      back === 'done' ? 'rolled-back' : back === 'interrupted' && !applyFailure ? 'interrupted' : 'failed',
    );
    return {
      report: finish(ctx, back === 'done' ? 'rolled-back' : 'rollback-failed', rb, undefined, applyFailure),
    };
  }
  if (ctx.changes.dryRun) return { plan: ctx.changes.planned, changes: ctx.changes.list };
  if (ctx.step?.kind === 'same') return { report: finish(ctx, 'unchanged', undefined) };
  // calico-node ran the target everywhere before any Ctrl-C: the upgrade is done; calicoctl followed
  // (failures are named). Otherwise the run stopped at a safe point, to be resumed or rolled back.
  if (reached === 'done') return { report: finish(ctx, 'upgraded', undefined) };
  saveStage(ctx, 'interrupted');
  return { report: finish(ctx, 'interrupted', undefined) };
}

/** `--rollback RUN`: put the cluster back to what that run's snapshot recorded. */
async function rollbackRun(
  ctx: UpgradeContext,
  lock: LockPhase<UpgradeContext>,
  state: UpgradeRunState,
): Promise<UpgradeOutcome> {
  const previous = () => requireRelease(ctx.snapshot!.index.version);
  const phases: Phase<UpgradeContext>[] = [
    lock,
    {
      title: `Load the snapshot of run ${ctx.run.id}`,
      async run(c) {
        if (!existsSync(join(c.run.dir, SNAPSHOT_DIR, 'snapshot.json'))) {
          throw new UsageError(
            `run ${c.run.id} has no snapshot to roll back to (it stopped at stage '${state.stage}', before it changed the cluster)`,
            'nothing to undo: that run changed nothing',
          );
        }
        c.snapshot = loadSnapshot(c.run.dir);
        // calicoctl of the snapshot's version, resolved before anything changes (a dry run downloads nothing).
        await c.changes.step(
          () => [],
          async () => {
            c.calicoctl = await resolveUpgradeCalicoctl(c, previous());
          },
        );
      },
    },
    {
      title: 'Roll back to the snapshot',
      async run(c) {
        c.rollback = await rollBackFrom(c, c.snapshot!);
      },
    },
    {
      // The upgrade may have got as far as the new calicoctl: put the snapshot version's back (idempotent).
      title: 'Install the calicoctl of the snapshot version',
      shouldRun: (c) => c.rollback?.gate?.outcome === 'done',
      run: (c) => installCalicoctl(c, previous()),
    },
  ];
  await runPhases(phases, ctx, {
    signal: ctx.signal,
    ...(ctx.changes.dryRun ? {} : { say: (l: string) => ctx.out.info(l) }),
  });
  if (ctx.changes.dryRun) return { plan: ctx.changes.planned, changes: ctx.changes.list };
  const rb = ctx.rollback;
  const done = rb?.gate?.outcome === 'done';
  const { updatedAt: _u, ...rest } = state;
  writeRunState(ctx.run.dir, { ...rest, stage: done ? 'rolled-back' : 'failed' });
  return {
    report: finish(ctx, done ? 'rolled-back' : 'rollback-failed', rb, {
      from: state.from,
      to: state.to,
      requested: true,
    }),
  };
}
