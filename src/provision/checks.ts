// What --dry-run of bootstrap and reprovision evaluates in place of two steps that are not read-only: the
// release files looked up and sha256-checked without downloading, and the Ansible preflight in check mode
// in place of the install. Each says PASS or what the real run would do instead, with the exit code the
// real run would have. (The lock and version checks are src/cluster/lock-phase.ts and phases/version-guard.ts.)
import { join } from 'node:path';
import { ProgressTracker } from '../ansible/node-progress.js';
import { PLAYBOOKS, runPlaybook } from '../ansible/run-playbook.js';
import { calicoctlArches } from '../artifacts/calicoctl.js';
import { requireRelease } from '../catalog/versions.js';
import { EXIT, PicocalError } from '../errors.js';
import { renderInventory } from '../render/render.js';
import { writeTreeAtomically } from '../render/write-tree.js';
import { sshTargetFor } from '../ssh/ssh-target.js';
import { targetHosts, type ProvisionContext } from './context.js';
import type { PlanEntry } from '../core/changes.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const codeOf = (err: unknown) => (err instanceof PicocalError ? err.exitCode : EXIT.failed);

/** The release manifests and calicoctl: where they are, sha256-checked; nothing is downloaded. */
export async function artifactsCheck(ctx: ProvisionContext): Promise<PlanEntry[]> {
  const release = requireRelease(ctx.inventory.cluster.calico_version);
  if (ctx.releaseSource.origin === 'lab')
    return [
      {
        target: 'local',
        action: `manifests: the LAB-ONLY stand-in set for ${release.version}`,
        verdict: 'PASS',
      },
    ];
  // The run's own source, never downloading: what is at hand now, checked as the run checks it.
  const source = ctx.releaseSource.readOnly();
  const fromCache = ctx.releaseSource.origin === 'cache';
  const entries: PlanEntry[] = [];
  try {
    const set = await source.manifests(release);
    entries.push({
      target: 'local',
      action: `manifests: Calico ${release.version}'s ${set.files.length} files in ${set.dir}${set.labOnly ? ' (LAB-ONLY stand-ins: the real ones are not at hand)' : ''}, sha256 match`,
      verdict: 'PASS',
    });
  } catch (err) {
    const missingFromCache = fromCache && /is missing from/.test(message(err));
    entries.push(
      missingFromCache
        ? {
            target: 'local',
            action: `manifests: not in the download cache (${message(err)}): the run downloads them from GitHub, sha256-pinned (needs the network)`,
            verdict: 'WOULD DOWNLOAD',
          }
        : {
            target: 'local',
            action: `manifests: ${message(err)}`,
            verdict: 'WOULD FAIL',
            exitCode: codeOf(err),
          },
    );
  }
  if (ctx.inventory.cluster.lab.enabled) {
    entries.push({
      target: 'local',
      action: `calicoctl ${release.tag}: ${source.planCalicoctl(release, calicoctlArches(targetHosts(ctx))).text}`,
      verdict: 'PASS',
    });
    return entries;
  }
  const ctl = await source.calicoctl(release, calicoctlArches(targetHosts(ctx)));
  for (const f of ctl.files)
    entries.push({
      target: 'local',
      action: `calicoctl-linux-${f.arch}: in ${ctl.dir}, sha256 ${f.source}`,
      verdict: 'PASS',
    });
  for (const m of ctl.missing) {
    const downloads = fromCache && release.calicoctl[m.arch] !== undefined;
    entries.push({
      target: 'local',
      action: downloads
        ? `calicoctl-linux-${m.arch}: not in the download cache: the run downloads it, sha256-pinned (needs the network)`
        : `calicoctl-linux-${m.arch}: ${m.reason}: the run installs no calicoctl on ${m.arch} boards (${m.hint})`,
      verdict: downloads ? 'WOULD DOWNLOAD' : 'PASS',
    });
  }
  return entries;
}

/**
 * The Ansible preflight, run as the install runs it but in check mode and alone (`ansible-playbook --check
 * --tags preflight`): its probes are read-only (check_mode: false on them), so each board's verdict is the
 * real one. The cluster's files are rendered into the dry run's own folder, which is removed afterwards.
 */
export async function preflightCheck(ctx: ProvisionContext): Promise<PlanEntry[]> {
  const hosts = targetHosts(ctx).map((h) => h.name);
  const renderDir = join(ctx.run.dir, 'render');
  const tracker = new ProgressTracker(hosts);
  let exitCode: number;
  try {
    await writeTreeAtomically(await renderInventory(ctx.inventory), renderDir);
    exitCode = (
      await runPlaybook({
        playbook: PLAYBOOKS.install,
        inventory: ctx.inventory.file,
        targets: ctx.inventory.hosts.map((h) => sshTargetFor(ctx.inventory, h)),
        extraVars: { calico_rendered_vars_dir: renderDir },
        tags: ['preflight'],
        check: true,
        ...(ctx.limit ? { limit: ctx.limit } : {}),
        tracker,
        run: ctx.run,
        signal: ctx.signal,
        ...(ctx.env ? { env: ctx.env } : {}),
      })
    ).exitCode;
  } catch (err) {
    return [
      {
        target: 'local',
        action: `preflight (ansible-playbook --check --tags preflight): ${message(err)}`,
        verdict: 'WOULD FAIL',
        exitCode: codeOf(err),
      },
    ];
  }
  return hosts.map((name) => {
    const n = tracker.nodes.get(name);
    if (n?.status === 'ok')
      return {
        target: name,
        action: 'preflight (ansible-playbook --check --tags preflight): passed',
        verdict: 'PASS',
      };
    const why = n?.failure
      ? `${n.status} at '${n.failure.task}': ${n.failure.message}`
      : `ansible-playbook exited ${exitCode}`;
    return {
      target: name,
      action: `preflight (ansible-playbook --check --tags preflight): ${why}`,
      verdict: 'WOULD BE REFUSED',
      exitCode: EXIT.failed,
    };
  });
}
