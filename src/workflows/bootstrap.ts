// bootstrap: validate → render → artifacts → install (preflight, node prep, operator, policies) → verify.
// reprovision NODE: the same phases limited to one board, which must not touch any other board.
import { join, resolve } from 'node:path';
import type { Output } from '../cli/output.js';
import type { HealthReport } from '../health/health-types.js';
import type { Inventory } from '../inventory/types.js';
import { artifactsPhase } from '../phases/artifacts-phase.js';
import { installPhase } from '../phases/install-phase.js';
import { runPhases, type Phase, type PlanEntry } from '../phases/phase.js';
import { renderPhase } from '../phases/render-phase.js';
import { nodeResetPhase } from '../phases/node-reset-phase.js';
import { restartPodPhase } from '../phases/restart-pod-phase.js';
import { verifyPhase, type VerifySettings } from '../phases/verify-phase.js';
import { createRunFolder } from '../runs/run-folder.js';
import type { ProvisionContext } from './provision-context.js';
import { exitCodeFor, nodeReport, type ProvisionReport } from './provision-report.js';

export interface ProvisionOptions {
  inventory: Inventory;
  out: Output;
  signal: AbortSignal;
  cwd: string;
  dryRun: boolean;
  artifactsDir: string | undefined;
  labManifests?: boolean;
  renderDir: string | undefined;
  limit: string[] | undefined;
  verify: VerifySettings;
  kind: 'bootstrap' | 'reprovision';
  /** reprovision --reset: remove Calico's node files and links first. */
  reset?: boolean;
  env?: Record<string, string>;
}

export type ProvisionOutcome =
  { plan: PlanEntry[] } | { report: ProvisionReport; health: HealthReport | undefined };

export async function provision(opts: ProvisionOptions): Promise<ProvisionOutcome> {
  const run = createRunFolder(opts.cwd, opts.kind);
  const ctx: ProvisionContext = {
    inventory: opts.inventory,
    out: opts.out,
    signal: opts.signal,
    run,
    renderDir: resolve(opts.cwd, opts.renderDir ?? join('build', opts.inventory.cluster.cluster_name)),
    artifactsDir: opts.artifactsDir,
    labManifests: opts.labManifests === true,
    limit: opts.limit,
    ...(opts.env ? { env: opts.env } : {}),
  };
  const reprovision = opts.kind === 'reprovision';
  const phases: Phase<ProvisionContext>[] = [
    renderPhase,
    artifactsPhase,
    ...(reprovision && opts.reset ? [nodeResetPhase] : []),
    installPhase,
    ...(reprovision ? [restartPodPhase] : []),
    verifyPhase(opts.verify),
  ];
  const plan = await runPhases(phases, ctx, {
    dryRun: opts.dryRun,
    signal: opts.signal,
    log: (l) => opts.out.info(l),
  });
  if (opts.dryRun) return { plan };

  const names = opts.inventory.hosts.map((h) => h.name).filter((n) => !opts.limit || opts.limit.includes(n));
  const nodes = names.map((name) => {
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
  const report: ProvisionReport = { runId: run.id, runDir: run.dir, nodes, exitCode: exitCodeFor(nodes) };
  run.writeJson('summary.json', { ...report, health: ctx.health });
  return { report, health: ctx.health };
}
