// One rule of a Calico policy (api.Rule): its action, protocol, ICMP, ipVersion, source and
// destination, HTTP match and metadata, and the checks that depend on the rule's direction.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';
import { checkEntity } from './entity.js';
import { checkHttp } from './http.js';
import { checkAnnotations } from './names.js';
import { checkRuleProtocol, isNamed, readProtocol } from './protocol.js';

const ACTIONS = new Set(['Allow', 'Deny', 'Log', 'Pass']);
const EMPTY: Record<string, unknown> = Object.freeze({});

export const RULE_RULES = {
  action: apiRule(
    'action',
    'action must be Allow, Deny, Log or Pass (case-sensitive)',
    'write the action with a capital letter, e.g. Allow',
    `${VALIDATOR}#L93 (actionRegex), #L342-L346; api/pkg/apis/projectcalico/v3/policy_common.go#L41`,
  ),
  httpProtocol: apiRule(
    'http-protocol',
    'rules that specify HTTP fields must set protocol to TCP or empty',
    'use protocol: TCP (by name) or leave protocol out',
    `${VALIDATOR}#L1370-L1375`,
  ),
  httpOnlyAllow: apiRule(
    'http-only-allow',
    'HTTP match is only valid for Allow rules',
    'use action: Allow, or remove http',
    `${VALIDATOR}#L1439-L1443, #L2433-L2438`,
  ),
  httpInEgress: apiRule(
    'http-in-egress',
    'HTTP match is not allowed in egress rules',
    'match HTTP on the ingress side of the server instead',
    `${VALIDATOR}#L1826-L1830 (NetworkPolicy), #L2019-L2023 (GlobalNetworkPolicy)`,
  ),
  servicesWithPorts: apiRule(
    'services-with-ports',
    'cannot specify ports (or notPorts) with a service selector',
    'remove destination ports: service rules use the ports of the Service’s endpoints',
    `${VALIDATOR}#L1445-L1454`,
  ),
  servicesInEgressSource: apiRule(
    'services-in-egress-source',
    'services are not allowed in an egress rule source',
    'match a Service in destination of an egress rule',
    `${VALIDATOR}#L1817-L1824, #L2010-L2017`,
  ),
  servicesInIngressDestination: apiRule(
    'services-in-ingress-destination',
    'services are not allowed in an ingress rule destination',
    'match a Service in source of an ingress rule',
    `${VALIDATOR}#L1833-L1840, #L2026-L2033`,
  ),
  servicesNeedNamespace: apiRule(
    'services-need-namespace',
    'a GlobalNetworkPolicy service match must specify a namespace',
    'add services.namespace: global policies have no namespace to default to',
    `${VALIDATOR}#L2035-L2053`,
  ),
} as const;

export type Direction = 'ingress' | 'egress';

export function checkRule(
  value: unknown,
  at: (string | number)[],
  direction: Direction,
  global: boolean,
  report: Report,
): void {
  if (!isRecord(value)) return;
  const action = value['action'];
  if (typeof action !== 'string' || !ACTIONS.has(action))
    report([...at, 'action'], RULE_RULES.action, `'${String(action ?? '')}'`);
  const protocol = checkRuleProtocol(value, at, report);
  const protocolGiven = value['protocol'] !== undefined && value['protocol'] !== null;
  const ipVersion = value['ipVersion'];
  const scan = { seen4: false, seen6: false };
  const src = isRecord(value['source']) ? value['source'] : EMPTY;
  const dst = isRecord(value['destination']) ? value['destination'] : EMPTY;
  if (src !== EMPTY) checkEntity(src, at, 'source', protocol, protocolGiven, ipVersion, scan, report);
  if (dst !== EMPTY) checkEntity(dst, at, 'destination', protocol, protocolGiven, ipVersion, scan, report);

  const http = value['http'];
  if (http !== undefined && http !== null) {
    checkHttp(http, [...at, 'http'], report);
    if (protocolGiven && !isNamed(readProtocol(value['protocol']), 'TCP'))
      report([...at, 'protocol'], RULE_RULES.httpProtocol);
    if (action !== 'Allow') report([...at, 'http'], RULE_RULES.httpOnlyAllow);
    if (direction === 'egress') report([...at, 'http'], RULE_RULES.httpInEgress);
  }
  const has = (v: unknown) => v !== undefined && v !== null;
  const nonEmpty = (v: unknown) => Array.isArray(v) && v.length > 0;
  if (has(dst['services'])) {
    if (nonEmpty(dst['ports'])) report([...at, 'destination', 'ports'], RULE_RULES.servicesWithPorts);
    if (nonEmpty(dst['notPorts'])) report([...at, 'destination', 'notPorts'], RULE_RULES.servicesWithPorts);
  }
  if (direction === 'egress' && has(src['services']))
    report([...at, 'source', 'services'], RULE_RULES.servicesInEgressSource);
  if (direction === 'ingress' && has(dst['services']))
    report([...at, 'destination', 'services'], RULE_RULES.servicesInIngressDestination);
  if (global) {
    const svc = direction === 'egress' ? dst['services'] : src['services'];
    const side = direction === 'egress' ? 'destination' : 'source';
    if (isRecord(svc) && !(typeof svc['namespace'] === 'string' && svc['namespace']))
      report([...at, side, 'services'], RULE_RULES.servicesNeedNamespace);
  }
  const meta = value['metadata'];
  if (isRecord(meta)) checkAnnotations(meta['annotations'], [...at, 'metadata', 'annotations'], report);
}
