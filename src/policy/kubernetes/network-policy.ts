// networking.k8s.io/v1 NetworkPolicy, as Calico enforces it: a policy of tier `default` with order 1000
// whose rules all Allow. Isolation falls out of the tier walk: a pod selected for a direction by any
// policy of the tier, with no rule allowing the traffic, meets the end-of-tier deny.
import type { PathSegment } from '../../yaml/source-map.js';
import type { Cluster } from '../model/cluster.js';
import type { Flow, Peer } from '../model/flow.js';
import type { CompiledPolicy, CompiledRule, Direction } from '../model/policy.js';
import { cidrContains, parseCidr, type Cidr, POLICY_SYNTAX } from '../../net/ip.js';
import { hasPorts, protocolNumber } from '../net/protocol.js';
import { memoIpTest, memoPerPod } from '../evaluate/memo.js';
import { isRecord, metadataOf, nameOf, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { compileLabelSelector } from './label-selector.js';

export const KUBERNETES_POLICY_ORDER = 1000;

type PeerTest = (peer: Peer) => boolean;
type PortTest = (flow: Flow) => boolean;

function compilePeer(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  namespace: string,
  cluster: Cluster,
  problems: Problems,
): PeerTest {
  if (!isRecord(value)) {
    problems.add(obj, path, 'a peer must be a mapping with podSelector, namespaceSelector or ipBlock');
    return () => false;
  }
  const { podSelector, namespaceSelector, ipBlock } = value;
  if (ipBlock !== undefined && ipBlock !== null) {
    if (podSelector != null || namespaceSelector != null)
      problems.add(obj, path, 'ipBlock cannot be combined with podSelector or namespaceSelector in one peer');
    if (!isRecord(ipBlock) || typeof ipBlock['cidr'] !== 'string') {
      problems.add(obj, [...path, 'ipBlock'], 'ipBlock needs a cidr');
      return () => false;
    }
    const cidr = parseCidr(ipBlock['cidr'], POLICY_SYNTAX);
    if (!cidr) problems.add(obj, [...path, 'ipBlock', 'cidr'], `'${ipBlock['cidr']}' is not a CIDR`);
    const except: Cidr[] = [];
    if (Array.isArray(ipBlock['except']))
      ipBlock['except'].forEach((e: unknown, i) => {
        const c = typeof e === 'string' ? parseCidr(e, POLICY_SYNTAX) : undefined;
        if (!c) problems.add(obj, [...path, 'ipBlock', 'except', i], `'${String(e)}' is not a CIDR`);
        else except.push(c);
      });
    // Calico matches ipBlock against any address, pod addresses included (Kubernetes leaves that open).
    return memoIpTest(
      cluster,
      (ip) => !!cidr && !!ip && cidrContains(cidr, ip) && !except.some((e) => cidrContains(e, ip)),
    );
  }
  if (podSelector == null && namespaceSelector == null) {
    problems.add(obj, path, 'a peer needs podSelector, namespaceSelector or ipBlock');
    return () => false;
  }
  const pods =
    podSelector == null
      ? undefined
      : compileLabelSelector(obj, [...path, 'podSelector'], podSelector, problems);
  const nss =
    namespaceSelector == null
      ? undefined
      : compileLabelSelector(obj, [...path, 'namespaceSelector'], namespaceSelector, problems);
  const test = memoPerPod(cluster.pods.length, (pod) => {
    if (nss) {
      const ns = cluster.namespaces.get(pod.namespace);
      if (!ns || !nss(ns.labels)) return false;
    } else if (pod.namespace !== namespace) return false;
    return pods ? pods(pod.labels) : true;
  });
  return (peer) => peer.kind === 'pod' && test(peer.pod);
}

function compilePort(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
  points: number[],
): PortTest {
  if (!isRecord(value)) {
    problems.add(obj, path, 'a port entry must be a mapping (protocol, port, endPort)');
    return () => false;
  }
  const protocolText = value['protocol'] ?? 'TCP';
  const protocol = protocolNumber(protocolText);
  if (protocol === undefined || !hasPorts(protocol) || protocol === 136) {
    problems.add(
      obj,
      [...path, 'protocol'],
      `protocol '${String(protocolText)}' is not allowed in a Kubernetes NetworkPolicy`,
      'Kubernetes accepts TCP, UDP and SCTP; for ICMP write a Calico NetworkPolicy with `protocol: ICMP`',
    );
    return () => false;
  }
  const port = value['port'];
  const endPort = value['endPort'];
  if (port === undefined || port === null) return (f) => f.protocol === protocol;
  if (typeof port === 'string' && !/^\d+$/.test(port)) {
    if (endPort !== undefined)
      problems.add(obj, [...path, 'endPort'], 'endPort cannot be used with a named port');
    // A named port is resolved on the destination pod: different pods may serve it on different numbers.
    return (f) =>
      f.protocol === protocol &&
      f.port !== undefined &&
      f.dst.kind === 'pod' &&
      f.dst.pod.ports.some((p) => p.name === port && p.protocol === protocol && p.port === f.port);
  }
  const start = Number(port);
  const end = endPort === undefined || endPort === null ? start : Number(endPort);
  if (!Number.isInteger(start) || start < 1 || start > 65535) {
    problems.add(obj, [...path, 'port'], `'${String(port)}' is not a port (1-65535) or a port name`);
    return () => false;
  }
  if (!Number.isInteger(end) || end < start || end > 65535) {
    problems.add(
      obj,
      [...path, 'endPort'],
      `endPort ${String(endPort)} must be a port number not below port ${start}`,
    );
    return () => false;
  }
  points.push(start, end + 1);
  return (f) => f.protocol === protocol && f.port !== undefined && f.port >= start && f.port <= end;
}

function compileRules(
  obj: LoadedObject,
  spec: Record<string, unknown>,
  dir: Direction,
  namespace: string,
  cluster: Cluster,
  problems: Problems,
): CompiledRule[] {
  const list = spec[dir];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    problems.add(obj, ['spec', dir], `${dir} must be a list of rules`);
    return [];
  }
  const peerField = dir === 'ingress' ? 'from' : 'to';
  return list.map((rule: unknown, index): CompiledRule => {
    const path: PathSegment[] = ['spec', dir, index];
    const r = isRecord(rule) ? rule : {};
    if (!isRecord(rule) && rule !== null) problems.add(obj, path, 'a rule must be a mapping');
    const peersValue = r[peerField];
    const portsValue = r['ports'];
    // Absent or empty peers match every source/destination; absent or empty ports match every port.
    const peers = Array.isArray(peersValue)
      ? peersValue.map((p: unknown, i) =>
          compilePeer(obj, [...path, peerField, i], p, namespace, cluster, problems),
        )
      : [];
    const points: number[] = [];
    const ports = Array.isArray(portsValue)
      ? portsValue.map((p: unknown, i) => compilePort(obj, [...path, 'ports', i], p, problems, points))
      : [];
    const peerOf = (f: Flow) => (dir === 'ingress' ? f.src : f.dst);
    return {
      action: 'Allow',
      index,
      // Found when an explanation names the rule, not for every rule of every policy read.
      get location() {
        return obj.at(path);
      },
      portPoints: points,
      matches: (f) =>
        (peers.length === 0 || peers.some((t) => t(peerOf(f)))) &&
        (ports.length === 0 || ports.some((t) => t(f))),
    };
  });
}

export function compileKubernetesPolicy(
  obj: LoadedObject,
  cluster: Cluster,
  problems: Problems,
  staged?: { action: 'Set' | 'Delete' },
): CompiledPolicy {
  const name = nameOf(obj, problems);
  const meta = metadataOf(obj);
  const namespace = typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default';
  const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
  if (!isRecord(obj.value['spec'])) problems.add(obj, [], 'spec is missing');
  const podSelector =
    spec['podSelector'] === undefined
      ? (problems.add(
          obj,
          ['spec'],
          'spec.podSelector is required',
          'use `podSelector: {}` to select every pod',
        ),
        () => false)
      : compileLabelSelector(obj, ['spec', 'podSelector'], spec['podSelector'], problems);
  const types = new Set<Direction>();
  const declared = spec['policyTypes'];
  if (Array.isArray(declared) && declared.length) {
    declared.forEach((t: unknown, i) => {
      if (t === 'Ingress') types.add('ingress');
      else if (t === 'Egress') types.add('egress');
      else
        problems.add(
          obj,
          ['spec', 'policyTypes', i],
          `unknown policy type '${String(t)}'`,
          'use Ingress or Egress',
        );
    });
  } else {
    // The API server's defaulting: Ingress always, Egress only when there are egress rules.
    types.add('ingress');
    if (Array.isArray(spec['egress']) && spec['egress'].length > 0) types.add('egress');
  }
  const selects = memoPerPod(
    cluster.pods.length,
    (pod) => pod.namespace === namespace && podSelector(pod.labels),
  );
  return {
    ref: {
      kind: 'KubernetesNetworkPolicy',
      sourceKind: obj.kind,
      apiVersion: obj.apiVersion,
      name,
      namespace,
      tier: 'default',
      location: obj.location,
    },
    order: KUBERNETES_POLICY_ORDER,
    sortName: `knp.default.${name}`,
    types,
    namespace,
    selects,
    ingress: compileRules(obj, spec, 'ingress', namespace, cluster, problems),
    egress: compileRules(obj, spec, 'egress', namespace, cluster, problems),
    staged,
  };
}
