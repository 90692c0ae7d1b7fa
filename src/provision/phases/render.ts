// Render the cluster's files (Ansible variables, custom resources, policy baseline) into the build folder.
import { renderInventory } from '../../render/render.js';
import { writeTreeAtomically } from '../../render/write-tree.js';
import type { Phase } from '../../core/phase.js';
import type { ProvisionContext } from '../context.js';

export const renderPhase: Phase<ProvisionContext> = {
  title: 'Render Ansible variables, custom resources and policy baseline',
  run: (ctx) =>
    ctx.changes.make(
      'local',
      `render the cluster's files into ${ctx.renderDir}`,
      async () => {
        const files = await renderInventory(ctx.inventory);
        await writeTreeAtomically(files, ctx.renderDir);
        ctx.out.detail(`rendered ${files.size} files into ${ctx.renderDir}`);
      },
      { quiet: true },
    ),
};
