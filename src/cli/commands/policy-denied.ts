// `picocal policy denied`: the packets Calico's Log rules wrote to each node's kernel log, with pod names
// on the addresses. --follow polls every node every 2 s until Ctrl-C.
import { dump } from 'js-yaml';
import { EXIT, InterruptedError, UsageError } from '../../errors.js';
import { DeniedCollector, type DeniedBatch, type NodeLog } from '../../observe/denied/collect.js';
import type { MappedEntry } from '../../observe/denied/map-pods.js';
import { deniedJson, deniedText, unreadLines } from '../../observe/denied/render.js';
import { parseSince } from '../../observe/denied/since.js';
import { deniedFromFlows, parseDeniedSource } from '../../observe/flows/denied-source.js';
import { parseFlowFormat } from '../../observe/flows/render-flows.js';
import { LIVE_OPTIONS, liveTarget } from '../options/live.js';
import { flag, stringOption, type Command, type CommandContext } from '../command.js';
import { boardRead, refuseArguments } from '../node-options.js';
import { watchFlows } from '../../observe/flows/flows-api.js';
import { FLOW_OUTPUT_OPTION, flowPrinter, printFlows } from './policy-flows.js';

const POLL_MS = 2000;
/** Each poll re-reads this far back: wider than the poll interval, so a slow node misses nothing. */
const FOLLOW_WINDOW_S = 30;

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

function reportNodes(ctx: CommandContext, nodes: readonly NodeLog[], podsError: string | undefined): void {
  const lines = unreadLines(nodes);
  const bad = nodes.filter((n) => n.error !== undefined).length;
  if (bad > 0 && bad === nodes.length)
    ctx.out.error(
      `policy denied: could not read the kernel log of any board (${bad} of ${bad}), so nothing is known about denied packets:`,
    );
  else if (bad > 0) ctx.out.warn(`could not read the kernel log of ${bad} of ${nodes.length} boards:`);
  for (const l of lines) ctx.out.info(`  ${l}`);
  if (podsError) ctx.out.warn(`no pod names: ${podsError}`);
}

function exitCode(nodes: readonly NodeLog[]): number {
  const bad = nodes.filter((n) => n.error !== undefined).length;
  if (nodes.length > 0 && bad === nodes.length) return EXIT.failed;
  return bad > 0 ? EXIT.partial : EXIT.ok;
}

function document(batch: DeniedBatch, entries: readonly MappedEntry[], sinceSeconds: number) {
  return {
    source: 'kernel-log',
    ...deniedJson(entries),
    sinceSeconds,
    nodes: batch.nodes.map((n) => ({
      name: n.name,
      reachable: n.reachable,
      source: n.source,
      error: n.error ?? null,
    })),
    podsError: batch.podsError ?? null,
  };
}

export const policyDenied: Command = {
  name: 'policy denied',
  summary: "show traffic Calico denied: Goldmane's flow records, else calico-packet kernel log lines",
  description:
    'Reads the kernel log of each node over SSH (journalctl -k when the node keeps a journal, else\n' +
    '/var/log/kern.log or /var/log/messages), keeps the calico-packet lines that Calico Log rules write\n' +
    '(add them with picocal policy log-rules), and names the pods behind the addresses using\n' +
    'kubectl get pods -A on the control plane. Exit 0: every node read; 3: some not (named); 1: none.\n' +
    'Where the cluster has Goldmane (Calico 3.30+), --source auto (the default) reads its denied flows\n' +
    'instead, through kubectl, with the policy that denied each: without -i, or with -i and --kubeconfig\n' +
    'or --context; a cluster without Goldmane falls back to the kernel log. It says which source it used.\n' +
    "--follow: from Goldmane, its stream of denied flows (whisker-backend's watch); else the kernel log\n" +
    'polled every 2 s. -o table|wide|yaml|json: from Goldmane, as policy flows prints\n' +
    'flows (yaml/json: a List of flow objects); from the kernel log, yaml is the json document in YAML.',
  options: {
    node: { type: 'string', multiple: true, arg: 'NAME', description: 'only this node' },
    since: { type: 'string', arg: 'AGE', description: 'how far back, e.g. 30s, 10m, 2h (default 10m)' },
    follow: {
      type: 'boolean',
      description:
        "keep printing new denied traffic until Ctrl-C (Goldmane's stream, or the kernel log every 2 s)",
    },
    timeout: { type: 'string', arg: 'S', description: 'seconds per node for login and reading (default 8)' },
    'accept-new-host-keys': { type: 'boolean', description: 'record unknown host keys in known_hosts' },
    source: {
      type: 'string',
      arg: 'auto|goldmane|kernel-log',
      description: 'auto (default): Goldmane through kubectl when the cluster has it, else the kernel log',
    },
    output: FLOW_OUTPUT_OPTION,
    kubeconfig: LIVE_OPTIONS['kubeconfig']!,
    context: LIVE_OPTIONS['context']!,
  },
  examples: [
    'picocal policy denied -i inventory/picocluster.yaml',
    'picocal policy denied -i inventory/picocluster.yaml --node pc-node2 --since 30m -o json',
    'picocal policy denied -i inventory/picocluster.yaml --follow',
    'picocal policy denied --source goldmane --context pi-cluster --since 1h -o wide',
  ],
  async run(ctx) {
    refuseArguments(ctx);
    const format = parseFlowFormat(stringOption(ctx, 'output'));
    const follow = flag(ctx, 'follow');
    const sinceSeconds = parseSince(stringOption(ctx, 'since') ?? '10m');
    const from = await deniedFromFlows(
      parseDeniedSource(stringOption(ctx, 'source')),
      liveTarget(ctx),
      sinceSeconds,
      ctx.global.inventory !== undefined,
    );
    if (from.kind === 'goldmane') {
      const { flows } = from.read;
      ctx.out.info(`source: Goldmane (whisker-backend /flows, action Deny), ${flows.length} denied flows`);
      if (!follow) {
        printFlows(ctx, flows, format, `no denied flows recorded in the last ${sinceSeconds}s`);
        return EXIT.ok;
      }
      // Follow: the window's flows, then Goldmane's stream of denied flows from now until Ctrl-C.
      const print = flowPrinter(ctx, format);
      for (const f of flows) print(f);
      ctx.out.info(
        'following: new denied flows appear below as Goldmane sends them (every 15 s); Ctrl-C to stop',
      );
      await watchFlows(liveTarget(ctx), { sinceSeconds, actions: ['Deny'] }, false, (f) => {
        print(f);
        return true;
      });
      return EXIT.ok;
    }
    if (format === 'yaml' && follow)
      throw new UsageError(
        '--follow on the kernel log prints rows as they come, not one YAML document',
        'use -o json (one document at Ctrl-C) or -o table',
      );
    ctx.out.info(`source: kernel log (calico-packet lines over SSH): ${from.why}`);
    const { inv, read } = await boardRead(ctx);
    const collector = new DeniedCollector(inv, read);
    const onAbort = () => collector.close();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const first = await collector.collect(sinceSeconds);
      if (ctx.signal.aborted) throw new InterruptedError('policy denied interrupted');
      reportNodes(ctx, first.nodes, first.podsError);
      if (!follow) {
        const doc = document(first, first.entries, sinceSeconds);
        ctx.out.json(doc);
        if (format === 'yaml') for (const l of dump(doc).trimEnd().split('\n')) ctx.out.print(l);
        else for (const line of deniedText(first.entries, first.nodes)) ctx.out.print(line);
        return exitCode(first.nodes);
      }
      // Follow: rows as they come; with --output json one document of everything seen, at Ctrl-C.
      const all = [...first.entries];
      let last = first;
      for (const line of deniedText(first.entries, first.nodes)) ctx.out.print(line);
      ctx.out.info('following: new packets appear below; Ctrl-C to stop');
      while (!ctx.signal.aborted) {
        await sleep(POLL_MS, ctx.signal);
        if (ctx.signal.aborted) break;
        const batch = await collector.collect(FOLLOW_WINDOW_S);
        if (ctx.signal.aborted) break;
        const newlyBad = batch.nodes.filter(
          (n) => n.error && !last.nodes.some((o) => o.name === n.name && o.error),
        );
        reportNodes(ctx, newlyBad, batch.podsError && !last.podsError ? batch.podsError : undefined);
        last = batch;
        all.push(...batch.entries);
        if (batch.entries.length) for (const line of deniedText(batch.entries).slice(1)) ctx.out.print(line);
      }
      ctx.out.json(document(last, all, sinceSeconds));
      return EXIT.ok;
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      collector.close();
    }
  },
};
