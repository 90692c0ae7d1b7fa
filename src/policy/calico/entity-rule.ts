// A Calico rule's `source` or `destination`. Selectors match *known* things: pods in scope and network
// sets in scope (an address inside a selected network set matches, whatever it is). Scope: the
// policy's namespace for a NetworkPolicy, everything for a GlobalNetworkPolicy, or the namespaces the
// `namespaceSelector` picks (`global()`: non-namespaced resources such as GlobalNetworkSets).
import type { PathSegment } from '../../yaml/source-map.js';
import type { Cluster, Labels, NetworkSetInfo, Pod } from '../model/cluster.js';
import type { Flow, Peer } from '../model/flow.js';
import { cidrContains, parseCidr, type Cidr, type IpAddress, POLICY_SYNTAX } from '../../net/ip.js';
import { memoIpTest, memoPerPod } from '../evaluate/memo.js';
import { namespaceInfo } from '../load/cluster.js';
import { isRecord, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import type { Selector } from '../selector/index.js';
import { compilePorts, portInList, portPoints } from './ports.js';
import { compileSelector, selectsGlobalScope } from './selector-field.js';

export type EntityRole = 'source' | 'destination';

export interface CompiledEntity {
  test(flow: Flow): boolean;
  points: number[];
  /** Match criteria picocal cannot evaluate statically (services, domains). */
  unsupported: string[];
}

function compileNets(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): Cidr[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    problems.add(obj, path, 'must be a list of CIDRs');
    return undefined;
  }
  return value.flatMap((n: unknown, i) => {
    const c = typeof n === 'string' ? parseCidr(n, POLICY_SYNTAX) : undefined;
    if (!c) problems.add(obj, [...path, i], `'${String(n)}' is not a CIDR`, 'write e.g. 203.0.113.0/24');
    return c ? [c] : [];
  });
}

function inAny(cidrs: readonly Cidr[], ip: IpAddress | undefined): boolean {
  return !!ip && cidrs.some((c) => cidrContains(c, ip));
}

export function saLabels(cluster: Cluster, pod: Pod): Labels {
  const sa = cluster.serviceAccounts.get(`${pod.namespace}/${pod.serviceAccount}`);
  return { ...(sa?.labels ?? {}), 'projectcalico.org/name': pod.serviceAccount };
}

export function compileEntity(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  role: EntityRole,
  policyNamespace: string | undefined,
  cluster: Cluster,
  problems: Problems,
): CompiledEntity {
  const unsupported: string[] = [];
  if (value === undefined || value === null) return { test: () => true, points: [], unsupported };
  if (!isRecord(value)) {
    problems.add(obj, path, `${role} must be a mapping`);
    return { test: () => false, points: [], unsupported };
  }
  for (const key of ['services', 'domains']) if (value[key] !== undefined) unsupported.push(`${role}.${key}`);
  const nets = compileNets(obj, [...path, 'nets'], value['nets'], problems);
  const notNets = compileNets(obj, [...path, 'notNets'], value['notNets'], problems);
  const selector = compileSelector(obj, [...path, 'selector'], value['selector'], problems);
  const notSelector = compileSelector(obj, [...path, 'notSelector'], value['notSelector'], problems);
  const nsSelector = compileSelector(
    obj,
    [...path, 'namespaceSelector'],
    value['namespaceSelector'],
    problems,
  );
  const ports = compilePorts(obj, [...path, 'ports'], value['ports'], problems);
  const notPorts = compilePorts(obj, [...path, 'notPorts'], value['notPorts'], problems);

  let saNames: Set<string> | undefined;
  let saSelector: Selector | undefined;
  const sa = value['serviceAccounts'];
  if (sa !== undefined && sa !== null) {
    if (!isRecord(sa))
      problems.add(obj, [...path, 'serviceAccounts'], 'serviceAccounts must be a mapping (names, selector)');
    else {
      if (Array.isArray(sa['names'])) saNames = new Set(sa['names'].map(String));
      saSelector = compileSelector(obj, [...path, 'serviceAccounts', 'selector'], sa['selector'], problems);
    }
  }
  const hasSa = saNames !== undefined || saSelector !== undefined;
  const globalScope = nsSelector ? selectsGlobalScope(nsSelector) : false;

  const podInScope = (pod: Pod): boolean => {
    if (nsSelector) {
      const ns = cluster.namespaces.get(pod.namespace) ?? namespaceInfo(pod.namespace, {});
      return nsSelector.matches(ns.calicoLabels, { global: false });
    }
    return policyNamespace === undefined || pod.namespace === policyNamespace;
  };
  const setInScope = (set: NetworkSetInfo): boolean => {
    if (set.namespace === undefined) return nsSelector ? globalScope : policyNamespace === undefined;
    if (nsSelector) {
      const ns = cluster.namespaces.get(set.namespace) ?? namespaceInfo(set.namespace, {});
      return nsSelector.matches(ns.calicoLabels, { global: false });
    }
    return policyNamespace === undefined || set.namespace === policyNamespace;
  };
  const setLabels = (set: NetworkSetInfo): Labels =>
    set.namespace === undefined
      ? set.labels
      : { ...set.labels, 'projectcalico.org/namespace': set.namespace };
  const saOk = (pod: Pod): boolean => {
    if (saNames && !saNames.has(pod.serviceAccount)) return false;
    return saSelector ? saSelector.matches(saLabels(cluster, pod)) : true;
  };

  const tests: ((f: Flow, peer: Peer) => boolean)[] = [];
  if (nets) {
    const t = memoIpTest(cluster, (ip) => inAny(nets, ip));
    tests.push((_f, peer) => t(peer));
  }
  if (notNets) {
    const t = memoIpTest(cluster, (ip) => !inAny(notNets, ip));
    tests.push((_f, peer) => t(peer));
  }

  if (selector || nsSelector || hasSa) {
    const podMatch = memoPerPod(
      cluster.pods.length,
      (pod) => podInScope(pod) && (selector ? selector.matches(pod.calicoLabels) : true) && saOk(pod),
    );
    // Network sets cannot run under a service account, so a serviceAccounts match excludes them.
    const setCidrs = hasSa
      ? []
      : cluster.networkSets
          .filter(
            (s) =>
              setInScope(s) &&
              (selector ? selector.matches(setLabels(s), { global: s.namespace === undefined }) : true),
          )
          .flatMap((s) => s.nets);
    const inSets = memoIpTest(cluster, (ip) => inAny(setCidrs, ip));
    tests.push((_f, peer) => (peer.kind === 'pod' && podMatch(peer.pod)) || inSets(peer));
  }
  if (notSelector) {
    const podHit = memoPerPod(
      cluster.pods.length,
      (pod) => podInScope(pod) && notSelector.matches(pod.calicoLabels),
    );
    const setCidrs = cluster.networkSets
      .filter(
        (s) => setInScope(s) && notSelector.matches(setLabels(s), { global: s.namespace === undefined }),
      )
      .flatMap((s) => s.nets);
    const inSets = memoIpTest(cluster, (ip) => inAny(setCidrs, ip));
    tests.push((_f, peer) => !(peer.kind === 'pod' && podHit(peer.pod)) && !inSets(peer));
  }
  // The source port of a connection is ephemeral and unknown here: a source `ports` match cannot be
  // proven, a source `notPorts` cannot be violated.
  if (ports) {
    tests.push((f, peer) =>
      role === 'destination' && f.port !== undefined
        ? portInList(ports, f.port, f.protocol, peer.kind === 'pod' ? peer.pod : undefined)
        : false,
    );
  }
  if (notPorts) {
    tests.push((f, peer) =>
      role === 'destination' && f.port !== undefined
        ? !portInList(notPorts, f.port, f.protocol, peer.kind === 'pod' ? peer.pod : undefined)
        : true,
    );
  }
  const points: number[] = [];
  if (role === 'destination') {
    portPoints(ports, points);
    portPoints(notPorts, points);
  }
  const pick = role === 'source' ? (f: Flow) => f.src : (f: Flow) => f.dst;
  return {
    test: (f) => {
      const peer = pick(f);
      for (const t of tests) if (!t(f, peer)) return false;
      return true;
    },
    points,
    unsupported,
  };
}
