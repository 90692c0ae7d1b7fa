// `picocal policy recommend --from-flows NS`: least-privilege policies written from what the dataplane
// recorded. One StagedNetworkPolicy per workload of NS (the pods one flow name aggregates, selected by
// the labels they all share): its egress starts with DNS (UDP and TCP 53 to kube-dns), then one Allow
// rule per peer and protocol with exactly the ports seen; its ingress one Allow rule per peer and
// protocol. Staged, so nothing changes until a person reviews it and runs `picocal policy enforce`.
// Flows the dataplane denied are left out (they may be attacks), as are peers outside the cluster (no
// address is known for them): the notes say so.
import { dump } from 'js-yaml';
import { calicoDnsEgressRules } from '../../policy/scaffold/dns.js';
import type { ObservedFlow } from '../../policy/goldmane/flow.js';

/** Labels that change with every rollout: never part of a selector. */
const VOLATILE = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'statefulset.kubernetes.io/pod-name',
  'pod-template-generation',
]);
const NS_LABEL = 'kubernetes.io/metadata.name';

interface Workload {
  name: string;
  labels: Map<string, string>;
}

export interface Recommendation {
  yaml: string;
  policies: number;
  notes: string[];
}

function parseLabels(pairs: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of pairs) {
    const i = p.indexOf('=');
    if (i > 0 && !VOLATILE.has(p.slice(0, i))) m.set(p.slice(0, i), p.slice(i + 1));
  }
  return m;
}

function selector(labels: Map<string, string>): string {
  return [...labels.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k} == '${v}'`)
    .join(' && ');
}

/** `web-6b7f9c8d5-*` → `web`; `postgres-0` → `postgres`; the `app` label when there is one. */
function workloadName(w: Workload): string {
  const app = w.labels.get('app.kubernetes.io/name') ?? w.labels.get('app');
  const base =
    app ??
    w.name
      .replace(/-\*$/, '')
      .replace(/-[a-z0-9]{8,10}$/, '')
      .replace(/-\d+$/, '');
  const slug = base
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `recommended-${slug || 'workload'}`.slice(0, 63).replace(/-+$/, '');
}

interface PeerKey {
  namespace: string;
  labels: Map<string, string>;
}

function peerRule(own: string, peer: PeerKey): Record<string, string> {
  const sel = selector(peer.labels);
  return peer.namespace === own
    ? { selector: sel }
    : { namespaceSelector: `${NS_LABEL} == '${peer.namespace}'`, selector: sel };
}

function isDns(f: ObservedFlow): boolean {
  return (
    f.destPort === 53 && (f.protocol === 'UDP' || f.protocol === 'TCP') && f.destNamespace === 'kube-system'
  );
}

/** Rules grouped by peer and protocol, ports merged, in a stable order. */
function rules(
  own: string,
  flows: readonly ObservedFlow[],
  peerOf: (f: ObservedFlow) => PeerKey,
  side: 'source' | 'destination',
): Record<string, unknown>[] {
  const groups = new Map<string, { peer: PeerKey; protocol: string; ports: Set<number> }>();
  for (const f of flows) {
    const peer = peerOf(f);
    const key = JSON.stringify([peer.namespace, selector(peer.labels), f.protocol]);
    const g = groups.get(key) ?? { peer, protocol: f.protocol, ports: new Set<number>() };
    if (f.destPort > 0) g.ports.add(f.destPort);
    groups.set(key, g);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => {
      const ports = [...g.ports].sort((a, b) => a - b);
      const hasPorts = ['TCP', 'UDP', 'SCTP'].includes(g.protocol) && ports.length > 0;
      const peer = peerRule(own, g.peer);
      return {
        action: 'Allow',
        protocol: g.protocol,
        ...(side === 'source'
          ? { source: peer, ...(hasPorts ? { destination: { ports } } : {}) }
          : { destination: { ...peer, ...(hasPorts ? { ports } : {}) } }),
      };
    });
}

export function recommendFromFlows(namespace: string, flows: readonly ObservedFlow[]): Recommendation {
  const notes: string[] = [];
  // A connection the destination denied was let out by the source: its Src record says Allow. Both
  // records of one connection share the tuple; the destination's word decides.
  const tuple = (f: ObservedFlow) =>
    JSON.stringify([f.sourceNamespace, f.sourceName, f.destNamespace, f.destName, f.protocol, f.destPort]);
  const deniedAtDst = new Set(flows.filter((f) => f.reporter === 'Dst' && f.action === 'Deny').map(tuple));
  const allowed = flows.filter(
    (f) => f.action === 'Allow' && !(f.reporter === 'Src' && deniedAtDst.has(tuple(f))),
  );
  if (allowed.length < flows.length)
    notes.push(
      `${flows.length - allowed.length} denied flow records left out: a recommendation allows only what is allowed today`,
    );
  const workloads = new Map<string, Workload>();
  const add = (name: string, labels: readonly string[]) => {
    const w = workloads.get(name) ?? { name, labels: parseLabels(labels) };
    // The labels every record agrees on.
    const mine = parseLabels(labels);
    for (const [k, v] of w.labels) if (mine.get(k) !== v) w.labels.delete(k);
    workloads.set(name, w);
  };
  for (const f of allowed) {
    if (f.destNamespace === namespace && f.reporter === 'Dst') add(f.destName, f.destLabels);
    if (f.sourceNamespace === namespace && f.reporter === 'Src') add(f.sourceName, f.sourceLabels);
  }
  const outside = (ns: string, labels: readonly string[], what: string) => {
    if (ns === '') {
      notes.push(`a flow with ${what} outside the cluster is left out: add its addresses as nets by hand`);
      return true;
    }
    if (parseLabels(labels).size === 0) {
      notes.push(`a flow with ${what} whose pods share no stable label is left out: no selector can name it`);
      return true;
    }
    return false;
  };
  const docs: string[] = [];
  const names = new Set<string>();
  for (const w of [...workloads.values()].sort((a, b) => a.name.localeCompare(b.name))) {
    if (w.labels.size === 0) {
      notes.push(
        `${namespace}/${w.name}: its pods share no stable label, so no selector can name them: left out`,
      );
      continue;
    }
    const ingressFlows = allowed.filter(
      (f) =>
        f.reporter === 'Dst' &&
        f.destNamespace === namespace &&
        f.destName === w.name &&
        !outside(f.sourceNamespace, f.sourceLabels, 'a source'),
    );
    const egressFlows = allowed.filter(
      (f) =>
        f.reporter === 'Src' &&
        f.sourceNamespace === namespace &&
        f.sourceName === w.name &&
        !isDns(f) &&
        !outside(f.destNamespace, f.destLabels, 'a destination'),
    );
    let name = workloadName(w);
    for (let i = 2; names.has(name); i++) name = `${workloadName(w)}-${i}`;
    names.add(name);
    const policy = {
      apiVersion: 'projectcalico.org/v3',
      kind: 'StagedNetworkPolicy',
      metadata: { name, namespace },
      spec: {
        stagedAction: 'Set',
        tier: 'default',
        selector: selector(w.labels),
        types: ['Ingress', 'Egress'],
        ingress: rules(
          namespace,
          ingressFlows,
          (f) => ({ namespace: f.sourceNamespace, labels: parseLabels(f.sourceLabels) }),
          'source',
        ),
        // DNS first: without it, every other egress rule is useless to a pod that resolves names.
        egress: [
          ...calicoDnsEgressRules(),
          ...rules(
            namespace,
            egressFlows,
            (f) => ({ namespace: f.destNamespace, labels: parseLabels(f.destLabels) }),
            'destination',
          ),
        ],
      },
    };
    const seen = ingressFlows.length + egressFlows.length;
    docs.push(
      `# ${namespace}/${w.name}: from ${seen} observed flow records. Review, then: picocal policy enforce\n` +
        dump(policy, { lineWidth: 120, noRefs: true }),
    );
  }
  return { yaml: docs.join('---\n'), policies: docs.length, notes: [...new Set(notes)] };
}
