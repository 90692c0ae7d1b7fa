// `picocal policy matrix`: who can reach whom. Every pod pair (or those of a namespace, or those a
// selector picks) × every --port, as a table, JSON, or a self-contained HTML report.
import { resolve } from 'node:path';
import { EXIT, InputError, UsageError } from '../../errors.js';
import { parseProtocolQuery, type ProtocolQuery } from '../../policy/evaluate/query.js';
import { loadPolicySet } from '../../policy/load/policy-set.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { computeMatrix } from '../../policy/matrix/matrix.js';
import { matrixHtml } from '../../policy/matrix/render-html.js';
import { matrixJson, matrixText } from '../../policy/matrix/render-text.js';
import { parseSelector } from '../../policy/selector/index.js';
import { LIVE_OPTIONS } from '../options/live.js';
import { POLICY_INPUT_OPTIONS } from '../policy-input-options.js';
import { livePolicySet, wantsLive } from '../policy-source.js';
import { listOption, stringOption, type Command } from '../command.js';

/** `80`, `udp/53`, `SCTP/9000`; a bare number takes --protocol. */
function parsePortFlag(text: string, protocol: string | undefined): ProtocolQuery {
  const m = /^([A-Za-z]+)\/(\d+)$/.exec(text);
  return m ? parseProtocolQuery(m[1], m[2]) : parseProtocolQuery(protocol, text);
}

const HTML_PAIR_LIMIT = 250_000;

export const policyMatrixCommand: Command = {
  name: 'policy matrix',
  summary: 'reachability matrix of every pod pair under the Kubernetes and Calico policies',
  description:
    'Evaluates every source pod × destination pod (or those of --namespace / --selector) for each --port,\n' +
    'with the same semantics as calico-validate. Without --port a cell is allowed when some port is.\n' +
    'From files (--cluster, --policies), or with --live from the cluster kubectl reaches (pods, namespaces\n' +
    'and every Kubernetes and Calico policy kind).',
  options: {
    ...POLICY_INPUT_OPTIONS,
    ...LIVE_OPTIONS,
    namespace: { type: 'string', short: 'n', arg: 'NS', description: 'only pods of this namespace' },
    selector: {
      type: 'string',
      arg: 'EXPR',
      description: 'only pods this Calico selector matches, e.g. "app == \'web\'"',
    },
    port: { type: 'string', multiple: true, arg: 'N|PROTO/N', description: 'destination port' },
    protocol: {
      type: 'string',
      arg: 'TCP|UDP|SCTP|ICMP',
      default: 'TCP',
      description: 'protocol for bare --port numbers',
    },
    html: { type: 'string', arg: 'FILE', description: 'also write a self-contained HTML report' },
  },
  examples: [
    'picocal policy matrix --cluster cluster.yaml --policies policies/ --port 80 --port udp/53',
    'picocal policy matrix --cluster cluster.yaml --policies policies/ -n shop --html matrix.html',
    'picocal policy matrix --live -n shop --port 8080',
  ],
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument '${ctx.positionals[0]}'`);
    const paths = [...listOption(ctx, 'cluster'), ...listOption(ctx, 'policies')];
    const live = wantsLive(ctx, paths);
    if (!paths.length && !live)
      throw new UsageError('nothing to evaluate', 'pass --cluster FILE and --policies FILE|DIR, or --live');
    const protocol = stringOption(ctx, 'protocol');
    const ports = listOption(ctx, 'port');
    const queries = ports.length
      ? ports.map((p) => parsePortFlag(p, protocol))
      : [parseProtocolQuery(protocol, undefined)];
    const selectorText = stringOption(ctx, 'selector');
    let selector;
    try {
      selector = selectorText ? parseSelector(selectorText) : undefined;
    } catch (err) {
      throw new InputError('bad --selector', [{ field: '--selector', message: (err as Error).message }]);
    }
    const set = live ? await livePolicySet(ctx) : loadPolicySet(paths, ctx.cwd);
    for (const n of set.notes) ctx.out.detail(`note: ${n}`);
    const namespace = stringOption(ctx, 'namespace');
    const pods = set.cluster.pods.filter(
      (p) => (!namespace || p.namespace === namespace) && (!selector || selector.matches(p.calicoLabels)),
    );
    if (!pods.length)
      throw new UsageError('no pods to evaluate', 'check --cluster, --namespace and --selector');
    const started = performance.now();
    const matrix = computeMatrix(set, pods, queries);
    ctx.out.detail(
      `evaluated ${pods.length ** 2 * queries.length} flows in ${Math.round(performance.now() - started)} ms`,
    );
    const html = stringOption(ctx, 'html');
    if (html) {
      if (pods.length ** 2 > HTML_PAIR_LIMIT)
        throw new UsageError(
          `${pods.length} pods are too many for one HTML page`,
          'narrow it with --namespace or --selector',
        );
      writeFileAtomic(resolve(ctx.cwd, html), matrixHtml(matrix, 'picocal reachability matrix'));
      ctx.out.info(`wrote ${html}`);
    }
    // Only the format asked for is built: either is a few MB for a thousand pods.
    if (ctx.out.format === 'json') ctx.out.json(matrixJson(matrix));
    else for (const line of matrixText(matrix)) ctx.out.print(line);
    return EXIT.ok;
  },
};
