// `picocal policy flows`: the flow records Calico's dataplane kept (Goldmane, read through Whisker's
// backend with the user's kubectl), each with the policy that decided it and what the staged policies
// would have done. `-o table|wide|yaml|json` as kubectl; `--sort-by` and `--limit` over one list;
// `--watch` follows Goldmane's stream.
import { dump } from 'js-yaml';
import { EXIT, UsageError } from '../../errors.js';
import { listFlows, watchFlows } from '../../observe/flows/flows-api.js';
import { SORT_BY_WORDS, flowQuery, parseLimit } from '../../observe/flows/flow-options.js';
import {
  flowItem,
  flowLines,
  flowList,
  flowsTable,
  flowsWide,
  parseFlowFormat,
  type FlowFormat,
} from '../../observe/flows/render-flows.js';
import type { ObservedFlow } from '../../policy/goldmane/flow.js';
import { LIVE_OPTIONS, liveTarget } from '../options/live.js';
import { flag, stringOption, type Command, type CommandContext, type OptionSpec } from '../command.js';

const { live: _live, ...KUBECTL_OPTIONS } = LIVE_OPTIONS;

/** kubectl's `-o`: this command's own, in place of picocal's global `--output text|json`. */
export const FLOW_OUTPUT_OPTION: OptionSpec = {
  type: 'string',
  short: 'o',
  arg: 'table|wide|yaml|json',
  description: 'table (default); wide: counters and whole traces; yaml/json: a List of flow objects',
};

export const FLOW_FILTER_OPTIONS: Record<string, OptionSpec> = {
  namespace: { type: 'string', short: 'n', arg: 'NS', description: 'flows from or to this namespace' },
  pod: { type: 'string', arg: 'NAME', description: 'flows from or to this pod (or the start of its name)' },
  action: {
    type: 'string',
    arg: 'allow|deny|pass',
    description: 'only flows the dataplane gave this action',
  },
  since: {
    type: 'string',
    arg: 'AGE',
    description: 'flows that started this far back: 30s, 10m, 2h (default 15m)',
  },
};

/** Prints a list of flows in the format asked for; `none` is the table's line for an empty list. */
export function printFlows(
  ctx: CommandContext,
  flows: readonly ObservedFlow[],
  format: FlowFormat,
  none: string,
): void {
  if (format === 'json') return ctx.out.json(flowList(flows));
  if (!flows.length && format !== 'yaml') return ctx.out.print(none);
  for (const line of flowLines(flows, format)) ctx.out.print(line);
}

/** One streamed flow: a table row (the header once, before the first), or one object per event. */
export function flowPrinter(ctx: CommandContext, format: FlowFormat): (f: ObservedFlow) => void {
  let first = true;
  return (f) => {
    if (format === 'json') return ctx.out.json(flowItem(f));
    if (format === 'yaml') {
      ctx.out.print('---');
      for (const l of dump(flowItem(f), { lineWidth: -1 }).trimEnd().split('\n')) ctx.out.print(l);
      return;
    }
    const lines = format === 'wide' ? flowsWide([f]) : flowsTable([f]);
    for (const l of first ? lines : lines.slice(1)) ctx.out.print(l);
    first = false;
  };
}

export const policyFlows: Command = {
  name: 'policy flows',
  summary:
    "show the flows Calico's dataplane recorded (Goldmane), with their enforced and staged policy traces",
  description:
    'Reads flow records from Goldmane through the whisker Service in calico-system (Calico 3.30+), with\n' +
    'your kubectl and kubeconfig: kubectl get --raw on the service proxy, no new credentials. Each flow has\n' +
    'the rule that decided it (tier/namespace/policy rule N: action) and what the staged policies would\n' +
    'have done (pending). --sort-by orders the list as Goldmane does (time: newest first); --limit keeps\n' +
    'the first N (picocal cuts the list: whisker-backend does not pass a page size on to Goldmane).\n' +
    "--watch follows Goldmane's stream: the flows of the --since window, then each new one (Goldmane\n" +
    'sends a flow once its 15 s interval closes) until Ctrl-C or --limit flows.\n' +
    'Exit 0: flows read (even none); 1: no flow API or it could not be read.',
  options: {
    ...FLOW_FILTER_OPTIONS,
    'sort-by': { type: 'string', arg: SORT_BY_WORDS.join('|'), description: 'the order (default time)' },
    limit: { type: 'string', arg: 'N', description: 'at most N flows (with --watch: stop after N)' },
    watch: { type: 'boolean', short: 'w', description: 'keep printing flows as Goldmane streams them' },
    output: FLOW_OUTPUT_OPTION,
    ...KUBECTL_OPTIONS,
  },
  examples: [
    'picocal policy flows -n shop --since 30m',
    'picocal policy flows --action deny -o yaml',
    'picocal policy flows -o wide --sort-by dest-name --limit 20',
    'picocal policy flows -n shop --watch --since 1m',
  ],
  async run(ctx) {
    if (ctx.positionals.length > 0)
      throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`, 'filter with -n NS and --pod NAME');
    const format = parseFlowFormat(stringOption(ctx, 'output'));
    const limit = parseLimit(stringOption(ctx, 'limit'));
    const watch = flag(ctx, 'watch');
    const sortBy = stringOption(ctx, 'sort-by');
    if (watch && sortBy !== undefined)
      throw new UsageError(
        '--sort-by orders a list; --watch prints flows as they come',
        "Goldmane's stream has no order: drop one of them",
      );
    const q = flowQuery({
      since: stringOption(ctx, 'since'),
      namespace: stringOption(ctx, 'namespace'),
      pod: stringOption(ctx, 'pod'),
      action: stringOption(ctx, 'action'),
      sortBy,
    });
    if (watch) {
      ctx.out.info(
        `source: Goldmane (whisker-backend /flows?watch=true), from ${q.sinceSeconds}s ago; Ctrl-C to stop`,
      );
      const print = flowPrinter(ctx, format);
      let seen = 0;
      const { command } = await watchFlows(liveTarget(ctx), q, true, (f) => {
        print(f);
        seen++;
        return limit === undefined || seen < limit;
      });
      ctx.out.detail(`read: ${command.join(' ')}`);
      return EXIT.ok;
    }
    const { command, flows } = await listFlows(liveTarget(ctx), q);
    const shown = limit === undefined ? flows : flows.slice(0, limit);
    ctx.out.detail(`read: ${command.join(' ')}`);
    ctx.out.info(
      `source: Goldmane (whisker-backend /flows), ${flows.length} flows in the last ${q.sinceSeconds}s` +
        (shown.length < flows.length ? `, the first ${shown.length} shown (--limit)` : ''),
    );
    printFlows(ctx, shown, format, `no flows recorded in the last ${q.sinceSeconds}s`);
    return EXIT.ok;
  },
};
