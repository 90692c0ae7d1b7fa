// Which lab a `picocal lab ...` command means (LAB ONLY): see src/lab/lab-find.ts.
import { findLab } from '../../lab/lab-find.js';
import type { LabState } from '../../lab/lab-state.js';
import { stringOption, type CommandContext, type OptionSpec } from '../command.js';

export const LAB_NAME_OPTION: OptionSpec = {
  type: 'string',
  arg: 'NAME',
  description: 'lab name (default: the lab whose inventory -i/PICOCAL_INVENTORY names, else the only lab)',
};

/** The lab a command means: --name, else the inventory's lab, else the only one (exit 2 otherwise). */
export function whichLab(ctx: CommandContext): LabState {
  return findLab({
    name: stringOption(ctx, 'name'),
    inventory: ctx.global.inventory ?? process.env['PICOCAL_INVENTORY'],
    cwd: ctx.cwd,
  });
}
