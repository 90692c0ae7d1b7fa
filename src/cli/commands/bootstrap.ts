// `picocal bootstrap` and `picocal reprovision NODE`: the provisioning workflows, their plan (--dry-run),
// the per-board outcome table, and the exit code (0 all healthy, 3 some boards failed, 1 none succeeded).
import { healthLines } from '../../health/health-table.js';
import { closest } from '../../schema/did-you-mean.js';
import { EXIT, UsageError, type ExitCode } from '../../errors.js';
import type { Change, PlanEntry } from '../../core/changes.js';
import type { NodeReport } from '../../provision/report.js';
import { provision, type ProvisionOutcome } from '../../provision/workflow.js';
import { table } from '../../core/table.js';
import { flag, stringOption, type Command, type CommandContext, type OptionSpec } from '../command.js';
import { requireInventory } from '../inventory-option.js';
import { ARTIFACTS_OPTION, releaseSourceFor } from '../release-source-option.js';

const OPTIONS: Record<string, OptionSpec> = {
  'dry-run': { type: 'boolean', description: 'print the per-board plan and change nothing' },
  artifacts: ARTIFACTS_OPTION,
  out: {
    type: 'string',
    arg: 'DIR',
    description: 'build folder for rendered files (default: build/<cluster_name>)',
  },
  'lab-manifests': {
    type: 'boolean',
    description:
      'virtual PicoCluster only: use the lab stand-in manifests (no Calico files or internet needed)',
  },
  'accept-new-host-keys': {
    type: 'boolean',
    description: 'record unknown host keys (prints their fingerprints)',
  },
  'break-lock': {
    type: 'boolean',
    description: "remove another run's lock on the cluster first (it must be gone)",
  },
  'allow-unsupported-kubernetes': {
    type: 'boolean',
    description: "go on when calico_version is not tested with the cluster's Kubernetes version (warns)",
  },
  'verify-timeout': {
    type: 'string',
    arg: 'S',
    description:
      "seconds to wait for every board to be healthy (default: the inventory's timeouts.verify, 180)",
  },
};

async function runProvision(
  ctx: CommandContext,
  kind: 'bootstrap' | 'reprovision',
  limit: string[] | undefined,
): Promise<number> {
  const inventory = await requireInventory(ctx);
  if (limit) {
    for (const n of limit) {
      if (!inventory.hosts.some((h) => h.name === n)) {
        const boards = inventory.hosts.map((h) => h.name);
        const guess = closest(n, boards);
        throw new UsageError(
          `no board named '${n}' in ${inventory.file}`,
          `${guess ? `did you mean '${guess}'? ` : ''}boards: ${boards.join(', ')}`,
        );
      }
    }
  }
  const verifyText = stringOption(ctx, 'verify-timeout');
  const verifySeconds = verifyText === undefined ? inventory.cluster.timeouts.verify : Number(verifyText);
  if (!Number.isFinite(verifySeconds) || verifySeconds <= 0)
    throw new UsageError('--verify-timeout must be a positive number of seconds');
  const outcome: ProvisionOutcome = await provision({
    inventory,
    out: ctx.out,
    signal: ctx.signal,
    cwd: ctx.cwd,
    dryRun: flag(ctx, 'dry-run'),
    releaseSource: releaseSourceFor(ctx, inventory),
    renderDir: stringOption(ctx, 'out'),
    limit,
    kind,
    reset: flag(ctx, 'reset'),
    breakLock: flag(ctx, 'break-lock'),
    allowUnsupportedKubernetes: flag(ctx, 'allow-unsupported-kubernetes'),
    exitCodeFor,
    verify: {
      deadlineMs: verifySeconds * 1000,
      perNodeTimeoutMs: 8000,
      acceptNewHostKeys: flag(ctx, 'accept-new-host-keys'),
    },
  });
  if ('plan' in outcome) return printDryRun(ctx, kind, outcome.plan, outcome.changes);
  const { report, health } = outcome;
  ctx.out.json({ ...report, health });
  ctx.out.print(
    table(
      ['NODE', 'STATUS', 'OK', 'CHANGED', 'FAILED', 'UNREACHABLE', 'DETAIL'],
      report.nodes.map((n) => [
        n.name,
        n.status,
        String(n.stats.ok),
        String(n.stats.changed),
        String(n.stats.failed),
        String(n.stats.unreachable),
        n.failedTask ? `${n.failedTask}: ${n.message ?? ''}` : (n.message ?? ''),
      ]),
    ).join('\n'),
  );
  if (health) {
    ctx.out.print('');
    for (const line of healthLines(health)) ctx.out.printStyled(line);
  }
  ctx.out.print('');
  ctx.out.print(`run folder: ${report.runDir}`);
  const bad = report.nodes.filter((n) => n.status !== 'ok');
  if (bad.length)
    ctx.out.info(
      `failed boards: ${bad.map((n) => `${n.name} (${n.status}${n.failedTask ? ` at '${n.failedTask}'` : ''})`).join(', ')}`,
    );
  return report.exitCode;
}

export const bootstrapCommand: Command = {
  name: 'bootstrap',
  summary: 'install Calico on every board and verify it healthy',
  description:
    'Validate the inventory, render, check the release manifests (sha256), run\n' +
    'infrastructure/security/install_calico.ansible with live per-board progress, then verify every board\n' +
    'over SSH. Exit 0 when every board is healthy, 3 when some failed (named), 1 when none succeeded.',
  options: OPTIONS,
  examples: [
    'picocal bootstrap -i inventory/picocluster.yaml',
    'picocal bootstrap -i inventory/picocluster.yaml --dry-run',
  ],
  run: (ctx) => runProvision(ctx, 'bootstrap', undefined),
};

export const reprovisionCommand: Command = {
  name: 'reprovision',
  args: 'NODE',
  summary: 're-run provisioning on one board only, restart its calico-node pod, verify it',
  options: {
    ...OPTIONS,
    reset: { type: 'boolean', description: "first remove Calico's node files and links from the board" },
  },
  examples: ['picocal reprovision pc-node3 -i inventory/picocluster.yaml'],
  async run(ctx) {
    const [node, ...extra] = ctx.positionals;
    if (!node || extra.length)
      throw new UsageError(
        'reprovision takes exactly one board name',
        'e.g. picocal reprovision pc-node3 -i INVENTORY',
      );
    return runProvision(ctx, 'reprovision', [node]);
  },
};

/** 0 every board done and healthy, 3 some boards failed (named) and the others done, 1 nothing succeeded. */
export function exitCodeFor(nodes: readonly NodeReport[]): ExitCode {
  const good = nodes.filter((n) => n.status === 'ok').length;
  if (good === nodes.length) return EXIT.ok;
  return good === 0 ? EXIT.failed : EXIT.partial;
}

/** The exit code the real run would have: the first refusal's or failure's, else 0. */
export function dryRunExitCode(plan: readonly PlanEntry[]): number {
  return plan.find((p) => p.exitCode !== undefined && p.exitCode !== 0)?.exitCode ?? EXIT.ok;
}

/**
 * The checks (PASS / WOULD BE REFUSED ...) and the plan; the exit code is the one the real run would have.
 * JSON also lists the changes the real run would make, as it records them in its run folder (changes.jsonl).
 */
export function printDryRun(
  ctx: CommandContext,
  what: string,
  plan: readonly PlanEntry[],
  changes: readonly Change[],
): number {
  const exitCode = dryRunExitCode(plan);
  ctx.out.json({ dryRun: true, exitCode, plan, changes });
  ctx.out.print(`Plan (${what}, nothing changed):`);
  ctx.out.print(
    table(
      ['TARGET', 'CHECK', 'ACTION'],
      plan.map((p) => [p.target, p.verdict ?? '-', p.action]),
    ).join('\n'),
  );
  const refused = plan.filter((p) => p.verdict === 'WOULD BE REFUSED' || p.verdict === 'WOULD FAIL');
  if (refused.length)
    ctx.out.error(
      `picocal: a real ${what} would stop here (exit ${exitCode}): ${refused.map((p) => p.action).join('; ')}`,
    );
  return exitCode;
}
