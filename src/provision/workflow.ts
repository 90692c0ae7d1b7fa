// bootstrap: lock → version guard → (--accept-new-host-keys: record every board's host key) → render →
// artifacts → install (preflight, node prep, operator, policies) → verify. reprovision NODE: the same
// phases limited to one board, which must not touch any other board. The cluster lock is the upgrade's,
// held for the whole run and released however it ends.
import { join, resolve } from 'node:path';
import type { Output } from '../cli/output.js';
import type { HealthReport } from '../health/health-types.js';
import type { Inventory } from '../inventory/types.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import { artifactsPhase } from './phases/artifacts.js';
import { artifactsCheck, lockCheck, preflightCheck, versionCheck } from './checks.js';
import { clusterLockPhase } from './phases/lock.js';
import { hostKeysPhase } from './phases/host-keys.js';
import { cniGuardPhase } from './phases/cni-guard.js';
import { installPhase } from './phases/install.js';
import { runPhases, type Phase, type PlanEntry } from '../core/plan-phase.js';
import { renderPhase } from './phases/render.js';
import { assertReplaceable } from '../render/write-tree.js';
import { nodeResetPhase } from './phases/node-reset.js';
import { restartPodPhase } from './phases/restart-pod.js';
import { versionGuardPhase } from './phases/version-guard.js';
import { verifyPhase, type VerifySettings } from './phases/verify.js';
import { rmSync } from 'node:fs';
import { InterruptedError } from '../errors.js';
import { createRunFolder } from '../core/run-folder.js';
import { describeNewHostKey } from '../ssh/host-verifier.js';
import { SshPool, type HostKeyPolicy } from '../ssh/ssh-pool.js';
import { ClusterShell } from '../cluster/cluster-shell.js';
import { ClusterLock, ownerHere } from '../cluster/lock.js';
import type { ProvisionContext } from './context.js';
import { exitCodeFor, nodeReport, type NodeReport, type ProvisionReport } from './report.js';

export interface ProvisionOptions {
  inventory: Inventory;
  out: Output;
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
  env?: Record<string, string>;
}

export type ProvisionOutcome =
  { plan: PlanEntry[] } | { report: ProvisionReport; health: HealthReport | undefined };

export async function provision(opts: ProvisionOptions): Promise<ProvisionOutcome> {
  const renderDir = resolve(opts.cwd, opts.renderDir ?? join('build', opts.inventory.cluster.cluster_name));
  // Before the lock, the run folder or any connection: a --out folder that is not ours stops the run here.
  await assertReplaceable(renderDir, opts.inventory.cluster.cluster_name);
  const run = createRunFolder(opts.cwd, opts.kind);
  const ctx: ProvisionContext = {
    inventory: opts.inventory,
    out: opts.out,
    signal: opts.signal,
    run,
    renderDir,
    releaseSource: opts.releaseSource,
    limit: opts.limit,
    ...(opts.env ? { env: opts.env } : {}),
  };
  const reprovision = opts.kind === 'reprovision';
  // Not tied to opts.signal: after Ctrl-C the lock must still be released over this connection.
  const hostKeys: HostKeyPolicy = {
    acceptNewHostKeys: opts.verify.acceptNewHostKeys,
    onNewHostKey: (k) => opts.out.info(describeNewHostKey(k)),
  };
  const pool = new SshPool({ connectTimeoutMs: 10_000, ...hostKeys });
  const shell = new ClusterShell(pool, opts.inventory);
  const lock = new ClusterLock(
    shell,
    ownerHere(run.id, reprovision ? `reprovision ${(opts.limit ?? []).join(' ')}` : 'bootstrap'),
    (l) => opts.out.warn(l),
  );
  // A dry run whose lock check could not reach the control plane does not wait on Ansible's preflight
  // against the same unreachable boards: its verdict is already the failure.
  let controlPlaneReached = true;
  const phases: Phase<ProvisionContext>[] = [
    {
      ...clusterLockPhase(lock, opts.breakLock === true),
      dryCheck: async () => {
        const entry = await lockCheck(shell, opts.breakLock === true);
        if (entry.verdict === 'WOULD FAIL') controlPlaneReached = false;
        return [entry];
      },
    },
    {
      ...versionGuardPhase(shell, opts.kind),
      dryCheck: async (c) => [await versionCheck(shell, c, opts.kind)],
    },
    ...(hostKeys.acceptNewHostKeys ? [hostKeysPhase(pool)] : []),
    cniGuardPhase(pool, shell),
    renderPhase,
    { ...artifactsPhase, dryCheck: artifactsCheck },
    ...(reprovision && opts.reset ? [nodeResetPhase(hostKeys)] : []),
    {
      ...installPhase,
      dryCheck: async (c) => [
        ...(await installPhase.plan(c)),
        ...(controlPlaneReached
          ? await preflightCheck(c)
          : [
              {
                target: 'local',
                action:
                  'preflight (ansible-playbook --check): not run, the control plane could not be reached',
                verdict: 'WOULD FAIL' as const,
              },
            ]),
      ],
    },
    ...(reprovision ? [restartPodPhase(hostKeys)] : []),
    verifyPhase(opts.verify),
  ];
  let plan: PlanEntry[];
  try {
    plan = await runPhases(phases, ctx, {
      dryRun: opts.dryRun,
      signal: opts.signal,
      log: (l) => opts.out.info(l),
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
    await lock.release().catch((e: Error) => opts.out.warn(`could not release the lock: ${e.message}`));
    pool.close();
  }
  if (opts.dryRun) {
    // A plan leaves nothing behind: not even the run folder its Ansible preflight (check mode) wrote to.
    rmSync(run.dir, { recursive: true, force: true });
    return { plan };
  }

  const nodes = boardReports(opts, ctx);
  const report: ProvisionReport = { runId: run.id, runDir: run.dir, nodes, exitCode: exitCodeFor(nodes) };
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
