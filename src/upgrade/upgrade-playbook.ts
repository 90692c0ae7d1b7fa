// upgrade_calico.ansible on the boards the upgrade gates, with one progress row per board, for the two
// steps that use it (the target's preflight, and calicoctl after the rollout). Returns the boards that did
// not end ok, each as "name: status at 'task': message"; a run that failed without naming a board counts
// against every board.
import { join } from 'node:path';
import { ProgressTracker } from '../ansible/node-progress.js';
import { startProgressView } from '../ansible/progress-view.js';
import { runPlaybook } from '../ansible/run-playbook.js';
import { INFRASTRUCTURE_DIR } from '../paths.js';
import { sshTargetFor } from '../ssh/ssh-target.js';
import type { UpgradeContext } from './upgrade-context.js';

export const UPGRADE_PLAYBOOK = join(INFRASTRUCTURE_DIR, 'security', 'upgrade_calico.ansible');

/** Where the upgrade renders the target's files (Ansible reads its variables there). */
export function renderDir(ctx: UpgradeContext): string {
  return join(ctx.run.dir, 'render');
}

export async function runUpgradePlaybook(
  ctx: UpgradeContext,
  title: string,
  extraVars: Record<string, unknown>,
  tags?: string[],
): Promise<{ exitCode: number; failures: string[] }> {
  const tracker = new ProgressTracker(ctx.nodes);
  const view = startProgressView(tracker, ctx.out, title);
  let exitCode: number;
  try {
    exitCode = (
      await runPlaybook({
        playbook: UPGRADE_PLAYBOOK,
        inventory: ctx.inventory.file,
        targets: ctx.inventory.hosts.map((h) => sshTargetFor(ctx.inventory, h)),
        extraVars: { calico_rendered_vars_dir: renderDir(ctx), ...extraVars },
        ...(tags ? { tags } : {}),
        limit: ctx.nodes,
        tracker,
        run: ctx.run,
        signal: ctx.signal,
        ...(ctx.settings.env ? { env: ctx.settings.env } : {}),
      })
    ).exitCode;
  } finally {
    await view.finish();
  }
  const failed = [...tracker.nodes.values()].filter((n) => n.status !== 'ok');
  const failures = failed.map(
    (n) => `${n.name}: ${n.status}${n.failure ? ` at '${n.failure.task}': ${n.failure.message}` : ''}`,
  );
  if (exitCode !== 0 && failures.length === 0)
    return { exitCode, failures: ctx.nodes.map((n) => `${n}: ansible-playbook exited ${exitCode}`) };
  return { exitCode, failures };
}
