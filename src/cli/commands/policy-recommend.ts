// `picocal policy recommend --from-flows NS`: staged least-privilege policies from Goldmane's flow
// records, printed for a person to review (nothing is applied).
import { EXIT, UsageError } from '../../errors.js';
import { listFlows } from '../../observe/flows/flows-api.js';
import { recommendFromFlows } from '../../observe/flows/recommend.js';
import { parseSince } from '../../observe/denied/since.js';
import { LIVE_OPTIONS, liveTarget } from '../options/live.js';
import { stringOption, type Command } from '../command.js';

export const policyRecommend: Command = {
  name: 'policy recommend',
  summary: 'write staged least-privilege policies for a namespace from the flows Calico recorded (Goldmane)',
  description:
    'Reads the flow records of the window (Goldmane, through the whisker Service with kubectl) and writes one\n' +
    'StagedNetworkPolicy per workload of NS to stdout: DNS first, then exactly the peers, protocols and\n' +
    'ports that were allowed. Review them, apply them (they change nothing while staged), watch\n' +
    '`picocal policy flows` for what they would deny, then `picocal policy enforce`. Exit 0: written;\n' +
    '1: no flow API or no flows to learn from.',
  options: {
    'from-flows': { type: 'string', arg: 'NS', description: 'the namespace whose workloads get policies' },
    since: {
      type: 'string',
      arg: 'AGE',
      description: 'learn from flows this far back: 10m, 2h, 1d (default 1h)',
    },
    kubeconfig: LIVE_OPTIONS['kubeconfig']!,
    context: LIVE_OPTIONS['context']!,
  },
  examples: [
    'picocal policy recommend --from-flows shop --since 1d > shop-recommended.yaml',
    'picocal policy lint shop-recommended.yaml',
  ],
  async run(ctx) {
    const namespace = stringOption(ctx, 'from-flows');
    if (!namespace || ctx.positionals.length)
      throw new UsageError(
        'policy recommend needs --from-flows NS',
        'e.g. picocal policy recommend --from-flows shop',
      );
    const sinceSeconds = parseSince(stringOption(ctx, 'since') ?? '1h');
    const { flows } = await listFlows(liveTarget(ctx), { sinceSeconds, namespace });
    ctx.out.info(`source: Goldmane (whisker-backend /flows), ${flows.length} flow records of ${namespace}`);
    const r = recommendFromFlows(namespace, flows);
    for (const n of r.notes) ctx.out.warn(n);
    ctx.out.json({
      source: 'goldmane',
      namespace,
      sinceSeconds,
      policies: r.policies,
      notes: r.notes,
      yaml: r.yaml,
    });
    if (r.policies === 0) {
      ctx.out.error(
        `no allowed flows of a workload in ${namespace} in the last ${sinceSeconds}s: nothing to recommend`,
      );
      return EXIT.failed;
    }
    for (const line of r.yaml.trimEnd().split('\n')) ctx.out.print(line);
    ctx.out.info(
      `wrote ${r.policies} StagedNetworkPolicy: review them, then picocal policy lint and kubectl apply`,
    );
    return EXIT.ok;
  },
};
