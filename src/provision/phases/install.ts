// Run install_calico.ansible over the boards this run targets, with live per-board progress: one change
// (ctx.changes). Its plan says what the playbook does on each board, and the dry run runs the playbook's
// preflight in check mode (src/provision/checks.ts) for each board's verdict.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { releaseFileVars } from '../../artifacts/ansible-vars.js';
import { ProgressTracker } from '../../ansible/node-progress.js';
import { startProgressView } from '../../ansible/progress-view.js';
import { PLAYBOOKS, runPlaybook } from '../../ansible/run-playbook.js';
import type { PlanEntry } from '../../core/changes.js';
import { planCalicoctl } from './artifacts.js';
import { preflightCheck } from '../checks.js';
import { sshTargetFor } from '../../ssh/ssh-target.js';
import { targetHosts, type ProvisionContext } from '../context.js';
import type { Phase } from '../../core/phase.js';

/** What the playbook does on each board, as the plan lists it. */
function describe(ctx: ProvisionContext): PlanEntry[] {
  return targetHosts(ctx).flatMap((h) => [
    {
      target: h.name,
      action: 'preflight: architecture, kernel, encapsulation support, cgroups, clock, addresses',
    },
    {
      target: h.name,
      action: `node prep: modules-load.d, sysctl.d, NetworkManager calico.conf, cgroup flags in ${h.cmdlinePath}${planCalicoctl(ctx).installs ? `, calicoctl ${ctx.inventory.cluster.calico_version} in /usr/local/bin` : ''}`,
    },
    ...(h.name === ctx.inventory.controlPlane.name && (!ctx.limit || ctx.limit.includes(h.name))
      ? [
          {
            target: h.name,
            action: `operator: Calico ${ctx.inventory.cluster.calico_version} CRDs + tigera-operator, custom resources, Felix configuration, wait for tigerastatus`,
          },
          {
            target: h.name,
            action: `policies: ${ctx.inventory.cluster.policy.mode} baseline for ${ctx.inventory.cluster.policy.default_deny_namespaces.join(', ')}`,
          },
        ]
      : []),
  ]);
}

async function plan(ctx: ProvisionContext): Promise<PlanEntry[]> {
  // A dry run whose lock check could not reach the control plane does not wait on Ansible's preflight
  // against the same unreachable boards: its verdict is already the failure.
  const preflight = ctx.controlPlaneReached
    ? await preflightCheck(ctx)
    : [
        {
          target: 'local',
          action: 'preflight (ansible-playbook --check): not run, the control plane could not be reached',
          verdict: 'WOULD FAIL' as const,
        },
      ];
  return [...describe(ctx), ...preflight];
}

async function install(ctx: ProvisionContext): Promise<void> {
  const hosts = targetHosts(ctx).map((h) => h.name);
  // This run's own folder: only the calicoctl files checked for it (see stageCalicoctl).
  const stageDir = join(ctx.run.dir, 'calicoctl-stage');
  const tracker = new ProgressTracker(hosts);
  ctx.tracker = tracker;
  const view = startProgressView(
    tracker,
    ctx.out,
    `Installing Calico ${ctx.inventory.cluster.calico_version} on ${hosts.length} board(s)`,
  );
  try {
    const result = await runPlaybook({
      playbook: PLAYBOOKS.install,
      inventory: ctx.inventory.file,
      targets: ctx.inventory.hosts.map((h) => sshTargetFor(ctx.inventory, h)),
      extraVars: {
        calico_rendered_vars_dir: ctx.renderDir,
        ...(await releaseFileVars(ctx.artifacts, ctx.calicoctl, stageDir)),
      },
      ...(ctx.limit ? { limit: ctx.limit } : {}),
      tracker,
      run: ctx.run,
      signal: ctx.signal,
      ...(ctx.env ? { env: ctx.env } : {}),
    });
    ctx.ansibleExitCode = result.exitCode;
  } finally {
    await view.finish();
    await rm(stageDir, { recursive: true, force: true });
  }
}

export const installPhase: Phase<ProvisionContext> = {
  title: 'Install Calico with Ansible (preflight, node prep, operator, policies)',
  run: (ctx) =>
    ctx.changes.make(
      'local',
      `ansible-playbook install_calico.ansible on ${targetHosts(ctx)
        .map((h) => h.name)
        .join(', ')}`,
      () => install(ctx),
      { quiet: true, plan: () => plan(ctx) },
    ),
};
