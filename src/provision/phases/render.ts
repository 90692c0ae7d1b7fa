import { renderInventory } from '../../render/render.js';
import { writeTreeAtomically } from '../../render/write-tree.js';
import type { ProvisionContext } from '../context.js';
import type { Phase } from '../../core/plan-phase.js';

export const renderPhase: Phase<ProvisionContext> = {
  title: 'Render Ansible variables, custom resources and policy baseline',
  plan: (ctx) => [{ target: 'local', action: `render the cluster's files into ${ctx.renderDir}` }],
  async run(ctx) {
    const files = await renderInventory(ctx.inventory);
    await writeTreeAtomically(files, ctx.renderDir);
    ctx.out.detail(`rendered ${files.size} files into ${ctx.renderDir}`);
  },
};
