// `calico-validate --observed`: read the flow records of one pod-to-pod flow through the user's kubectl and
// compare them with the static explanation (loaded only with --observed: it brings kubectl and execa).
import { UsageError } from '../../errors.js';
import type { FlowVerdict } from '../../policy/evaluate/evaluate.js';
import type { KubectlTarget } from '../../policy/live/kubectl.js';
import type { Peer } from '../../policy/model/flow.js';
import { protocolName } from '../../policy/net/protocol.js';
import { listFlows } from './flows-api.js';
import { compareObserved, observedJson, observedText } from './observed-compare.js';

export interface ObservedCheck {
  text: string[];
  json: ReturnType<typeof observedJson>;
  agrees: boolean | null;
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
