// Options shared by the commands that work node by node over SSH (verify, status, policy denied):
// --timeout per node and --node names checked against the inventory.
import { InputError, UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { closest } from '../schema/did-you-mean.js';
import { listOption, type CommandContext } from './command.js';

export const DEFAULT_TIMEOUT_S = 8;

export function timeoutSeconds(text: string | undefined, fallback = DEFAULT_TIMEOUT_S): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(n >= 1 && n <= 600)) {
    throw new UsageError(
      `--timeout must be a number of seconds from 1 to 600, not '${text}'`,
      `e.g. --timeout ${fallback}`,
    );
  }
  return n;
}

/** The --node names, each checked against the inventory (all problems at once, with a guess). */
export function selectedNodes(ctx: CommandContext, inv: Inventory): string[] | undefined {
  const wanted = listOption(ctx, 'node');
  const names = inv.hosts.map((h) => h.name);
  const unknown = wanted.filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new InputError(
      `unknown node${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
      unknown.map((n) => {
        const guess = closest(n, names);
        return {
          field: '--node',
          message: `'${n}' is not a host in ${inv.file}`,
          hint: guess ? `did you mean '${guess}'?` : `hosts: ${names.join(', ')}`,
        };
      }),
    );
  }
  return wanted.length > 0 ? wanted : undefined;
}
