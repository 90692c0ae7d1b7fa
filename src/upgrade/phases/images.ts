// Before anything changes: the target's images on every gated board (upgrade_calico.ansible, tag images).
// On an SD card a pull takes minutes; pulled under the gate's per-board deadline it would make a slow
// card look like a broken upgrade and roll the cluster back. Pulled first, the gate's clock starts with
// the images in place, and a pull that fails or times out stops the upgrade with nothing changed,
// naming the board and the image.
import { releaseImages } from '../../catalog/images.js';
import type { Phase } from '../../core/phase.js';
import { UpgradeRefusedError } from '../upgrade-errors.js';
import { runUpgradePlaybook } from '../upgrade-playbook.js';
import type { UpgradeContext } from '../upgrade-context.js';

export const upgradeImagesPhase: Phase<UpgradeContext> = {
  title: "Pull the target version's images on every board (before anything changes)",
  shouldRun: (ctx) => ctx.step !== undefined && ctx.step.kind !== 'same',
  run: async (ctx) => {
    const release = ctx.step!.to;
    const images = releaseImages(release);
    const timeout = ctx.inventory.cluster.timeouts.image_pull;
    await ctx.changes.make(
      'local',
      `ansible-playbook upgrade_calico.ansible --tags images: Calico ${release.version}'s images on ${ctx.nodes.join(', ')}`,
      () => pull(ctx),
      {
        quiet: true,
        plan: () =>
          ctx.nodes.map((n) => ({
            target: n,
            action: `pull the ${images.length} Calico ${release.version} images it lacks (${images[0]?.ref}, ...), each within ${timeout} s`,
          })),
      },
    );
  },
};

async function pull(ctx: UpgradeContext): Promise<void> {
  const release = ctx.step!.to;
  const { failures } = await runUpgradePlaybook(
    ctx,
    `Pulling Calico ${release.version}'s images on ${ctx.nodes.length} board(s)`,
    {},
    ['images'],
  );
  if (ctx.signal.aborted || failures.length === 0) return;
  const boards = failures.map((f) => f.split(':')[0] ?? f);
  throw new UpgradeRefusedError(
    `refusing to upgrade: Calico ${release.version}'s images did not pull on ${boards.join(', ')}; nothing was changed\n  ${failures.join('\n  ')}`,
    failures,
    {
      ...(boards.length === 1 ? { node: boards[0] } : {}),
      hint: `a slow SD card or link needs a longer picocal.timeouts.image_pull (now ${ctx.inventory.cluster.timeouts.image_pull} s) in the inventory; otherwise check the board can reach the registry (sudo crictl pull IMAGE on it), then run the upgrade again. Ansible's log is in ${ctx.run.dir}/ansible.log`,
    },
  );
}
