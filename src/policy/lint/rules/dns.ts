// DNS under default deny. Once a pod's egress is isolated it needs an explicit allow to the cluster
// DNS on UDP *and* TCP 53 (large answers and some resolvers use TCP); without one, every name lookup
// fails and the workload looks broken for reasons that have nothing to do with its own policies.
import type { PathSegment } from '../../../yaml/source-map.js';
import { parseSelectorCached } from '../../selector/index.js';
import { RULES } from '../catalog.js';
import {
  asArray,
  asString,
  describe,
  effectiveNamespace,
  isCalicoPolicy,
  isGlobal,
  isKubernetesShaped,
  isObject,
  type Json,
  type Resource,
} from '../resource.js';
import type { LintContext } from '../rule.js';
import { calicoRules, kubernetesRules, policySpec } from '../walk.js';

type Proto = 'UDP' | 'TCP';
const DNS_PORT = 53;
/** kube-dns / CoreDNS container port names. */
const DNS_PORT_NAMES: Record<string, Proto> = { dns: 'UDP', 'dns-tcp': 'TCP' };

interface Coverage {
  UDP: boolean;
  TCP: boolean;
}

function portCovers(port: unknown, end: unknown, proto: Proto): boolean {
  if (port === undefined) return true;
  if (typeof port === 'string') {
    if (DNS_PORT_NAMES[port] === proto) return true;
    const range = /^([0-9]+)(?::([0-9]+))?$/.exec(port);
    if (!range) return false;
    const lo = Number(range[1]);
    const hi = range[2] === undefined ? lo : Number(range[2]);
    return lo <= DNS_PORT && DNS_PORT <= hi;
  }
  if (typeof port !== 'number') return false;
  const hi = typeof end === 'number' ? end : port;
  return port <= DNS_PORT && DNS_PORT <= hi;
}

/** Which DNS protocols an egress rule of a Kubernetes-shaped policy allows. */
function kubernetesRuleCoverage(rule: Json): Coverage & { explicitUdp: PathSegment[] | undefined } {
  const ports = asArray(rule['ports']).filter(isObject);
  if (ports.length === 0) return { UDP: true, TCP: true, explicitUdp: undefined };
  const cov = { UDP: false, TCP: false, explicitUdp: undefined as PathSegment[] | undefined };
  ports.forEach((p, i) => {
    const proto = asString(p['protocol']) ?? 'TCP';
    if (proto !== 'UDP' && proto !== 'TCP') return;
    if (portCovers(p['port'], p['endPort'], proto)) {
      cov[proto] = true;
      if (proto === 'UDP' && p['port'] !== undefined && !cov.explicitUdp) cov.explicitUdp = ['ports', i];
    }
  });
  return cov;
}

function calicoProtoMatches(protocol: unknown, proto: Proto): boolean {
  if (protocol === undefined) return true;
  return protocol === proto || protocol === (proto === 'TCP' ? 6 : 17);
}

function calicoRuleCoverage(rule: Json): Coverage & { explicitUdp: PathSegment[] | undefined } {
  const cov = { UDP: false, TCP: false, explicitUdp: undefined as PathSegment[] | undefined };
  if (rule['action'] !== 'Allow') return cov;
  const dest = isObject(rule['destination']) ? rule['destination'] : {};
  const ports = dest['ports'] === undefined ? undefined : asArray(dest['ports']);
  for (const proto of ['UDP', 'TCP'] as const) {
    if (!calicoProtoMatches(rule['protocol'], proto)) continue;
    if (ports === undefined || ports.some((p) => portCovers(p, undefined, proto))) cov[proto] = true;
  }
  if (cov.UDP && !cov.TCP && ports !== undefined) cov.explicitUdp = ['destination', 'ports'];
  return cov;
}

interface PolicyDns {
  r: Resource;
  coverage: Coverage;
  /** Where a UDP-53-only allow is written, if there is one. */
  udpAt: PathSegment[] | undefined;
  /** Where the policy denies all egress by default, if it does. */
  defaultDenyAt: PathSegment[] | undefined;
}

function typesOf(r: Resource): unknown[] | undefined {
  const s = policySpec(r);
  const t = isKubernetesShaped(r) ? s['policyTypes'] : s['types'];
  return Array.isArray(t) ? t : undefined;
}

function selectsAll(r: Resource): boolean {
  const s = policySpec(r);
  if (isKubernetesShaped(r)) {
    const sel = s['podSelector'];
    return (
      isObject(sel) &&
      asArray(sel['matchExpressions']).length === 0 &&
      (!isObject(sel['matchLabels']) || Object.keys(sel['matchLabels']).length === 0)
    );
  }
  if (s['namespaceSelector'] !== undefined || s['serviceAccountSelector'] !== undefined) return false;
  const text = s['selector'];
  if (text === undefined) return true;
  if (typeof text !== 'string') return false;
  try {
    return parseSelectorCached(text).root.kind === 'all';
  } catch {
    return false;
  }
}

function analyse(r: Resource): PolicyDns | undefined {
  const kube = isKubernetesShaped(r);
  if (!kube && !isCalicoPolicy(r)) return undefined;
  const coverage: Coverage = { UDP: false, TCP: false };
  let udpAt: PathSegment[] | undefined;
  const rules = kube ? kubernetesRules(r) : calicoRules(r);
  for (const rule of rules) {
    if (rule.direction !== 'egress') continue;
    const cov = kube ? kubernetesRuleCoverage(rule.value) : calicoRuleCoverage(rule.value);
    coverage.UDP ||= cov.UDP;
    coverage.TCP ||= cov.TCP;
    if (cov.explicitUdp && !udpAt) udpAt = [...rule.path, ...cov.explicitUdp];
  }
  const types = typesOf(r);
  const egressIndex = types ? types.indexOf('Egress') : -1;
  const allowsSomething = rules.some(
    (x) =>
      x.direction === 'egress' && (kube || x.value['action'] === 'Allow' || x.value['action'] === 'Pass'),
  );
  const defaultDenyAt =
    egressIndex >= 0 && !allowsSomething && selectsAll(r)
      ? ['spec', kube ? 'policyTypes' : 'types', egressIndex]
      : undefined;
  return { r, coverage, udpAt, defaultDenyAt };
}

export function checkDns(ctx: LintContext): void {
  const policies = ctx.resources.map(analyse).filter((p): p is PolicyDns => p !== undefined);
  const global: Coverage = { UDP: false, TCP: false };
  const byNamespace = new Map<string, Coverage>();
  for (const p of policies) {
    const target = isGlobal(p.r)
      ? global
      : (byNamespace.get(effectiveNamespace(p.r)) ?? { UDP: false, TCP: false });
    target.UDP ||= p.coverage.UDP;
    target.TCP ||= p.coverage.TCP;
    if (!isGlobal(p.r)) byNamespace.set(effectiveNamespace(p.r), target);
  }
  const coverageFor = (p: PolicyDns): Coverage => {
    const ns = isGlobal(p.r) ? undefined : byNamespace.get(effectiveNamespace(p.r));
    return { UDP: global.UDP || (ns?.UDP ?? false), TCP: global.TCP || (ns?.TCP ?? false) };
  };
  for (const p of policies) {
    const cov = coverageFor(p);
    const where = isGlobal(p.r) ? 'the cluster' : `namespace ${effectiveNamespace(p.r)}`;
    if (p.udpAt && !cov.TCP) {
      ctx.report(
        RULES.udpOnlyDns,
        p.r,
        p.udpAt,
        `${describe(p.r)} allows DNS over UDP port 53 only, and no policy for ${where} allows TCP 53: answers too large for UDP (and resolvers that retry over TCP) fail`,
        'allow TCP port 53 beside UDP 53 in the same rule',
      );
    }
    if (p.defaultDenyAt && !cov.UDP && !cov.TCP) {
      ctx.report(
        RULES.defaultDenyWithoutDns,
        p.r,
        p.defaultDenyAt,
        `${describe(p.r)} denies all egress in ${where}, and no policy in these files allows DNS there: every name lookup will fail`,
        'add an egress allow to the cluster DNS: namespaceSelector kubernetes.io/metadata.name: kube-system with podSelector k8s-app: kube-dns, UDP and TCP 53 (picocal policy new allow-dns)',
      );
    }
  }
}
