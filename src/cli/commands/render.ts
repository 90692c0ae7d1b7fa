// `picocal render` and `picocal plan`: render the inventory into the build folder (render) or show what
// a render would change without writing anything (plan).
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { EXIT } from '../../errors.js';
import { diffTrees } from '../../render/diff.js';
import { poolChangeNotesForTrees } from '../../render/pool-change.js';
import { INDEX_FILE, renderInventory } from '../../render/render.js';
import { swapInto, writeTreeToTemp } from '../../render/write-tree.js';
import { flag, stringOption, type Command, type CommandContext } from '../command.js';
import { requireInventory } from '../inventory-option.js';

const outOption = {
  out: { type: 'string', arg: 'DIR', description: 'build folder (default: build/<cluster_name>)' },
} as const;

async function renderToTemp(ctx: CommandContext) {
  const inv = await requireInventory(ctx);
  const files = await renderInventory(inv);
  const target = resolve(ctx.cwd, stringOption(ctx, 'out') ?? `build/${inv.cluster.cluster_name}`);
  const staged = await writeTreeToTemp(files, target);
  return { inv, files, target, staged };
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'render Ansible variables, Calico custom resources and policy baselines per node',
  description:
    'Validate the inventory and render, per cluster, per node and per protected namespace, the Ansible\n' +
    'group_vars/host_vars, the Calico operator custom resources, the FelixConfiguration and the policy\n' +
    'baseline into the build folder. The folder is replaced atomically: a failed render changes nothing.',
  options: {
    ...outOption,
    diff: { type: 'boolean', description: 'also show a unified diff against the previous render' },
  },
  examples: [
    'picocal render -i inventory/picocluster.yaml',
    'picocal render -i inventory/picocluster.yaml --diff',
  ],
  async run(ctx) {
    const { files, target, staged } = await renderToTemp(ctx);
    const diff = flag(ctx, 'diff') ? await diffTrees(target, staged, [INDEX_FILE]) : undefined;
    const notes = diff ? await poolChangeNotesForTrees(target, staged) : [];
    await swapInto(staged, target, files);
    const list = [...files.keys()].sort();
    ctx.out.json({
      dir: target,
      files: list,
      ...(diff ? { changed: diff.changed, diff: diff.text, notes } : {}),
    });
    if (diff) ctx.out.print(diff.changed ? diff.text : '# no changes since the previous render');
    for (const n of notes) ctx.out.warn(n);
    ctx.out.print(`rendered ${list.length} files into ${target}`);
    for (const f of list) ctx.out.print(`  ${f}`);
    return EXIT.ok;
  },
};

export const planCommand: Command = {
  name: 'plan',
  summary: 'show what `render` would change (unified diff), writing nothing',
  options: outOption,
  examples: ['picocal plan -i inventory/picocluster.yaml'],
  async run(ctx) {
    const { target, staged } = await renderToTemp(ctx);
    try {
      const diff = await diffTrees(target, staged, [INDEX_FILE]);
      const notes = await poolChangeNotesForTrees(target, staged);
      ctx.out.json({ dir: target, changed: diff.changed, diff: diff.text, notes });
      ctx.out.print(diff.changed ? diff.text : `# no changes: ${target} is up to date`);
      for (const n of notes) ctx.out.warn(n);
      return EXIT.ok;
    } finally {
      await rm(staged, { recursive: true, force: true });
    }
  },
};
