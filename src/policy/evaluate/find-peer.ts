// calico-validate's friendlier way to name a flow's end: besides a pod name, `namespace/pod` or an IP
// (resolvePeer), a unique prefix of a pod name (`web` for web-6b7f9c8d5-2lx9p) or a kubectl-style
// label selector (`app=web`). A prefix that matches several pods is refused, listing them; a selector
// that matches several pods is accepted only when they are replicas alike for policy (the same labels
// and service account), since every policy decides for them alike.
import { UsageError } from '../../errors.js';
import type { Cluster, Pod } from '../model/cluster.js';
import type { Peer } from '../model/flow.js';
import { parseIp, POLICY_SYNTAX } from '../../net/ip.js';
import { looksLikeSelector, parseLabelSelectorString } from '../kubernetes/selector-string.js';
import { resolvePeer } from './query.js';

export interface FoundPeer {
  peer: Peer;
  /** How a prefix or selector was read, for the user (stderr). */
  note?: string;
}

const key = (p: Pod) => `${p.namespace}/${p.name}`;

function listed(pods: readonly Pod[]): string {
  return `${pods.slice(0, 8).map(key).join(', ')}${pods.length > 8 ? `, ... (${pods.length})` : ''}`;
}

function alike(pods: readonly Pod[]): boolean {
  const sig = (p: Pod) =>
    `${p.namespace}|${p.serviceAccount}|${JSON.stringify(Object.entries(p.labels).sort())}`;
  return pods.every((p) => sig(p) === sig(pods[0] as Pod));
}

/** `asSelector`: the text is a selector however it looks (`-l app` means "has label app"). */
export function findPeer(
  text: string,
  defaultNamespace: string,
  cluster: Cluster,
  role: 'SRC' | 'DST',
  asSelector = false,
): FoundPeer {
  if (!asSelector && parseIp(text, POLICY_SYNTAX))
    return { peer: resolvePeer(text, defaultNamespace, cluster, role) };
  const slash = asSelector ? -1 : text.indexOf('/');
  const selectorText = slash >= 0 && looksLikeSelector(text.slice(slash + 1)) ? text.slice(slash + 1) : text;
  const namespace = slash >= 0 ? text.slice(0, slash) : defaultNamespace;
  if (asSelector || looksLikeSelector(selectorText)) {
    const test = parseLabelSelectorString(selectorText, role);
    const pods = cluster.pods.filter((p) => p.namespace === namespace && test(p.labels));
    if (!pods.length)
      throw new UsageError(
        `${role} selector '${selectorText}' matches no pod in namespace '${namespace}'`,
        'check the labels with: kubectl get pods -n NAMESPACE --show-labels',
      );
    if (pods.length > 1 && !alike(pods))
      throw new UsageError(
        `${role} selector '${selectorText}' matches ${pods.length} pods with different labels: ${listed(pods)}`,
        'policies may decide differently for them: narrow the selector, or name one pod',
      );
    const pod = pods[0] as Pod;
    return {
      peer: { kind: 'pod', pod },
      note: `${role} ${selectorText}: ${pods.length > 1 ? `${pods.length} alike pods (same labels and service account), evaluated as ${key(pod)}` : key(pod)}`,
    };
  }
  const name = slash >= 0 ? text.slice(slash + 1) : text;
  if (cluster.pods.some((p) => p.namespace === namespace && p.name === name))
    return { peer: resolvePeer(text, defaultNamespace, cluster, role) };
  const prefixed = cluster.pods.filter((p) => p.namespace === namespace && p.name.startsWith(name));
  if (prefixed.length === 1) {
    const pod = prefixed[0] as Pod;
    return { peer: { kind: 'pod', pod }, note: `${role} '${text}' is ${key(pod)}` };
  }
  if (prefixed.length > 1) {
    const app = prefixed[0]?.labels['app'] ?? prefixed[0]?.labels['app.kubernetes.io/name'];
    throw new UsageError(
      `${role} '${text}' is the start of ${prefixed.length} pod names in namespace '${namespace}': ${listed(prefixed)}`,
      `give more of the name${app ? `, or select the pods by label: app=${app} (as kubectl -l takes it)` : ''}`,
    );
  }
  // Neither: resolvePeer's error, with its hints (another namespace, the pods there).
  return { peer: resolvePeer(text, defaultNamespace, cluster, role) };
}
