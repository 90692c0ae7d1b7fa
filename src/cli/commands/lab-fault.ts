// `picocal lab fault NODE KIND [ARG]`: inject a fault into one lab node (LAB ONLY).
import { UsageError } from '../../errors.js';
import { FAULT_KINDS, labFault } from '../../lab/lab-fault.js';
import type { Command } from '../command.js';
import { LAB_NAME_OPTION, whichLab } from './lab-which.js';

export const labFaultCommand: Command = {
  name: 'lab fault',
  summary: 'inject a fault into a lab node: power, sshd, network or calico-node',
  args: 'NODE KIND [ARG]',
  description: `Kinds:\n${Object.entries(FAULT_KINDS)
    .map(([k, d]) => `  ${k.padEnd(15)} ${d}`)
    .join('\n')}`,
  options: {
    name: LAB_NAME_OPTION,
  },
  examples: [
    'picocal lab fault pc-node3 power-off',
    'picocal lab fault 3 fail-version v3.32.1',
    'picocal lab fault pc-node2 slow-start 20',
    'picocal lab fault pc-node4 slow-pull 30',
  ],
  async run(ctx) {
    const [node, kind, arg, ...extra] = ctx.positionals;
    if (!node || !kind || extra.length > 0) {
      throw new UsageError(
        'usage: picocal lab fault NODE KIND [ARG]',
        `KIND is one of: ${Object.keys(FAULT_KINDS).join(', ')}`,
      );
    }
    const result = await labFault(whichLab(ctx).name, node, kind, arg);
    ctx.out.json(result);
    ctx.out.print(
      `${result.node}: ${result.kind}${arg ? ` ${arg}` : ''} ${result.changed ? 'done' : '(already so)'}; node ${result.state}`,
    );
    return 0;
  },
};
