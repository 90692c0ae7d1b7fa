// Everything an upgrade checks before it changes anything, run for --dry-run too (it only reads): the
// version step, the target tested with the cluster's Kubernetes version, every gated node healthy on the
// running version, TigeraStatus, the target's manifests (sha256), the custom resources re-rendered for the
// target, and the target's preflight on every board.
import { verifyCluster } from '../../health/verify-cluster.js';
import { renderInventory } from '../../render/render.js';
import { writeTreeAtomically } from '../../render/write-tree.js';
import { releaseManifestSet } from '../manifests.js';
import { readRunningVersion } from '../../cluster/running-version.js';
import { UpgradeRefusedError } from '../upgrade-errors.js';
import { renderDir, runUpgradePlaybook } from '../upgrade-playbook.js';
import { resolveUpgradeCalicoctl } from './calicoctl.js';
import { inventoryAt, type UpgradeContext } from '../upgrade-context.js';
import { checkVersionStep } from '../version-step.js';
import { checkKubernetesSupport } from '../../catalog/kubernetes-support.js';
import { compareVersions } from '../../catalog/versions.js';
import { CALICO_VERSION_FIELD, locateCalicoVersion } from '../../provision/version-guard.js';
import { readKubernetesVersion } from '../../cluster/kubernetes-version.js';
import type { CheckResult, PlanEntry } from '../../core/changes.js';
import type { Phase } from '../../core/phase.js';

async function checkVersion(ctx: UpgradeContext): Promise<void> {
  let from = ctx.resume?.from;
  if (!from) {
    const running = await readRunningVersion(ctx.shell);
    if (running.state === 'absent') {
      throw new UpgradeRefusedError(
        'Calico is not installed on this cluster: there is nothing to upgrade',
        [`no Installation default on ${ctx.shell.node}`],
        { hint: `install it first: picocal bootstrap -i ${ctx.inventory.file}` },
      );
    }
    if (running.state === 'rolling') {
      throw new UpgradeRefusedError(
        'the cluster reports no Calico version: a rollout is still under way',
        ['Installation default has no status.calicoVersion'],
        {
          hint: 'wait for `kubectl get tigerastatus` to show calico Available, or continue an interrupted upgrade with --resume RUN',
        },
      );
    }
    from = running.version;
  }
  ctx.step = checkVersionStep({
    current: from,
    target: ctx.settings.to,
    allowDowngrade: ctx.settings.allowDowngrade,
  });
}

async function checkHealth(ctx: UpgradeContext): Promise<void> {
  const from = ctx.step!.from;
  const report = await verifyCluster(inventoryAt(ctx.inventory, from), {
    nodes: ctx.nodes,
    timeoutMs: ctx.settings.sshTimeoutMs,
    acceptNewHostKeys: ctx.settings.acceptNewHostKeys,
    // A stale calicoctl does not make a board unfit to upgrade: the upgrade replaces it.
    calicoctlVersion: null,
    pool: ctx.pool,
  });
  ctx.fromVersions = new Map(report.nodes.map((n) => [n.name, n.version]));
  // A resumed run finds nodes on both versions: they only need to answer.
  const bad = report.nodes.filter((n) => (ctx.resume ? !n.reachable : !n.healthy));
  const problems = bad.map(
    (n) => `${n.name}: ${n.reachable ? 'not healthy' : 'unreachable'}: ${n.problems.join('; ')}`,
  );
  if (!ctx.resume) {
    const skipped = ctx.settings.skip;
    for (const c of report.cluster.checks) {
      if (c.ok || c.name === 'installation-version') continue;
      // A skipped board that is down keeps TigeraStatus from Available: expected, not held against the run.
      if (skipped.length && c.name === 'tigerastatus-calico') {
        ctx.out.warn(`cluster: ${c.name}: ${c.detail} (expected while ${skipped.join(', ')} is skipped)`);
        continue;
      }
      problems.push(`cluster: ${c.name}: ${c.detail}`);
    }
  }
  if (problems.length) {
    const names = bad.map((n) => n.name);
    throw new UpgradeRefusedError(
      `refusing to upgrade: ${bad.length ? `${names.join(', ')} ${bad.length === 1 ? 'is' : 'are'} not healthy on ${from}` : 'the cluster is not healthy'}; nothing was changed\n  ${problems.join('\n  ')}`,
      problems,
      {
        ...(names.length === 1 ? { node: names[0] } : {}),
        hint: names.length
          ? `fix ${names.join(', ')} (picocal verify -i ${ctx.inventory.file}), or leave ${names.length === 1 ? 'it' : 'them'} out with ${names.map((n) => `--skip-node ${n}`).join(' ')}`
          : 'wait for `kubectl get tigerastatus` to show calico Available and not Degraded',
      },
    );
  }
}

interface PodDoc {
  spec?: { nodeName?: string };
  status?: { conditions?: { type?: string; status?: string }[] };
}

/**
 * A skipped board whose calico-node pod is not Ready still counts against maxUnavailable: the DaemonSet
 * controller (and so the operator's rollout) cannot tell it from a board it is upgrading. With as many
 * such boards as maxUnavailable, the rollout could never take another node: refuse now rather than stall.
 */
async function checkSkippedBudget(ctx: UpgradeContext): Promise<void> {
  if (!ctx.settings.skip.length || ctx.resume) return;
  const pods = await ctx.shell.kubectlJson<{ items?: PodDoc[] }>([
    'get', 'pods', '-n', 'calico-system', '-l', 'k8s-app=calico-node',
  ]); // prettier-ignore
  const ready = new Set(
    (pods.items ?? [])
      .filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.spec?.nodeName),
  );
  const down = ctx.settings.skip.filter((n) => !ready.has(n));
  const budget = ctx.settings.maxUnavailable;
  if (down.length < budget) return;
  const need = down.length + 1;
  const names = down.join(', ');
  throw new UpgradeRefusedError(
    `refusing to upgrade: ${names} ${down.length === 1 ? 'has' : 'have'} no Ready calico-node pod and ${down.length === 1 ? 'counts' : 'count'} against maxUnavailable ${budget}, so the operator could upgrade no other node; nothing was changed`,
    [`${names}: calico-node not Ready (skipped with --skip-node)`],
    {
      hint:
        need <= ctx.nodes.length + down.length
          ? `pass --max-unavailable ${need} (the skipped board${down.length === 1 ? '' : 's'} take${down.length === 1 ? 's' : ''} ${down.length} of it), or bring ${names} back first`
          : `bring ${names} back first`,
    },
  );
}

async function prepareTarget(ctx: UpgradeContext): Promise<void> {
  const release = ctx.step!.to;
  const artifacts = await ctx.settings.releaseSource.manifests(release, (l) => ctx.out.info(l));
  const rendered = await renderInventory(
    inventoryAt(ctx.inventory, release.version, ctx.settings.maxUnavailable),
  );
  await writeTreeAtomically(rendered, renderDir(ctx));
  ctx.target = await releaseManifestSet(
    release,
    artifacts,
    rendered.get('manifests/custom-resources.yaml') ?? '',
  );
  ctx.calicoctl = await resolveUpgradeCalicoctl(ctx, release);
}

async function preflight(ctx: UpgradeContext): Promise<void> {
  const { failures } = await runUpgradePlaybook(
    ctx,
    `Preflight for Calico ${ctx.step!.to.version} on ${ctx.nodes.length} board(s)`,
    {},
  );
  if (failures.length) {
    throw new UpgradeRefusedError(
      `refusing to upgrade: the preflight for Calico ${ctx.step!.to.version} failed; nothing was changed\n  ${failures.join('\n  ')}`,
      failures,
      { hint: `fix the boards named, then run again; Ansible's log is in ${ctx.run.dir}/ansible.log` },
    );
  }
}

/**
 * The target release must be tested with the Kubernetes version the cluster runs (or the user overrode it,
 * loudly). A real run stops here; a dry run records WOULD BE REFUSED and goes on with the other checks.
 * A resumed run was checked when it started.
 */
async function checkKubernetes(ctx: UpgradeContext): Promise<{ entry: PlanEntry; error?: unknown }> {
  const step = ctx.step!;
  const inv = ctx.inventory.file;
  // The target comes from the inventory's calico_version, or from --to with --write-inventory.
  const fromFlag = ctx.settings.writeInventory === true;
  const verdict = checkKubernetesSupport({
    kind: step.kind,
    release: step.to,
    server: await readKubernetesVersion(ctx.shell),
    allow: ctx.settings.allowUnsupportedKubernetes === true,
    field: fromFlag ? '--to' : CALICO_VERSION_FIELD,
    location: fromFlag ? undefined : locateCalicoVersion(inv),
    pick: (v) => `picocal upgrade -i ${inv} --to ${v} --write-inventory`,
    // Only a step in the same direction: the running version itself is no upgrade.
    consider: (r) => {
      const order = compareVersions(r.version, step.from);
      return step.kind === 'downgrade' ? order < 0 : order > 0;
    },
  });
  if (verdict.ok) {
    if (!ctx.changes.dryRun) ctx.out.detail(`[${ctx.shell.node}] ${verdict.line}`);
    return { entry: { target: 'cluster', action: `check: ${verdict.line}` } };
  }
  if (verdict.overridden) {
    ctx.out.warn(`[${ctx.shell.node}] ${verdict.warning}`);
    return { entry: { target: 'cluster', action: `check: ${verdict.warning}` } };
  }
  const err = verdict.error;
  if (!ctx.changes.dryRun) throw err;
  return {
    entry: {
      target: 'cluster',
      action: `check: ${err.message} (${err.problems[0]?.hint ?? ''})`,
      verdict: 'WOULD BE REFUSED',
      exitCode: err.exitCode,
    },
    error: err,
  };
}

async function checkAll(ctx: UpgradeContext): Promise<CheckResult> {
  await checkVersion(ctx);
  const step = ctx.step!;
  const checks: PlanEntry[] = [
    {
      target: 'cluster',
      action: `check: Calico ${step.from} → ${step.to.version} is a supported ${step.kind}`,
    },
  ];
  if (step.kind === 'same') return { entries: checks };
  let refused: unknown;
  if (!ctx.resume) {
    const k8s = await checkKubernetes(ctx);
    checks.push(k8s.entry);
    refused = k8s.error;
  }
  await checkHealth(ctx);
  await checkSkippedBudget(ctx);
  checks.push({
    target: 'cluster',
    action: `check: ${ctx.nodes.length} node(s) reachable${ctx.resume ? '' : ` and healthy on ${step.from}`}`,
  });
  await prepareTarget(ctx);
  checks.push({
    target: 'local',
    action: `check: Calico ${step.to.version} manifests present and sha256-verified; custom resources rendered (maxUnavailable ${ctx.settings.maxUnavailable})`,
  });
  if (!ctx.settings.skipPreflight) {
    await preflight(ctx);
    checks.push({
      target: 'cluster',
      action: `check: preflight for ${step.to.version} passed on ${ctx.nodes.join(', ')}`,
    });
  }
  return { entries: checks, ...(refused !== undefined ? { error: refused } : {}) };
}

export const upgradeChecksPhase: Phase<UpgradeContext> = {
  title:
    'Check before changing anything (version step, Kubernetes version, node health, manifests, preflight)',
  // Read-only: a dry run runs every check too and lists them; a refusal stops both.
  run: (ctx) => ctx.changes.check(() => checkAll(ctx)),
};
