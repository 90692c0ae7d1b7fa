// projectcalico.org/v3 NetworkPolicy and GlobalNetworkPolicy (and their Staged* forms): ordered rules,
// first match wins, actions Allow, Deny, Pass (to the next tier) and Log (record, continue).
import type { PathSegment } from '../../yaml/source-map.js';
import type { Cluster } from '../model/cluster.js';
import type { Flow } from '../model/flow.js';
import type { CompiledPolicy, CompiledRule, Direction, PolicyKind, RuleAction } from '../model/policy.js';
import { isIcmp, protocolNumber } from '../net/protocol.js';
import { memoPerPod } from '../evaluate/memo.js';
import { namespaceInfo } from '../load/cluster.js';
import { isRecord, metadataOf, nameOf, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { compileEntity, saLabels } from './entity-rule.js';
import { compileSelector } from './selector-field.js';

const ACTIONS: Record<string, RuleAction> = { allow: 'Allow', deny: 'Deny', pass: 'Pass', log: 'Log' };

type FlowTest = (f: Flow) => boolean;

function compileProtocol(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = protocolNumber(value);
  if (n === undefined)
    problems.add(
      obj,
      path,
      `'${String(value)}' is not a protocol`,
      'use TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite or 1-255',
    );
  return n;
}

function compileIcmp(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): FlowTest | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    problems.add(obj, path, 'icmp must be a mapping (type, code)');
    return () => false;
  }
  const type = value['type'];
  const code = value['code'];
  if (type !== undefined && (typeof type !== 'number' || type < 0 || type > 254))
    problems.add(obj, [...path, 'type'], 'ICMP type must be a number 0-254');
  if (code !== undefined && type === undefined)
    problems.add(obj, [...path, 'code'], 'an ICMP code needs a type');
  return (f) =>
    isIcmp(f.protocol) &&
    (type === undefined || f.icmpType === type) &&
    (code === undefined || f.icmpCode === code);
}

function compileRule(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  index: number,
  namespace: string | undefined,
  cluster: Cluster,
  problems: Problems,
): CompiledRule {
  const never: CompiledRule = {
    action: 'Deny',
    index,
    // Found when an explanation names the rule, not for every rule of every policy read.
    get location() {
      return obj.at(path);
    },
    matches: () => false,
    portPoints: [],
  };
  if (!isRecord(value)) {
    problems.add(obj, path, 'a rule must be a mapping with an action');
    return never;
  }
  const actionText = value['action'];
  const action = typeof actionText === 'string' ? ACTIONS[actionText.toLowerCase()] : undefined;
  if (!action) {
    problems.add(
      obj,
      [...path, 'action'],
      `action '${String(actionText)}' is not one of Allow, Deny, Pass, Log`,
    );
    return never;
  }
  const tests: FlowTest[] = [];
  const protocol = compileProtocol(obj, [...path, 'protocol'], value['protocol'], problems);
  const notProtocol = compileProtocol(obj, [...path, 'notProtocol'], value['notProtocol'], problems);
  if (protocol !== undefined) tests.push((f) => f.protocol === protocol);
  if (notProtocol !== undefined) tests.push((f) => f.protocol !== notProtocol);
  const icmp = compileIcmp(obj, [...path, 'icmp'], value['icmp'], problems);
  const notIcmp = compileIcmp(obj, [...path, 'notICMP'], value['notICMP'], problems);
  if (icmp) tests.push(icmp);
  if (notIcmp) tests.push((f) => !notIcmp(f));
  const ipVersion = value['ipVersion'];
  if (ipVersion !== undefined) {
    if (ipVersion !== 4 && ipVersion !== 6)
      problems.add(obj, [...path, 'ipVersion'], 'ipVersion must be 4 or 6');
    tests.push((f) => {
      const ip = f.src.kind === 'pod' ? f.src.pod.ip : f.src.ip;
      return ip === undefined || ip.version === ipVersion;
    });
  }
  const src = compileEntity(
    obj,
    [...path, 'source'],
    value['source'],
    'source',
    namespace,
    cluster,
    problems,
  );
  const dst = compileEntity(
    obj,
    [...path, 'destination'],
    value['destination'],
    'destination',
    namespace,
    cluster,
    problems,
  );
  const unsupported = [
    ...src.unsupported,
    ...dst.unsupported,
    ...(value['http'] !== undefined ? ['http'] : []),
  ];
  if (unsupported.length) {
    const at = obj.at(path);
    problems.notes.push(
      `${at.file}:${at.line}: rule matches on ${unsupported.join(', ')}, which picocal cannot evaluate statically: the rule is treated as never matching`,
    );
    return { ...never, action };
  }
  tests.push(src.test, dst.test);
  return {
    action,
    index,
    // Found when an explanation names the rule, not for every rule of every policy read.
    get location() {
      return obj.at(path);
    },
    portPoints: dst.points,
    matches: (f) => {
      for (const t of tests) if (!t(f)) return false;
      return true;
    },
  };
}

function defaultTypes(spec: Record<string, unknown>): Set<Direction> {
  const hasIngress = Array.isArray(spec['ingress']) && spec['ingress'].length > 0;
  const hasEgress = Array.isArray(spec['egress']) && spec['egress'].length > 0;
  if (hasEgress && !hasIngress) return new Set(['egress']);
  if (hasEgress) return new Set(['ingress', 'egress']);
  return new Set(['ingress']);
}

export function compileCalicoPolicy(
  obj: LoadedObject,
  kind: Exclude<PolicyKind, 'KubernetesNetworkPolicy' | 'ClusterNetworkPolicy'>,
  cluster: Cluster,
  problems: Problems,
  staged?: { action: 'Set' | 'Delete' },
): CompiledPolicy {
  const name = nameOf(obj, problems);
  const meta = metadataOf(obj);
  const namespace =
    kind === 'NetworkPolicy'
      ? typeof meta['namespace'] === 'string'
        ? meta['namespace']
        : 'default'
      : undefined;
  const spec = isRecord(obj.value['spec']) ? obj.value['spec'] : {};
  const tier = typeof spec['tier'] === 'string' && spec['tier'] ? spec['tier'] : 'default';
  const order = spec['order'];
  if (order !== undefined && order !== null && (typeof order !== 'number' || !Number.isFinite(order)))
    problems.add(obj, ['spec', 'order'], `order must be a finite number, found ${String(order)}`);
  const selector = compileSelector(obj, ['spec', 'selector'], spec['selector'], problems);
  const nsSelector =
    kind === 'GlobalNetworkPolicy'
      ? compileSelector(obj, ['spec', 'namespaceSelector'], spec['namespaceSelector'], problems)
      : undefined;
  const saSelector = compileSelector(
    obj,
    ['spec', 'serviceAccountSelector'],
    spec['serviceAccountSelector'],
    problems,
  );

  let types = defaultTypes(spec);
  if (Array.isArray(spec['types']) && spec['types'].length) {
    types = new Set();
    spec['types'].forEach((t: unknown, i) => {
      if (t === 'Ingress') types.add('ingress');
      else if (t === 'Egress') types.add('egress');
      else problems.add(obj, ['spec', 'types', i], `unknown type '${String(t)}'`, 'use Ingress or Egress');
    });
  }
  for (const key of ['doNotTrack', 'preDNAT', 'applyOnForward'])
    if (spec[key] === true)
      problems.notes.push(
        `${obj.location.file}:${obj.location.line}: ${key} applies to host endpoints, which picocal does not model`,
      );

  const rules = (dir: Direction): CompiledRule[] => {
    const list = spec[dir];
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) {
      problems.add(obj, ['spec', dir], `${dir} must be a list of rules`);
      return [];
    }
    return list.map((r: unknown, i) =>
      compileRule(obj, ['spec', dir, i], r, i, namespace, cluster, problems),
    );
  };

  const selects = memoPerPod(cluster.pods.length, (pod) => {
    if (namespace !== undefined && pod.namespace !== namespace) return false;
    if (nsSelector) {
      const ns = cluster.namespaces.get(pod.namespace) ?? namespaceInfo(pod.namespace, {});
      if (!nsSelector.matches(ns.calicoLabels, { global: false })) return false;
    }
    if (saSelector && !saSelector.matches(saLabels(cluster, pod))) return false;
    return selector ? selector.matches(pod.calicoLabels) : true;
  });

  return {
    ref: {
      kind,
      sourceKind: obj.kind,
      apiVersion: obj.apiVersion,
      name,
      namespace,
      tier,
      location: obj.location,
    },
    order: typeof order === 'number' && Number.isFinite(order) ? order : undefined,
    sortName: name,
    types,
    namespace,
    selects,
    ingress: rules('ingress'),
    egress: rules('egress'),
    staged,
  };
}
