// `picocal lab down`: remove a lab and everything it made; safe to repeat (LAB ONLY).
import { labDown } from '../../lab/lab-down.js';
import { stringOption, type Command } from '../command.js';
import { LAB_NAME_OPTION, whichLab } from './lab-which.js';

export const labDownCommand: Command = {
  name: 'lab down',
  summary: 'remove a lab: nodes, processes, namespaces, links, routes, iptables rules, mounts and files',
  description: 'Also cleans up after a lab whose `lab up` crashed or whose lab.json is gone. Idempotent.',
  options: {
    name: LAB_NAME_OPTION,
  },
  async run(ctx) {
    // A named lab is cleaned up even without its lab.json (a crashed `lab up`); else find the lab.
    const result = await labDown({
      name: stringOption(ctx, 'name') ?? whichLab(ctx).name,
      log: (l) => ctx.out.warn(l),
    });
    ctx.out.json(result);
    ctx.out.print(
      result.found
        ? `lab '${result.name}' removed in ${(result.elapsedMs / 1000).toFixed(1)} s`
        : `no lab '${result.name}': nothing to remove`,
    );
    return 0;
  },
};
