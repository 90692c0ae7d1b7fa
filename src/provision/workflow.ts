// bootstrap: [lock, version guard, (--accept-new-host-keys: record every board's host key), CNI guard,
// render, artifacts, install (preflight, node prep, operator, policies), verify]. reprovision NODE: the same
// list limited to one board (+ reset with --reset, + restart its calico-node pod), which must not touch any
// other board. One phase list, run by the phase manager; every change goes through ctx.changes, so --dry-run
// runs the same list and prints the plan. The cluster lock is held for the whole run and released however
// it ends; the run's one SSH pool is closed at the end.
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HealthReport } from '../health/health-types.js';
import type { Inventory } from '../inventory/types.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import { runChanges, type Change, type PlanEntry } from '../core/changes.js';
import type { Phase } from '../core/phase.js';
import { runPhases } from '../core/phase-manager.js';
import type { Reporter } from '../core/reporter.js';
import { createRunFolder } from '../core/run-folder.js';
import { ClusterShell } from '../cluster/cluster-shell.js';
import { ClusterLock, LOCK_FILE, ownerHere } from '../cluster/lock.js';
import { lockPhase } from '../cluster/lock-phase.js';
import { InterruptedError } from '../errors.js';
import { assertReplaceable } from '../render/write-tree.js';
import { describeNewHostKey } from '../ssh/host-verifier.js';
import { SshPool } from '../ssh/ssh-pool.js';
import type { ProvisionContext } from './context.js';
import { artifactsPhase } from './phases/artifacts.js';
import { cniGuardPhase } from './phases/cni-guard.js';
import { hostKeysPhase } from './phases/host-keys.js';
import { installPhase } from './phases/install.js';
import { nodeResetPhase } from './phases/node-reset.js';
import { renderPhase } from './phases/render.js';
import { restartPodPhase } from './phases/restart-pod.js';
import { verifyPhase, type VerifySettings } from './phases/verify.js';
import { versionGuardPhase } from './phases/version-guard.js';
import { kubernetesGuardPhase } from './phases/kubernetes-guard.js';
import { nodeReport, type NodeReport, type ProvisionReport } from './report.js';

export interface ProvisionOptions {
  inventory: Inventory;
  out: Reporter;
  signal: AbortSignal;
  cwd: string;
  dryRun: boolean;
  releaseSource: ReleaseSource;
  renderDir: string | undefined;
  limit: string[] | undefined;
  verify: VerifySettings;
  kind: 'bootstrap' | 'reprovision';
  /** reprovision --reset: remove Calico's node files and links first. */
  reset?: boolean;
  /** Remove another run's lock on the cluster first (it must be gone). */
  breakLock?: boolean;
  /** Go on (loudly) when Calico is not tested with the cluster's Kubernetes version. */
  allowUnsupportedKubernetes?: boolean;
  /** The exit code the run's record names for these board outcomes (the CLI's mapping). */
  exitCodeFor: (nodes: readonly NodeReport[]) => number;
  env?: Record<string, string>;
}

export type ProvisionOutcome =
  { plan: PlanEntry[]; changes: Change[] } | { report: ProvisionReport; health: HealthReport | undefined };

/** The ordered phase list of bootstrap (kind 'bootstrap') or reprovision. */
export function provisionPhases(opts: {
  kind: 'bootstrap' | 'reprovision';
  reset: boolean;
  acceptNewHostKeys: boolean;
  verify: VerifySettings;
}): Phase<ProvisionContext>[] {
  const reprovision = opts.kind === 'reprovision';
  return [
    versionGuardPhase(opts.kind),
    kubernetesGuardPhase(opts.kind),
    ...(opts.acceptNewHostKeys ? [hostKeysPhase] : []),
    cniGuardPhase,
    renderPhase,
    artifactsPhase,
    ...(reprovision && opts.reset ? [nodeResetPhase] : []),
    installPhase,
    ...(reprovision ? [restartPodPhase] : []),
    verifyPhase(opts.verify),
  ];
}

export async function provision(opts: ProvisionOptions): Promise<ProvisionOutcome> {
  const renderDir = resolve(opts.cwd, opts.renderDir ?? join('build', opts.inventory.cluster.cluster_name));
  // Before the lock, the run folder or any connection: a --out folder that is not ours stops the run here.
  await assertReplaceable(renderDir, opts.inventory.cluster.cluster_name);
  const run = createRunFolder(opts.cwd, opts.kind);
  const reprovision = opts.kind === 'reprovision';
  // Not tied to opts.signal: after Ctrl-C the lock must still be released over this connection.
  const pool = new SshPool({
    connectTimeoutMs: 10_000,
    acceptNewHostKeys: opts.verify.acceptNewHostKeys,
    onNewHostKey: (k) => opts.out.info(describeNewHostKey(k)),
  });
  const shell = new ClusterShell(pool, opts.inventory);
  const ctx: ProvisionContext = {
    inventory: opts.inventory,
    out: opts.out,
    signal: opts.signal,
    run,
    renderDir,
    releaseSource: opts.releaseSource,
    limit: opts.limit,
    changes: runChanges(opts.dryRun, run, (l) => opts.out.info(l)),
    pool,
    shell,
    controlPlaneReached: true,
    allowUnsupportedKubernetes: opts.allowUnsupportedKubernetes === true,
    ...(opts.env ? { env: opts.env } : {}),
  };
  const lock = lockPhase<ProvisionContext>(
    new ClusterLock(
      shell,
      ownerHere(run.id, reprovision ? `reprovision ${(opts.limit ?? []).join(' ')}` : 'bootstrap'),
      (l) => opts.out.warn(l),
    ),
    shell,
    {
      breakLock: opts.breakLock === true,
      // A dry run whose lock check could not reach the control plane does not wait on checks against the
      // same unreachable boards: its verdict is already the failure.
      onCheck: (entry) => {
        if (entry.verdict === 'WOULD FAIL') ctx.controlPlaneReached = false;
      },
      taken: () => opts.out.detail(`[${shell.node}] ${LOCK_FILE} taken by run ${run.id}`),
    },
  );
  const phases = [
    lock,
    ...provisionPhases({
      kind: opts.kind,
      reset: opts.reset === true,
      acceptNewHostKeys: opts.verify.acceptNewHostKeys,
      verify: opts.verify,
    }),
  ];
  try {
    await runPhases(phases, ctx, {
      signal: opts.signal,
      ...(opts.dryRun ? {} : { say: (l: string) => opts.out.info(l) }),
    });
    // Ctrl-C between two phases, or in one that finished its step: stop here, as an interruption.
    if (opts.signal.aborted) throw new InterruptedError();
  } catch (err) {
    if (opts.dryRun) {
      rmSync(run.dir, { recursive: true, force: true });
      throw err;
    }
    const interrupted = opts.signal.aborted;
    // However the run ends, its summary says how far each board got.
    run.writeJson('summary.json', {
      runId: run.id,
      runDir: run.dir,
      outcome: interrupted ? 'interrupted' : 'failed',
      error: err instanceof Error ? err.message : String(err),
      nodes: boardReports(opts, ctx),
    });
    if (!interrupted) throw err;
    throw new InterruptedError(`${opts.kind} interrupted`, {
      hint: `nothing more will change; the partial run is recorded in ${run.dir}. Re-run the same command to converge.`,
    });
  } finally {
    await lock.release(ctx, (l) => opts.out.warn(l));
    pool.close();
  }
  if (opts.dryRun) {
    // A plan leaves nothing behind: not even the run folder its Ansible preflight (check mode) wrote to.
    rmSync(run.dir, { recursive: true, force: true });
    return { plan: ctx.changes.planned, changes: ctx.changes.list };
  }

  const nodes = boardReports(opts, ctx);
  const report: ProvisionReport = {
    runId: run.id,
    runDir: run.dir,
    nodes,
    exitCode: opts.exitCodeFor(nodes),
  };
  run.writeJson('summary.json', { ...report, outcome: 'done', health: ctx.health });
  return { report, health: ctx.health };
}

function boardReports(opts: ProvisionOptions, ctx: ProvisionContext): NodeReport[] {
  const names = opts.inventory.hosts.map((h) => h.name).filter((n) => !opts.limit || opts.limit.includes(n));
  return names.map((name) => {
    const h = ctx.health?.nodes.find((x) => x.name === name);
    return nodeReport(
      ctx.tracker?.nodes.get(name),
      name,
      h
        ? {
            healthy: h.healthy,
            reachable: h.reachable,
            version: h.version ?? undefined,
            problems: h.problems,
          }
        : undefined,
    );
  });
}
