// Commands that work on a cluster need its inventory: from -i, or the PICOCAL_INVENTORY environment
// variable. No silent default: the wrong cluster is worse than an error.
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import type { CommandContext } from './command.js';

export async function requireInventory(ctx: CommandContext): Promise<Inventory> {
  const file = ctx.global.inventory ?? process.env['PICOCAL_INVENTORY'];
  if (!file) {
    throw new UsageError(
      'no inventory given',
      'pass -i FILE, e.g. -i inventory/picocluster.yaml (or set PICOCAL_INVENTORY)',
    );
  }
  return loadInventory(file, ctx.cwd);
}
