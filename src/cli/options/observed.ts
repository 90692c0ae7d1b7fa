// `calico-validate --observed [--observed-since AGE]`: the flags and the one call the command makes.
import { UsageError } from '../../errors.js';
import type { OptionSpec } from '../command.js';
import type { FlowVerdict } from '../../policy/evaluate/evaluate.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';
import type { Peer } from '../../policy/model/flow.js';
import { protocolName } from '../../policy/net/protocol.js';
import { parseSince } from '../../observe/flows/flow-options.js';
import { listFlows } from '../../observe/flows/flows-api.js';
import { compareObserved, observedJson, observedText } from '../../observe/flows/observed-compare.js';

export const OBSERVED_OPTIONS: Record<string, OptionSpec> = {
  observed: {
    type: 'boolean',
    description:
      "compare the verdict with the flow records Calico's dataplane kept (Goldmane, via kubectl; implies --live)",
  },
  'observed-since': {
    type: 'string',
    arg: 'AGE',
    description: 'with --observed: records that started this far back, e.g. 10m (default 15m)',
  },
};

export interface ObservedCheck {
  text: string[];
  json: ReturnType<typeof observedJson>;
  agrees: boolean | null;
}

export function observedWindow(since: string | undefined): number {
  return parseSince(since ?? '15m');
}

export function checkObservedPeers(src: Peer, dst: Peer): void {
  if (src.kind !== 'pod' || dst.kind !== 'pod')
    throw new UsageError(
      '--observed compares the records of pod-to-pod flows: SRC and DST must be pods',
      'name both ends as pods (namespace/pod)',
    );
}

export async function observeFlow(
  target: KubectlTarget,
  verdict: FlowVerdict,
  src: Peer,
  dst: Peer,
  query: { protocol: number; port: number | undefined },
  sinceSeconds: number,
): Promise<ObservedCheck> {
  checkObservedPeers(src, dst);
  if (src.kind !== 'pod' || dst.kind !== 'pod') throw new Error('unreachable');
  const { flows } = await listFlows(target, { sinceSeconds });
  const report = compareObserved(verdict, flows, {
    src: { namespace: src.pod.namespace, name: src.pod.name },
    dst: { namespace: dst.pod.namespace, name: dst.pod.name },
    protocol: protocolName(query.protocol),
    port: query.protocol === 1 || query.protocol === 58 ? 0 : query.port,
  });
  return {
    text: observedText(report, sinceSeconds),
    json: observedJson(report, sinceSeconds),
    agrees: report.agrees,
  };
}
