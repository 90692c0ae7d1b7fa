#!/usr/bin/env node
// `calico-validate SRC DST [NAMESPACE]`: the guide's interface, answered statically from files, with
// the policy and rule that decide each direction. Exit 0 when the verdict is the one expected.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, UsageError } from '../errors.js';
// kubectl (and execa behind it) is loaded only for --live, --probe and --observed: a query from files
// starts without it.
import { LIVE_OPTIONS, liveTarget } from './options/live.js';
import { PROBE_OPTIONS, probeSettings } from './options/probe.js';
import { probeJson, probeReport, probeText, type ProbeReport } from '../policy/probe/report.js';
import { OBSERVED_OPTIONS, observedWindow } from './options/observed.js';
import type { ObservedCheck } from '../observe/flows/observe-flow.js';
import { buildPolicySet, type PolicySet } from '../policy/load/policy-set.js';
import { collectFiles, readObjects } from '../policy/load/read-objects.js';
import { allowOneShotTier, tierForInput } from './one-shot-tier.js';
import { findPeer } from '../policy/evaluate/find-peer.js';
import { namedPortQuery } from '../policy/evaluate/named-port.js';
import { parseProtocolQuery } from '../policy/evaluate/query.js';
import type { Peer } from '../policy/model/flow.js';
import { resultJson, resultText, validateFlow } from '../policy/evaluate/validate.js';
import { flag, listOption, stringOption, type Command, type CommandContext } from './command.js';
import { GLOBAL_OPTIONS, runProgram, type RunOptions } from './main.js';
import { POLICY_INPUT_OPTIONS } from './policy-input-options.js';

export const validateCommand: Command = {
  name: 'calico-validate',
  summary: 'say whether SRC may connect to DST under the given Calico and Kubernetes policies, and why',
  args: 'SRC DST [NAMESPACE]',
  description:
    'SRC and DST are a pod name (in NAMESPACE, default `default`), `namespace/pod`, a unique start of a pod name ' +
    '(`web` for web-6b7f9c8d5-2lx9p), a label selector as kubectl -l takes it (`app=web`, or -l app=web), or an ' +
    'IP address outside the cluster. A selector matching several pods is accepted when they are alike for policy ' +
    '(same labels and service account). The verdict is computed from files (no cluster is needed), or with --live from what kubectl reads ' +
    'from the cluster of the current kubeconfig. --probe (implies --live) then connects from the SRC pod to ' +
    "the DST pod's IP and --port with kubectl exec (nc -v -z for TCP, nc -v -u -z for UDP, ping for ICMP, or " +
    '--probe-command) and says whether the cluster agrees with the verdict; a refused TCP connection counts as ' +
    'allow (the packet arrived; Calico denies by dropping). Exit 0 when the verdict equals --expect, ' +
    '1 when it does not or when the probe disagrees with the verdict (an inconclusive probe does not change ' +
    'the exit code), 2 on bad input. --observed (implies --live) compares the deciding policy rule of each direction ' +
    "with the flow records Calico's dataplane kept (Goldmane, through the whisker Service with kubectl) and exits 1 " +
    'when they disagree.',
  options: {
    port: {
      type: 'string',
      arg: 'N|NAME',
      description:
        "destination port, or the name of one of the DST pod's container ports (default: is any port allowed?)",
    },
    selector: {
      type: 'string',
      short: 'l',
      multiple: true,
      arg: 'SELECTOR',
      description:
        'a pod by its labels, as kubectl -l takes them (app=web): the first -l is SRC, a second DST',
    },
    protocol: {
      type: 'string',
      arg: 'TCP|UDP|SCTP|ICMP',
      default: 'TCP',
      description: 'protocol of the flow',
    },
    ...POLICY_INPUT_OPTIONS,
    expect: {
      type: 'string',
      arg: 'allow|deny',
      default: 'allow',
      description: 'the verdict that makes the exit code 0',
    },
    ...LIVE_OPTIONS,
    ...PROBE_OPTIONS,
    ...OBSERVED_OPTIONS,
  },
  examples: [
    'calico-validate frontend-pod backend-pod default --port 8080 --cluster cluster.yaml --policies policies/',
    'calico-validate shop/web 203.0.113.10 --port 443 --cluster cluster.yaml --policies policies/ --output json',
    'calico-validate frontend backend shop --port 8080 --live --context pi-cluster',
    'calico-validate -l app=web -l app=api shop --port http --live',
    'calico-validate web api shop --port 8080 --live          # unique starts of pod names',
    'calico-validate frontend backend shop --port 8080 --probe --probe-timeout 2',
    'calico-validate shop/web shop/api --port 8080 --observed --observed-since 30m',
    "calico-validate shop/web shop/api --port 8080 --probe --probe-command 'agnhost connect {ip}:{port} --timeout {timeout}s'",
  ],
  async run(ctx) {
    // Each -l stands in for the next end of the flow: the first for SRC, the second for DST.
    const selectors = listOption(ctx, 'selector');
    if (selectors.length > 2) throw new UsageError('at most two -l selectors: one for SRC, one for DST');
    const ends = [
      ...selectors.map((text) => ({ text, selector: true })),
      ...ctx.positionals.map((text) => ({ text, selector: false })),
    ];
    const [srcArg, dstArg, nsArg, ...extra] = ends;
    if (!srcArg || !dstArg || extra.length || nsArg?.selector)
      throw new UsageError('expected SRC DST [NAMESPACE]', "run 'calico-validate --help' for the arguments");
    const namespace = nsArg?.text ?? 'default';
    const expect = stringOption(ctx, 'expect') ?? 'allow';
    if (expect !== 'allow' && expect !== 'deny')
      throw new UsageError(`--expect must be allow or deny, not '${expect}'`);
    const portText = stringOption(ctx, 'port');
    const named = portText !== undefined && !/^\d+$/.test(portText) ? portText : undefined;
    let query = parseProtocolQuery(stringOption(ctx, 'protocol'), named ? undefined : portText);
    const probe = probeSettings(ctx);
    const probing = probe ? await import('../policy/probe/run-probe.js') : undefined;
    if (probe && probing && !named) probing.checkProbe(query, probe);
    const observed = flag(ctx, 'observed') ? observedWindow(stringOption(ctx, 'observed-since')) : undefined;
    const observing = observed !== undefined ? await import('../observe/flows/observe-flow.js') : undefined;
    const set = await policySet(ctx, probe !== undefined || observed !== undefined);
    for (const n of set.notes) ctx.out.detail(`note: ${n}`);
    const found = [
      findPeer(srcArg.text, namespace, set.cluster, 'SRC', srcArg.selector),
      findPeer(dstArg.text, namespace, set.cluster, 'DST', dstArg.selector),
    ];
    for (const f of found) if (f.note) ctx.out.info(f.note);
    const [src, dst] = found.map((f) => f.peer) as [Peer, Peer];
    if (named) {
      query = namedPortQuery(named, query, dst);
      if (probe && probing) probing.checkProbe(query, probe);
    }
    // Checked before anything runs, so a probe that cannot be made is a usage error, not a half answer.
    const plan = probe && probing ? probing.planProbe(src, dst, query, probe) : undefined;
    if (observing) observing.checkObservedPeers(src, dst);
    const result = validateFlow(set, src, dst, query);
    const anyPort = query.port === undefined;
    const verdict = result.verdict.allowed ? 'allow' : 'deny';
    let report: ProbeReport | undefined;
    if (plan && probing) {
      ctx.out.detail(`probing from ${plan.target.namespace}/${plan.target.pod}: ${plan.argv.join(' ')}`);
      const run = await probing.runProbe(liveTarget(ctx), plan);
      report = probeReport(run.command, run.outcome, verdict);
    }
    let seen: ObservedCheck | undefined;
    if (observing && observed !== undefined)
      seen = await observing.observeFlow(liveTarget(ctx), result.verdict, src, dst, query, observed);
    ctx.out.json({
      ...resultJson(result, anyPort),
      ...(report ? { probe: probeJson(report) } : {}),
      ...(seen ? { observed: seen.json } : {}),
    });
    for (const line of resultText(result, anyPort)) ctx.out.print(line);
    if (report) for (const line of probeText(report, verdict)) ctx.out.print(line);
    if (seen) for (const line of seen.text) ctx.out.print(line);
    if (seen?.agrees === false)
      ctx.out.info('calico-validate: the flow records disagree with the static explanation');
    if (verdict !== expect) ctx.out.info(`calico-validate: expected ${expect}, got ${verdict}`);
    if (report?.agrees === false)
      ctx.out.info(
        `calico-validate: the probe disagrees: the cluster says ${report.verdict}, the policies say ${verdict}`,
      );
    if (report?.result === 'inconclusive') ctx.out.warn(`the probe was inconclusive: ${report.detail}`);
    return verdict === expect && report?.agrees !== false && seen?.agrees !== false ? EXIT.ok : EXIT.failed;
  },
};

/** From files, or with --live from the cluster (the same model builders either way). */
async function policySet(ctx: CommandContext, probe: boolean): Promise<PolicySet> {
  // probe: --probe or --observed, both of which read the cluster
  const paths = [...listOption(ctx, 'cluster'), ...listOption(ctx, 'policies')];
  if (flag(ctx, 'live') || probe) {
    if (paths.length)
      throw new UsageError(
        `${probe ? `${flag(ctx, 'observed') ? '--observed' : '--probe'} reads the cluster (it implies --live)` : '--live reads the cluster'}: it cannot be combined with --cluster or --policies`,
      );
    const { fetchLive } = await import('../policy/live/fetch.js');
    const snapshot = await fetchLive(liveTarget(ctx));
    for (const w of snapshot.warnings) ctx.out.warn(w);
    return buildPolicySet(snapshot.objects);
  }
  for (const f of ['kubeconfig', 'context'])
    if (stringOption(ctx, f) !== undefined) throw new UsageError(`--${f} needs --live`);
  if (!paths.length)
    throw new UsageError(
      'nothing to evaluate',
      'pass --cluster FILE (kubectl get ns,pods -A -o yaml) and --policies FILE|DIR, or --live',
    );
  const files = collectFiles(paths, ctx.cwd);
  tierForInput(files, ctx.cwd);
  return buildPolicySet(readObjects(files, ctx.cwd));
}

// No inventory and no nodes: -i is not an option here, and there is no partial failure (exit 3).
const { inventory: _inventory, ...VALIDATE_GLOBALS } = GLOBAL_OPTIONS;
const VALIDATE_EXIT_CODES = `Exit codes:
  0    the verdict is --expect (default allow), and --probe (if given) agrees with it
  1    the verdict is not --expect, or the probe disagrees with it
  2    bad input or usage (nothing was changed)
  130  interrupted (Ctrl-C)
`;

export function runCalicoValidate(argv: string[], opts: RunOptions = {}): Promise<number> {
  return runProgram(
    {
      name: 'calico-validate',
      summary: validateCommand.summary,
      commands: [validateCommand],
      single: true,
      globals: VALIDATE_GLOBALS,
      exitCodesHelp: VALIDATE_EXIT_CODES,
    },
    argv,
    opts,
  );
}

// Run only as the program itself (also through npm's bin symlink), not when a test imports the command.
function invokedPath(): string {
  try {
    return process.argv[1] ? realpathSync(process.argv[1]) : '';
  } catch {
    return '';
  }
}
const invoked = invokedPath();
if (invoked === fileURLToPath(import.meta.url)) {
  allowOneShotTier();
  process.exitCode = await runCalicoValidate(process.argv.slice(2));
}
