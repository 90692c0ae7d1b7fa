// Calico rules: the action, where ports go, which protocols take ports or ICMP matches, and fields
// only the commercial editions have.
import type { PathSegment } from '../../../yaml/source-map.js';
import { dump } from 'js-yaml';
import { RULES } from '../catalog.js';
import { asArray, describe, isObject, type Json, type Resource } from '../resource.js';
import type { LintContext } from '../rule.js';
import { calicoEntities, calicoRules } from '../walk.js';
import { checkPortName } from './port-names.js';
import { closest } from '../../../schema/did-you-mean.js';

const ACTIONS = ['Allow', 'Deny', 'Log', 'Pass'];
/**
 * Protocols Calico accepts ports with, by name and number: numorstring's SupportsPorts (TCP, UDP,
 * SCTP; not UDPLite), a protocol written as a string of digits being its number.
 */
const PORT_PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP', 6, 17, 132, '6', '17', '132']);
const NUMERIC_PORT = /^\d+(:\d+)?$/;
const ICMP_PROTOCOLS = new Set(['ICMP', 'ICMPv6', 1, 58]);
const ENTERPRISE_FIELDS: Record<string, string> = {
  domains: 'DNS policy (`domains`)',
};

function checkCalicoPort(ctx: LintContext, r: Resource, path: PathSegment[], port: unknown): void {
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      ctx.report(RULES.invalidPort, r, path, `${describe(r)}: port ${port} is not in 0-65535`);
    }
    return;
  }
  if (typeof port !== 'string') return; // the schema check reports other types
  const range = /^([0-9]+):([0-9]+)$/.exec(port);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > 65535 || hi > 65535 || lo > hi) {
      ctx.report(
        RULES.invalidPort,
        r,
        path,
        `${describe(r)}: port range '${port}' is not low:high within 0-65535`,
      );
    }
    return;
  }
  if (/^[0-9]+$/.test(port)) {
    if (Number(port) > 65535)
      ctx.report(RULES.invalidPort, r, path, `${describe(r)}: port ${port} is not in 0-65535`);
    return;
  }
  checkPortName(ctx, r, path, port, 'calico');
}

function suggestedShape(rule: Json): string {
  const ports = asArray(rule['ports']);
  const protocols = new Set(
    ports.map((p) => (isObject(p) ? p['protocol'] : undefined)).filter((p) => p !== undefined),
  );
  const numbers = ports.map((p) => (isObject(p) ? p['port'] : p)).filter((p) => p !== undefined);
  const fixed: Json = {};
  if (protocols.size === 1) fixed['protocol'] = [...protocols][0];
  // Keep the destination as written, minus fields open source rejects anyway.
  const destination = isObject(rule['destination']) ? { ...rule['destination'] } : {};
  for (const field of Object.keys(ENTERPRISE_FIELDS)) delete destination[field];
  fixed['destination'] = { ...destination, ports: numbers };
  return dump(fixed, { flowLevel: 1 }).trim().replace(/\n/g, ', ');
}

function guessAction(action: string): string {
  const guess = closest(action, ACTIONS);
  return guess ? `did you mean ${guess}? ` : '';
}

export function checkCalicoRules(ctx: LintContext): void {
  for (const r of ctx.resources) {
    for (const rule of calicoRules(r)) {
      const action = rule.value['action'];
      if (action !== undefined && !ACTIONS.includes(String(action))) {
        const fixed = ACTIONS.find((a) => a.toLowerCase() === String(action).toLowerCase());
        ctx.report(
          RULES.unknownAction,
          r,
          [...rule.path, 'action'],
          `${describe(r)}: action ${JSON.stringify(action)} is not one of ${ACTIONS.join(', ')}`,
          fixed
            ? `actions are case-sensitive: write ${fixed}`
            : `${guessAction(String(action))}Allow and Deny decide, Pass goes to the next tier, Log records and continues`,
        );
      }
      if (rule.value['ports'] !== undefined) {
        ctx.report(
          RULES.ruleLevelPorts,
          r,
          [...rule.path, 'ports'],
          `${describe(r)}: a Calico rule has no 'ports' field (this is the Kubernetes shape); the API server rejects it`,
          `put the protocol on the rule and the ports under destination: ${suggestedShape(rule.value)}`,
          { key: true },
        );
      }
      const protocol = rule.value['protocol'];
      const icmpField = ['icmp', 'notICMP'].find((f) => rule.value[f] !== undefined);
      if (icmpField && !ICMP_PROTOCOLS.has(protocol as string | number)) {
        ctx.report(
          RULES.icmpNeedsProtocol,
          r,
          [...rule.path, icmpField],
          `${describe(r)}: ${icmpField} needs protocol ICMP or ICMPv6 on the rule (it has ${protocol === undefined ? 'none' : JSON.stringify(protocol)})`,
          'add `protocol: ICMP` (or ICMPv6) to the rule',
          { key: true },
        );
      }
    }
    for (const e of calicoEntities(r)) {
      for (const [field, what] of Object.entries(ENTERPRISE_FIELDS)) {
        if (e.value[field] === undefined) continue;
        ctx.report(
          RULES.enterpriseOnly,
          r,
          [...e.path, field],
          `${describe(r)}: ${what} exists only in Calico Enterprise and Calico Cloud; open-source Calico rejects the field`,
          'allow the service by address instead: destination.nets with its CIDRs (or a NetworkSet picked by destination.selector), protocol on the rule, destination.ports',
          { key: true },
        );
      }
      for (const field of ['ports', 'notPorts']) {
        const ports = e.value[field];
        if (ports === undefined) continue;
        asArray(ports).forEach((p, i) => checkCalicoPort(ctx, r, [...e.path, field, i], p));
        const protocol = e.rule.value['protocol'];
        // Without a protocol, named ports are allowed: the endpoint's port gives the protocol
        // (libcalico-go validator.go#L1331-L1347 at v3.32.1).
        const allNamed = asArray(ports).every((p) => typeof p === 'string' && !NUMERIC_PORT.test(p));
        if (protocol === undefined ? !allNamed : !PORT_PROTOCOLS.has(protocol as string | number)) {
          ctx.report(
            RULES.portsNeedProtocol,
            r,
            [...e.path, field],
            `${describe(r)}: ${e.side}.${field} needs the rule's protocol to be TCP, UDP or SCTP (it is ${protocol === undefined ? 'not set' : JSON.stringify(protocol)}); Calico rejects the rule`,
            'set `protocol: TCP` (or UDP) on the rule; write one rule per protocol',
            { key: true },
          );
        }
      }
    }
  }
}
