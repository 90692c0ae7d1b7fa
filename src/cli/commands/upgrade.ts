// `picocal upgrade --to VERSION`: plan, snapshot, rolling upgrade gated per node, rollback on failure.
// Parses flags and prints; the work is src/upgrade/workflow.ts.
import { EXIT, InterruptedError, UsageError } from '../../errors.js';
import { printDryRun } from './bootstrap.js';
import { upgradeTarget } from '../../upgrade/inventory-version.js';
import { reportLines, type UpgradeReport, type UpgradeResult } from '../../upgrade/report.js';
import { upgrade } from '../../upgrade/workflow.js';
import { flag, listOption, stringOption, type Command, type CommandContext } from '../command.js';
import { requireInventory } from '../inventory-option.js';
import { ARTIFACTS_OPTION, releaseSourceFor } from '../release-source-option.js';

const EXIT_FOR: Record<UpgradeResult, number> = {
  upgraded: EXIT.ok,
  unchanged: EXIT.ok,
  'rolled-back': EXIT.failed,
  'rollback-failed': EXIT.failed,
  failed: EXIT.failed,
  interrupted: EXIT.interrupted,
};

/** A rollback asked for and done is a success; an upgrade that left boards out is partial (3). */
export function exitCodeFor(report: UpgradeReport): number {
  const { result, skipped } = report;
  const requested = report.kind === 'rollback';
  const calicoctlFailed = report.calicoctl?.failed ?? [];
  if (calicoctlFailed.length && (result === 'upgraded' || (requested && result === 'rolled-back')))
    return EXIT.partial;
  if (requested && result === 'rolled-back') return EXIT.ok;
  if (result === 'upgraded' && skipped.length) return EXIT.partial;
  return EXIT_FOR[result];
}

function positiveInt(ctx: CommandContext, name: string, max: number): number | undefined {
  const text = stringOption(ctx, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not '${text}'`);
  }
  return n;
}

export const upgradeCommand: Command = {
  name: 'upgrade',
  summary: 'upgrade Calico node by node, each gated on health, rolled back on failure',
  description:
    "Upgrades to the inventory's calico_version: the inventory is the desired state (--to must agree\n" +
    'with it, or come with --write-inventory). Checks first and changes nothing until every check passes: the version step (no downgrade without\n' +
    '--allow-downgrade, at most one minor at a time), every node healthy on the running version, the\n' +
    "target's manifests sha256-verified, the target's preflight on every board. Then snapshots the running\n" +
    'version into the run folder, applies the new CRDs, operator and custom resources (server-side), and\n' +
    'gates every node: its calico-node pod runs the new version and is Ready, and Felix /readiness answers.\n' +
    'A node not healthy within --node-timeout (or the operator Degraded) stops the upgrade and rolls the\n' +
    'cluster back to the snapshot.\n' +
    'Exit 0 upgraded (or rolled back on request with --rollback), 3 upgraded except the --skip-node boards\n' +
    '(or calicoctl not updated on some), 1 failed (rolled back or not), 2 bad input, 130 Ctrl-C.',
  options: {
    to: {
      type: 'string',
      arg: 'VERSION',
      description:
        "must equal the inventory's calico_version (the version upgraded to), unless --write-inventory",
    },
    'write-inventory': {
      type: 'boolean',
      description: 'with --to: set calico_version in the inventory file after a successful upgrade',
    },
    'max-unavailable': {
      type: 'string',
      arg: 'N',
      description: 'nodes upgraded at once (default: max_unavailable from the inventory)',
    },
    'node-timeout': {
      type: 'string',
      arg: 'S',
      description:
        "seconds a node may take to become healthy (default: the inventory's timeouts.calico_node, 600)",
    },
    'skip-node': {
      type: 'string',
      multiple: true,
      arg: 'NAME',
      description:
        'leave a (down) node out of the checks and the gate (a down board still counts against --max-unavailable)',
    },
    'allow-downgrade': { type: 'boolean', description: 'allow --to an older version' },
    'allow-unsupported-kubernetes': {
      type: 'boolean',
      description: "go on when --to is not tested with the cluster's Kubernetes version (warns)",
    },
    'no-rollback': { type: 'boolean', description: 'on failure, stop and leave the cluster as it is' },
    'dry-run': { type: 'boolean', description: 'run the checks, print the per-node plan, change nothing' },
    artifacts: ARTIFACTS_OPTION,
    resume: { type: 'string', arg: 'RUN', description: 'continue an interrupted upgrade run' },
    rollback: { type: 'string', arg: 'RUN', description: "roll the cluster back to that run's snapshot" },
    'break-lock': {
      type: 'boolean',
      description: "remove another run's lock on the cluster first (it must be gone)",
    },
    'accept-new-host-keys': {
      type: 'boolean',
      description: 'record unknown host keys (prints their fingerprints)',
    },
  },
  examples: [
    'picocal upgrade -i inventory/picocluster.yaml --dry-run',
    'picocal upgrade -i inventory/picocluster.yaml',
    'picocal upgrade -i inventory/picocluster.yaml --to 3.32.1 --write-inventory',
    'picocal upgrade -i inventory/picocluster.yaml --max-unavailable 2 --skip-node pc-node5',
    'picocal upgrade -i inventory/picocluster.yaml --resume 20260101-120000-ab12-upgrade',
  ],
  async run(ctx) {
    if (ctx.positionals.length)
      throw new UsageError(
        `unexpected argument '${ctx.positionals[0]}'`,
        'give the version with --to VERSION',
      );
    const resume = stringOption(ctx, 'resume');
    const rollbackRun = stringOption(ctx, 'rollback');
    const to = stringOption(ctx, 'to');
    if (resume && rollbackRun) throw new UsageError('--resume and --rollback exclude each other');
    const writeInventory = flag(ctx, 'write-inventory');
    if (writeInventory && !to) throw new UsageError('--write-inventory needs --to VERSION');
    const inventory = await requireInventory(ctx);
    // The inventory is the desired state: without --resume/--rollback, upgrade to its calico_version.
    const target = resume || rollbackRun ? (to ?? '') : upgradeTarget(inventory, to, writeInventory);
    const names = inventory.hosts.map((h) => h.name);
    const skip = listOption(ctx, 'skip-node');
    for (const n of skip) {
      if (!names.includes(n))
        throw new UsageError(`no node named '${n}' in ${inventory.file}`, `nodes: ${names.join(', ')}`);
      if (n === inventory.controlPlane.name) {
        throw new UsageError(
          `cannot skip ${n}: it is the control plane, where kubectl runs`,
          'bring it back first',
        );
      }
    }
    const maxUnavailable =
      positiveInt(ctx, 'max-unavailable', names.length) ?? inventory.cluster.max_unavailable;
    const nodeTimeoutS = positiveInt(ctx, 'node-timeout', 86_400) ?? inventory.cluster.timeouts.calico_node;
    const dryRun = flag(ctx, 'dry-run');

    const outcome = await upgrade({
      inventory,
      out: ctx.out,
      signal: ctx.signal,
      cwd: ctx.cwd,
      dryRun,
      resume,
      rollbackRun,
      settings: {
        to: target,
        writeInventory: writeInventory && !resume && !rollbackRun,
        maxUnavailable,
        nodeTimeoutMs: nodeTimeoutS * 1000,
        skip,
        allowDowngrade: flag(ctx, 'allow-downgrade'),
        allowUnsupportedKubernetes: flag(ctx, 'allow-unsupported-kubernetes'),
        rollback: !flag(ctx, 'no-rollback'),
        releaseSource: releaseSourceFor(ctx, inventory),
        acceptNewHostKeys: flag(ctx, 'accept-new-host-keys'),
        breakLock: flag(ctx, 'break-lock'),
        pollMs: 1000,
        sshTimeoutMs: 10_000,
        skipPreflight: false,
      },
    });
    if ('plan' in outcome) return printDryRun(ctx, 'upgrade', outcome.plan, outcome.changes);
    const { report } = outcome;
    const exitCode = exitCodeFor(report);
    ctx.out.json(report);
    for (const line of reportLines(report)) ctx.out.print(line);
    if (report.result === 'interrupted') {
      throw new InterruptedError(
        'upgrade interrupted at a safe point (picocal stopped watching; the operator may still be rolling)',
        {
          hint: report.next.join('; '),
        },
      );
    }
    return exitCode;
  },
};
