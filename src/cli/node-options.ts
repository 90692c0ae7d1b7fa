// Options shared by the commands that work node by node over SSH (verify, status, policy denied):
// no positional arguments, --timeout per node, --node names checked against the inventory, and the host-key flag.
import { InputError, UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { closest } from '../schema/did-you-mean.js';
import { describeNewHostKey, type NewHostKey } from '../ssh/host-verifier.js';
import { flag, listOption, stringOption, type CommandContext } from './command.js';
import { requireInventory } from './inventory-option.js';

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

/** These commands take no positional arguments: nodes are named with --node. */
export function refuseArguments(ctx: CommandContext): void {
  if (ctx.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`, 'name nodes with --node NAME');
  }
}

/** How a command reads the boards: which, how long per board, and what to do with a new host key. */
export interface BoardRead {
  nodes?: string[];
  timeoutMs: number;
  acceptNewHostKeys: boolean;
  onNewHostKey: (key: NewHostKey) => void;
  signal: AbortSignal;
}

/** --timeout, the inventory, --node and --accept-new-host-keys, read in that order (the first problem wins). */
export async function boardRead(ctx: CommandContext): Promise<{ inv: Inventory; read: BoardRead }> {
  const timeoutS = timeoutSeconds(stringOption(ctx, 'timeout'));
  const inv = await requireInventory(ctx);
  const nodes = selectedNodes(ctx, inv);
  return {
    inv,
    read: {
      ...(nodes ? { nodes } : {}),
      timeoutMs: timeoutS * 1000,
      acceptNewHostKeys: flag(ctx, 'accept-new-host-keys'),
      onNewHostKey: (k) => ctx.out.info(describeNewHostKey(k)),
      signal: ctx.signal,
    },
  };
}
