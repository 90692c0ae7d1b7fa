// `picocal status`: one scrape of every node's Felix metrics over SSH, shown as one row per node.
import { InterruptedError } from '../../errors.js';
import { scrapeNodes } from '../../observe/status/scrape-nodes.js';
import { statusLines } from '../../observe/status/status-table.js';
import { statusExitCode } from '../exit-codes.js';
import type { Command } from '../command.js';
import { boardRead, DEFAULT_TIMEOUT_S, refuseArguments } from '../node-options.js';

export const statusCommand: Command = {
  name: 'status',
  summary: "show every node's Felix metrics (endpoints, policies, sync, dataplane failures) over SSH",
  description:
    "Logs in to each node and reads Felix's Prometheus metrics on 127.0.0.1 (metrics.felix_port, 9091 by\n" +
    'default) with curl, wget or python3, whichever the node has. Needs metrics on in the inventory\n' +
    '(metrics.enabled, applied by picocal bootstrap). Exit 0: every node answers and Felix is in sync;\n' +
    '3: some nodes do not (named); 1: none do; 2: bad input.',
  options: {
    node: { type: 'string', multiple: true, arg: 'NAME', description: 'only this node' },
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
    refuseArguments(ctx);
    const { inv, read } = await boardRead(ctx);
    const report = await scrapeNodes(inv, read);
    if (ctx.signal.aborted)
      throw new InterruptedError('status interrupted', { hint: 'rerun picocal status' });
    ctx.out.json(report);
    for (const line of statusLines(report)) ctx.out.printStyled(line);
    const hints = new Set<string>();
    for (const n of report.nodes) if (n.hint) hints.add(`${n.name}: hint: ${n.hint}`);
    for (const h of hints) ctx.out.info(h);
    return statusExitCode(report);
  },
};
