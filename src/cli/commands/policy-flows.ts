// `picocal policy flows`: the flow records Calico's dataplane kept (Goldmane, read through Whisker's
// backend with the user's kubectl), each with the policy that decided it and what the staged policies
// would have done.
import { EXIT, UsageError } from '../../errors.js';
import { listFlows } from '../../observe/flows/flows-api.js';
import { flowQuery } from '../../observe/flows/flow-options.js';
import { flowJson, flowsTable } from '../../observe/flows/render-flows.js';
import { LIVE_OPTIONS, liveTarget } from '../options/live.js';
import { stringOption, type Command, type OptionSpec } from '../command.js';

const { live: _live, ...KUBECTL_OPTIONS } = LIVE_OPTIONS;

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

export const policyFlows: Command = {
  name: 'policy flows',
  summary:
    "show the flows Calico's dataplane recorded (Goldmane), with their enforced and staged policy traces",
  description:
    'Reads flow records from Goldmane through the whisker Service in calico-system (Calico 3.30+), with\n' +
    'your kubectl and kubeconfig: kubectl get --raw on the service proxy, no new credentials. Each flow has\n' +
    'the rule that decided it (tier/namespace/policy rule N: action) and what the staged policies would\n' +
    'have done (pending). Exit 0: flows read (even none); 1: no flow API or it could not be read.',
  options: { ...FLOW_FILTER_OPTIONS, ...KUBECTL_OPTIONS },
  examples: [
    'picocal policy flows -n shop --since 30m',
    'picocal policy flows --action deny --output json',
    'picocal policy flows --pod web --context pi-cluster',
  ],
  async run(ctx) {
    if (ctx.positionals.length > 0)
      throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`, 'filter with -n NS and --pod NAME');
    const q = flowQuery({
      since: stringOption(ctx, 'since'),
      namespace: stringOption(ctx, 'namespace'),
      pod: stringOption(ctx, 'pod'),
      action: stringOption(ctx, 'action'),
    });
    const { command, flows } = await listFlows(liveTarget(ctx), q);
    ctx.out.detail(`read: ${command.join(' ')}`);
    ctx.out.info(
      `source: Goldmane (whisker-backend /flows), ${flows.length} flows in the last ${q.sinceSeconds}s`,
    );
    ctx.out.json({ source: 'goldmane', sinceSeconds: q.sinceSeconds, flows: flows.map(flowJson) });
    if (flows.length) for (const line of flowsTable(flows)) ctx.out.print(line);
    return EXIT.ok;
  },
};
