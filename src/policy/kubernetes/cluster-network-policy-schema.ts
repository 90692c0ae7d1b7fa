// What the API server accepts for a ClusterNetworkPolicy: the CRD's OpenAPI and CEL rules of
// kubernetes-sigs/network-policy-api apis/v1alpha2/clusternetworkpolicy_types.go (required fields,
// `tier` Admin|Baseline, `priority` 0..1000, exactly one subject / peer / port field, at most 25 rules,
// peers and CIDRs, ports 1..65535 with start < end, no named port towards networks, domainNames only
// in Accept rules). One list of issues, read by the loader (exit 2) and by `policy lint` (errors).
import type { PathSegment } from '../../yaml/source-map.js';
import { parseCidr, POLICY_SYNTAX } from '../../net/ip.js';

export interface CnpIssue {
  path: PathSegment[];
  message: string;
  hint?: string;
  /** A missing required field: the message names it; point at the key of `path`, not its value. */
  missing?: true;
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export const CNP_TIERS = { Admin: 'kube-admin', Baseline: 'kube-baseline' } as const;
export const CNP_ACTIONS = ['Accept', 'Deny', 'Pass'] as const;
export const CNP_MAX_RULES = 25;

const INGRESS_PEER_FIELDS = ['namespaces', 'pods'];
const EGRESS_PEER_FIELDS = ['namespaces', 'pods', 'nodes', 'networks', 'domainNames'];
/** A `protocols` entry. The earlier API's `ports` (portNumber, portRange, namedPort) is not in the CRD that
 * Calico 3.32.1 installs: the API server refuses it as an unknown field (seen on the real tier:
 * `strict decoding error: unknown field "spec.ingress[0].ports"`, test/lab/real-tier.test.ts). */
const PROTOCOL_FIELDS = ['tcp', 'udp', 'sctp', 'destinationNamedPort'];
const RULE_FIELDS = {
  ingress: ['name', 'action', 'from', 'protocols'],
  egress: ['name', 'action', 'to', 'protocols'],
};

function setFields(v: Json, allowed: readonly string[]): string[] {
  return allowed.filter((k) => v[k] !== undefined && v[k] !== null);
}

function exactlyOne(
  v: unknown,
  allowed: readonly string[],
  path: PathSegment[],
  what: string,
  out: CnpIssue[],
) {
  if (!isRecord(v)) {
    out.push({ path, message: `${what} must be a mapping with exactly one of ${allowed.join(', ')}` });
    return undefined;
  }
  const set = setFields(v, allowed);
  const unknown = Object.keys(v).filter((k) => !allowed.includes(k));
  for (const k of unknown) out.push({ path: [...path, k], message: `unknown field '${k}' in ${what}` });
  if (set.length !== 1)
    out.push({
      path,
      message: `${what} must set exactly one of ${allowed.join(', ')} (it sets ${set.length ? set.join(', ') : 'none'})`,
    });
  return set.length === 1 ? set[0] : undefined;
}

function isPort(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 65535;
}

function checkRange(v: unknown, path: PathSegment[], out: CnpIssue[], startKey = 'start', endKey = 'end') {
  if (!isRecord(v)) return out.push({ path, message: 'a port range must be a mapping with start and end' });
  const s = v[startKey];
  const e = v[endKey];
  if (!isPort(s)) out.push({ path: [...path, startKey], message: `${startKey} must be a port 1-65535` });
  if (!isPort(e)) out.push({ path: [...path, endKey], message: `${endKey} must be a port 1-65535` });
  if (isPort(s) && isPort(e) && !(s < e))
    out.push({ path, message: `Start port must be less than End port (${s} ≥ ${e})` });
  return 0;
}

function checkProtocol(v: unknown, path: PathSegment[], out: CnpIssue[]): boolean {
  const field = exactlyOne(v, PROTOCOL_FIELDS, path, 'a protocols entry', out);
  if (!field || !isRecord(v)) return false;
  if (field === 'destinationNamedPort') {
    if (typeof v[field] !== 'string' || !v[field])
      out.push({ path: [...path, field], message: 'destinationNamedPort must be a port name' });
    return true;
  }
  const proto = v[field];
  if (!isRecord(proto) || proto['destinationPort'] === undefined) {
    out.push({ path: [...path, field], message: `${field} needs destinationPort (number or range)` });
    return false;
  }
  const dp = proto['destinationPort'];
  const which = exactlyOne(
    dp,
    ['number', 'range'],
    [...path, field, 'destinationPort'],
    'destinationPort',
    out,
  );
  if (which === 'number' && isRecord(dp) && !isPort(dp['number']))
    out.push({
      path: [...path, field, 'destinationPort', 'number'],
      message: 'number must be a port 1-65535',
    });
  if (which === 'range' && isRecord(dp))
    checkRange(dp['range'], [...path, field, 'destinationPort', 'range'], out);
  return false;
}

function checkSelector(v: unknown, path: PathSegment[], out: CnpIssue[]) {
  if (!isRecord(v))
    out.push({ path, message: 'a label selector must be a mapping (matchLabels / matchExpressions)' });
}

function checkPods(v: unknown, path: PathSegment[], out: CnpIssue[]) {
  if (!isRecord(v))
    return out.push({ path, message: 'pods must be a mapping with podSelector (and namespaceSelector)' });
  if (v['podSelector'] === undefined || v['podSelector'] === null)
    out.push({ path, message: 'pods.podSelector is required', hint: 'use `podSelector: {}` for every pod' });
  else checkSelector(v['podSelector'], [...path, 'podSelector'], out);
  if (v['namespaceSelector'] !== undefined && v['namespaceSelector'] !== null)
    checkSelector(v['namespaceSelector'], [...path, 'namespaceSelector'], out);
  return 0;
}

function checkRule(rule: unknown, dir: 'ingress' | 'egress', path: PathSegment[], out: CnpIssue[]) {
  if (!isRecord(rule))
    return out.push({ path, message: 'a rule must be a mapping (action, from/to, protocols)' });
  const action = rule['action'];
  if (action === undefined)
    out.push({ path, message: 'action is required', hint: 'use Accept, Deny or Pass' });
  else if (!(CNP_ACTIONS as readonly string[]).includes(String(action)))
    out.push({
      path: [...path, 'action'],
      message: `action '${String(action)}' must be Accept, Deny or Pass`,
      ...(action === 'Allow' ? { hint: 'ClusterNetworkPolicy says Accept where Calico says Allow' } : {}),
    });
  for (const k of Object.keys(rule).filter((k) => !RULE_FIELDS[dir].includes(k)))
    out.push({
      path: [...path, k],
      message: `unknown field '${k}' in an ${dir} rule (the API server refuses it)`,
      ...(k === 'ports'
        ? {
            hint: "ports is the earlier API's field: write protocols: [{tcp: {destinationPort: {number: 8080}}}] (or destinationNamedPort: NAME)",
          }
        : { hint: `an ${dir} rule has ${RULE_FIELDS[dir].join(', ')}` }),
    });
  if (typeof rule['name'] === 'string' && rule['name'].length > 100)
    out.push({ path: [...path, 'name'], message: 'a rule name is at most 100 characters' });
  const peerKey = dir === 'ingress' ? 'from' : 'to';
  const peers = rule[peerKey];
  const peerFields = dir === 'ingress' ? INGRESS_PEER_FIELDS : EGRESS_PEER_FIELDS;
  let addressPeer = false;
  if (!Array.isArray(peers) || peers.length === 0)
    out.push({
      path: peers === undefined ? path : [...path, peerKey],
      message: `${peerKey} is required and needs at least one peer`,
      hint: `to match every ${dir === 'ingress' ? 'source' : 'destination'} pod use \`${peerKey}: [{namespaces: {}}]\``,
    });
  else {
    if (peers.length > CNP_MAX_RULES)
      out.push({ path: [...path, peerKey], message: `at most ${CNP_MAX_RULES} peers per rule` });
    peers.forEach((peer: unknown, i) => {
      const p: PathSegment[] = [...path, peerKey, i];
      const field = exactlyOne(peer, peerFields, p, `a ${peerKey} peer`, out);
      if (!field || !isRecord(peer)) return;
      const v = peer[field];
      if (field === 'namespaces' || field === 'nodes') checkSelector(v, [...p, field], out);
      else if (field === 'pods') checkPods(v, [...p, field], out);
      else if (field === 'networks') {
        addressPeer = true;
        if (!Array.isArray(v) || v.length === 0 || v.length > CNP_MAX_RULES)
          out.push({ path: [...p, field], message: `networks needs 1 to ${CNP_MAX_RULES} CIDRs` });
        else
          v.forEach((c: unknown, j) => {
            if (typeof c !== 'string' || !parseCidr(c, POLICY_SYNTAX))
              out.push({ path: [...p, field, j], message: `Invalid CIDR format provided: '${String(c)}'` });
          });
      } else if (field === 'domainNames') {
        addressPeer = true;
        if (action !== 'Accept')
          out.push({ path: [...p, field], message: 'domainNames is only supported in Accept rules' });
      }
      if (field === 'nodes') addressPeer = true;
    });
  }
  const protocols = rule['protocols'];
  let named = false;
  if (protocols !== undefined && protocols !== null) {
    if (!Array.isArray(protocols) || protocols.length === 0 || protocols.length > CNP_MAX_RULES)
      out.push({
        path: [...path, 'protocols'],
        message: `protocols must be a list of 1 to ${CNP_MAX_RULES} entries`,
      });
    else
      protocols.forEach((e: unknown, i) => {
        if (checkProtocol(e, [...path, 'protocols', i], out)) named = true;
      });
  }
  if (named && addressPeer)
    out.push({
      path,
      message:
        'networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
    });
  return 0;
}

export function validateClusterNetworkPolicy(value: Json): CnpIssue[] {
  const out: CnpIssue[] = [];
  const spec = value['spec'];
  if (!isRecord(spec)) return [{ path: [], message: 'spec is required (tier, priority, subject)' }];
  const tier = spec['tier'];
  if (tier === undefined)
    out.push({
      path: ['spec'],
      message: 'spec.tier is required',
      missing: true,
      hint: 'tier: Admin or tier: Baseline',
    });
  else if (tier !== 'Admin' && tier !== 'Baseline')
    out.push({ path: ['spec', 'tier'], message: `tier '${String(tier)}' must be Admin or Baseline` });
  const priority = spec['priority'];
  if (priority === undefined)
    out.push({
      path: ['spec'],
      message: 'spec.priority is required',
      missing: true,
      hint: 'a number 0..1000, lower first',
    });
  else if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0 || priority > 1000)
    out.push({
      path: ['spec', 'priority'],
      message: `priority ${String(priority)} must be an integer 0..1000`,
    });
  const subject = spec['subject'];
  if (subject === undefined)
    out.push({
      path: ['spec'],
      message: 'spec.subject is required',
      missing: true,
      hint: 'subject: {namespaces: {...}} or subject: {pods: {...}}',
    });
  else {
    const field = exactlyOne(subject, ['namespaces', 'pods'], ['spec', 'subject'], 'subject', out);
    if (field === 'namespaces' && isRecord(subject))
      checkSelector(subject['namespaces'], ['spec', 'subject', 'namespaces'], out);
    if (field === 'pods' && isRecord(subject)) checkPods(subject['pods'], ['spec', 'subject', 'pods'], out);
  }
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = spec[dir];
    if (rules === undefined || rules === null) continue;
    if (!Array.isArray(rules)) {
      out.push({ path: ['spec', dir], message: `${dir} must be a list of rules` });
      continue;
    }
    if (rules.length > CNP_MAX_RULES)
      out.push({ path: ['spec', dir], message: `at most ${CNP_MAX_RULES} ${dir} rules` });
    rules.forEach((r: unknown, i) => checkRule(r, dir, ['spec', dir, i], out));
  }
  return out;
}
