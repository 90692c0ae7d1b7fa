// After the rollout is healthy everywhere: calicoctl of the version the boards now run, a batch of
// maxUnavailable boards at a time (upgrade_calico.ansible --tags calicoctl). calicoctl refuses a cluster of
// another version, so a board left with the old one is named. The data path is not touched here: a failure
// does not roll Calico back; the run exits 3 naming the boards and how to mend them.
import { rm } from 'node:fs/promises';
import { releaseFileVars } from '../../artifacts/ansible-vars.js';
import { calicoctlArches, type CalicoctlSet } from '../../artifacts/calicoctl.js';
import type { CalicoRelease } from '../../catalog/versions.js';
import type { UpgradeContext } from '../upgrade-context.js';
import { join } from 'node:path';
import { reportCalicoctl } from '../../artifacts/calicoctl-report.js';
import type { PlanEntry } from '../../core/changes.js';
import { runUpgradePlaybook } from '../upgrade-playbook.js';
import type { Phase } from '../../core/phase.js';

/** calicoctl for `release`, resolved before anything changes (the lab gets its LAB-ONLY stand-in). */
export async function resolveUpgradeCalicoctl(
  ctx: UpgradeContext,
  release: CalicoRelease,
): Promise<CalicoctlSet> {
  const set = await ctx.settings.releaseSource.calicoctl(
    release,
    calicoctlArches(ctx.inventory.hosts.filter((h) => ctx.nodes.includes(h.name))),
    (l) => ctx.out.info(l),
  );
  reportCalicoctl(set, release, ctx.out);
  return set;
}

/**
 * Installs `release`'s calicoctl on the gated boards (one ansible-playbook run: a change); failures are
 * recorded in ctx.calicoctlFailed. `plan` is what a dry run lists for it.
 */
export async function installCalicoctl(
  ctx: UpgradeContext,
  release: CalicoRelease,
  plan?: () => PlanEntry[],
): Promise<void> {
  const set = ctx.calicoctl;
  if (!set) return;
  if (set.files.length === 0) {
    await ctx.changes.step(plan ?? (() => []), async () => {
      ctx.calicoctlFailed = [];
    });
    return;
  }
  await ctx.changes.make(
    'local',
    `ansible-playbook upgrade_calico.ansible --tags calicoctl: calicoctl ${release.tag} on ${ctx.nodes.join(', ')}`,
    () => install(ctx, set, release),
    { quiet: true, ...(plan ? { plan } : {}) },
  );
}

async function install(ctx: UpgradeContext, set: CalicoctlSet, release: CalicoRelease): Promise<void> {
  ctx.calicoctlFailed = [];
  const stageDir = join(ctx.run.dir, 'calicoctl-stage');
  let failures: string[];
  try {
    ({ failures } = await runUpgradePlaybook(
      ctx,
      `calicoctl ${release.tag} on ${ctx.nodes.length} board(s)`,
      {
        // Extra vars win over the rendered ones: after --rollback RUN the release is the snapshot's. Only
        // the files resolved for this run, with their pins, reach the role (see stageCalicoctl).
        calico_version: release.version,
        calico_release_tag: release.tag,
        ...(await releaseFileVars(undefined, set, stageDir)),
        calico_calicoctl_batch: ctx.settings.maxUnavailable,
      },
      ['calicoctl'],
    ));
  } finally {
    await rm(stageDir, { recursive: true, force: true });
  }
  ctx.calicoctlFailed = failures;
  for (const f of ctx.calicoctlFailed) ctx.out.error(`calicoctl not updated: ${f}`);
}

function plan(ctx: UpgradeContext): PlanEntry[] {
  return ctx.nodes.map((n) => ({
    target: n,
    action: !ctx.calicoctl?.files.length
      ? `calicoctl not updated: ${ctx.calicoctl?.missing.map((m) => m.reason).join('; ') ?? 'none available'}`
      : `calicoctl ${ctx.step?.to.tag ?? ''} into /usr/local/bin once calico-node is healthy everywhere (batches of ${ctx.settings.maxUnavailable})`,
  }));
}

export const upgradeCalicoctlPhase: Phase<UpgradeContext> = {
  title: 'Install the new calicoctl on every board, batch by batch',
  shouldRun: (ctx) => ctx.step?.kind !== 'same' && ctx.calicoctl !== undefined,
  run: (ctx) => installCalicoctl(ctx, ctx.step!.to, () => plan(ctx)),
};
