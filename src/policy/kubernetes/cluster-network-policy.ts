// policy.networking.k8s.io/v1alpha2 ClusterNetworkPolicy as Calico 3.32 enforces it: `tier: Admin`
// policies live in Calico's built-in tier `kube-admin` (order 1,000: before every Calico tier and the
// Kubernetes NetworkPolicy tier `default`), `tier: Baseline` ones in `kube-baseline` (order
// 10,000,000: after them); both tiers end in Pass (docs.tigera.io/calico/latest/network-policy/
// policy-tiers/tiered-policy, tigera/docs#2416). `priority` is the order within the tier; rules are
// first-match in the order written; Accept / Deny decide, Pass leaves the tier. A policy with no
// ingress (egress) rules does not affect ingress (egress) traffic.
// API: kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go.
import type { PathSegment } from '../../yaml/source-map.js';
import type { Cluster, Pod } from '../model/cluster.js';
import type { Flow, Peer } from '../model/flow.js';
import type { CompiledPolicy, CompiledRule, Direction, RuleAction } from '../model/policy.js';
import { cidrContains, parseCidr, type Cidr, POLICY_SYNTAX } from '../../net/ip.js';
import { protocolNumber } from '../net/protocol.js';
import { memoIpTest, memoPerPod } from '../evaluate/memo.js';
import { isRecord, nameOf, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { compileLabelSelector, type LabelMatcher } from './label-selector.js';
import { CNP_TIERS, validateClusterNetworkPolicy } from './cluster-network-policy-schema.js';

type PeerTest = (peer: Peer) => boolean;
type PortTest = (flow: Flow) => boolean;

const ACTIONS: Record<string, RuleAction> = { Accept: 'Allow', Deny: 'Deny', Pass: 'Pass' };

/** `namespaces` (a namespace selector) or `pods` (namespaceSelector AND podSelector) to a pod test. */
function podMatcher(
  obj: LoadedObject,
  path: PathSegment[],
  field: string,
  value: unknown,
  cluster: Cluster,
  problems: Problems,
): ((pod: Pod) => boolean) | undefined {
  let nss: LabelMatcher;
  let pods: LabelMatcher = () => true;
  if (field === 'namespaces') nss = compileLabelSelector(obj, [...path, field], value ?? {}, problems);
  else if (field === 'pods' && isRecord(value)) {
    // An absent namespaceSelector is the empty selector: every namespace.
    nss = compileLabelSelector(
      obj,
      [...path, field, 'namespaceSelector'],
      value['namespaceSelector'] ?? {},
      problems,
    );
    pods = compileLabelSelector(obj, [...path, field, 'podSelector'], value['podSelector'] ?? {}, problems);
  } else return undefined;
  return memoPerPod(cluster.pods.length, (pod) => {
    const ns = cluster.namespaces.get(pod.namespace);
    return !!ns && nss(ns.labels) && pods(pod.labels);
  });
}

function compilePeer(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  cluster: Cluster,
  problems: Problems,
): PeerTest {
  if (!isRecord(value)) return () => false;
  const field = Object.keys(value).find((k) => value[k] !== undefined && value[k] !== null);
  if (field === 'networks') {
    // Networks match any address, pod addresses included (the API says so for 0.0.0.0/0).
    const cidrs = (Array.isArray(value[field]) ? value[field] : [])
      .map((c: unknown) => (typeof c === 'string' ? parseCidr(c, POLICY_SYNTAX) : undefined))
      .filter((c): c is Cidr => !!c);
    return memoIpTest(cluster, (ip) => !!ip && cidrs.some((c) => cidrContains(c, ip)));
  }
  if (field === 'nodes' || field === 'domainNames') {
    problems.notes.push(
      `${obj.location.file}:${obj.location.line}: ClusterNetworkPolicy ${nameOf(obj, problems)}: a ${field} peer (${path.join('.')}) is not evaluated: picocal knows no node addresses or DNS answers, the peer matches nothing here`,
    );
    return () => false;
  }
  if (!field) return () => false;
  const test = podMatcher(obj, path, field, value[field], cluster, problems);
  return test ? (peer) => peer.kind === 'pod' && test(peer.pod) : () => false;
}

function rangeTest(protocol: number, start: number, end: number, points: number[]): PortTest {
  points.push(start, end + 1);
  return (f) => f.protocol === protocol && f.port !== undefined && f.port >= start && f.port <= end;
}

function namedTest(name: string): PortTest {
  // Resolved on the destination pod, on whichever protocol its port of that name serves.
  return (f) =>
    f.port !== undefined &&
    f.dst.kind === 'pod' &&
    f.dst.pod.ports.some((p) => p.name === name && p.protocol === f.protocol && p.port === f.port);
}

/** The current API's `protocols` entry: {tcp|udp|sctp: {destinationPort: {number | range}}} or destinationNamedPort. */
function compileProtocol(value: unknown, points: number[]): PortTest {
  if (!isRecord(value)) return () => false;
  if (typeof value['destinationNamedPort'] === 'string') return namedTest(value['destinationNamedPort']);
  for (const key of ['tcp', 'udp', 'sctp'] as const) {
    const proto = value[key];
    if (!isRecord(proto)) continue;
    const n = protocolNumber(key.toUpperCase()) as number;
    const dp = isRecord(proto['destinationPort']) ? proto['destinationPort'] : {};
    if (typeof dp['number'] === 'number') return rangeTest(n, dp['number'], dp['number'], points);
    const r = dp['range'];
    if (isRecord(r) && typeof r['start'] === 'number' && typeof r['end'] === 'number')
      return rangeTest(n, r['start'], r['end'], points);
    return (f) => f.protocol === n;
  }
  return () => false;
}

function compileRules(
  obj: LoadedObject,
  spec: Record<string, unknown>,
  dir: Direction,
  cluster: Cluster,
  problems: Problems,
): CompiledRule[] {
  const list = Array.isArray(spec[dir]) ? (spec[dir] as unknown[]) : [];
  const peerKey = dir === 'ingress' ? 'from' : 'to';
  return list.map((rule, index): CompiledRule => {
    const path: PathSegment[] = ['spec', dir, index];
    const r = isRecord(rule) ? rule : {};
    const peers = (Array.isArray(r[peerKey]) ? (r[peerKey] as unknown[]) : []).map((p, i) =>
      compilePeer(obj, [...path, peerKey, i], p, cluster, problems),
    );
    const points: number[] = [];
    const ports: PortTest[] = (Array.isArray(r['protocols']) ? r['protocols'] : []).map((p: unknown) =>
      compileProtocol(p, points),
    );
    const peerOf = (f: Flow) => (dir === 'ingress' ? f.src : f.dst);
    const sourceAction = String(r['action']);
    return {
      action: ACTIONS[sourceAction] ?? 'Deny',
      sourceAction,
      ...(typeof r['name'] === 'string' && r['name'] ? { name: r['name'] } : {}),
      index,
      // Found when an explanation names the rule, not for every rule of every policy read.
      get location() {
        return obj.at(path);
      },
      portPoints: points,
      // `from`/`to` always has a peer (the API requires one); no ports entry = every port and protocol.
      matches: (f) => peers.some((p) => p(peerOf(f))) && (ports.length === 0 || ports.some((t) => t(f))),
    };
  });
}

export function compileClusterNetworkPolicy(
  obj: LoadedObject,
  cluster: Cluster,
  problems: Problems,
): CompiledPolicy {
  const name = nameOf(obj, problems);
  for (const issue of validateClusterNetworkPolicy(obj.value))
    problems.add(obj, issue.path, issue.message, issue.hint);
  const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
  const tier = spec['tier'] === 'Baseline' ? CNP_TIERS.Baseline : CNP_TIERS.Admin;
  const subject = isRecord(spec['subject']) ? spec['subject'] : {};
  const subjectField = subject['pods'] !== undefined ? 'pods' : 'namespaces';
  const selects =
    podMatcher(obj, ['spec', 'subject'], subjectField, subject[subjectField], cluster, problems) ??
    (() => false);
  const ingress = compileRules(obj, spec, 'ingress', cluster, problems);
  const egress = compileRules(obj, spec, 'egress', cluster, problems);
  const types = new Set<Direction>();
  if (ingress.length) types.add('ingress');
  if (egress.length) types.add('egress');
  return {
    ref: {
      kind: 'ClusterNetworkPolicy',
      sourceKind: obj.kind,
      apiVersion: obj.apiVersion,
      name,
      namespace: undefined,
      tier,
      location: obj.location,
    },
    order: typeof spec['priority'] === 'number' ? spec['priority'] : undefined,
    // Two policies of one priority may match in any order (the API leaves it to the implementation).
    sortName: name,
    types,
    namespace: undefined,
    selects,
    ingress,
    egress,
    staged: undefined,
  };
}
