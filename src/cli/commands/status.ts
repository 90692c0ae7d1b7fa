// `picocal status`: one scrape of every node's Felix metrics over SSH, shown as one row per node.
import { InputError, InterruptedError, UsageError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import { scrapeNodes } from '../../ops/status/scrape-nodes.js';
import { statusExitCode, statusTable } from '../../ops/status/status-table.js';
import { closest } from '../../schema/did-you-mean.js';
import { flag, listOption, stringOption, type Command, type CommandContext } from '../command.js';
import { requireInventory } from '../inventory-option.js';

const DEFAULT_TIMEOUT_S = 8;

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

export const statusCommand: Command = {
  name: 'status',
  summary: "show every node's Felix metrics (endpoints, policies, sync, dataplane failures) over SSH",
  description:
    "Logs in to each node and reads Felix's Prometheus metrics on 127.0.0.1 (metrics.felix_port, 9091 by\n" +
    'default) with curl, wget or python3, whichever the node has. Needs metrics on in the inventory\n' +
    '(metrics.enabled, applied by picocal bootstrap). Exit 0: every node answers and Felix is in sync;\n' +
    '3: some nodes do not (named); 1: none do; 2: bad input.',
  options: {
    node: { type: 'string', multiple: true, arg: 'NAME', description: 'only this node (repeatable)' },
    timeout: {
      type: 'string',
      arg: 'S',
      description: `seconds per node for login and scrape (default ${DEFAULT_TIMEOUT_S})`,
    },
    'accept-new-host-keys': {
      type: 'boolean',
      description: 'record unknown host keys in known_hosts',
    },
  },
  examples: [
    'picocal status -i inventory/picocluster.yaml',
    'picocal status -i inventory/picocluster.yaml --node pc-node3 --output json',
  ],
  async run(ctx) {
    if (ctx.positionals.length > 0) {
      throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`, 'name nodes with --node NAME');
    }
    const timeoutS = timeoutSeconds(stringOption(ctx, 'timeout'));
    const inv = await requireInventory(ctx);
    const nodes = selectedNodes(ctx, inv);
    const report = await scrapeNodes(inv, {
      ...(nodes ? { nodes } : {}),
      timeoutMs: timeoutS * 1000,
      acceptNewHostKeys: flag(ctx, 'accept-new-host-keys'),
      signal: ctx.signal,
    });
    if (ctx.signal.aborted)
      throw new InterruptedError('status interrupted', { hint: 'rerun picocal status' });
    ctx.out.json(report);
    for (const line of statusTable(report)) ctx.out.print(line);
    const hints = new Set<string>();
    for (const n of report.nodes) if (n.hint) hints.add(`${n.name}: hint: ${n.hint}`);
    for (const h of hints) ctx.out.info(h);
    return statusExitCode(report);
  },
};
