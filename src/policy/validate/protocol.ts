// A rule's protocol, notProtocol, icmp, notICMP and ipVersion. A protocol is read as the API reads it
// (numorstring.Uint8OrString): a number, a string of digits that fits a uint8, or a name. Names are
// case-sensitive: `tcp` is refused.
import { apiRule, isRecord, POLICY_COMMON, VALIDATOR, type Path, type Report } from './api-rule.js';

export interface ProtocolValue {
  num?: number;
  name?: string;
}

const NAMES = new Set(['TCP', 'UDP', 'ICMP', 'ICMPv6', 'SCTP', 'UDPLite']);
const DIGITS = /^\d+$/;

export const PROTOCOL_RULES = {
  protocol: apiRule(
    'protocol',
    'protocol must be TCP, UDP, ICMP, ICMPv6, SCTP, UDPLite (exactly so written) or a number 1-255',
    'write the name in its canonical case (TCP, not tcp) or the protocol number',
    `${VALIDATOR}#L657-L674 (validateProtocol), #L94 (protocolRegex)`,
  ),
  ipVersion: apiRule(
    'ip-version',
    'ipVersion must be 4 or 6',
    'write ipVersion: 4 or ipVersion: 6, or leave it out',
    `${VALIDATOR}#L475-L479; ${POLICY_COMMON}#L47`,
  ),
  icmpType: apiRule(
    'icmp-type',
    'ICMP type must be an integer 0-254',
    'use an ICMP type number, e.g. 8 for echo request',
    `${POLICY_COMMON}#L120 (validate:"gte=0,lte=254")`,
  ),
  icmpCode: apiRule(
    'icmp-code',
    'ICMP code must be an integer 0-255',
    'use an ICMP code number',
    `${POLICY_COMMON}#L128 (validate:"gte=0,lte=255")`,
  ),
  icmpCodeWithoutType: apiRule(
    'icmp-code-without-type',
    'ICMP code specified without an ICMP type',
    'add the ICMP type the code belongs to',
    `${VALIDATOR}#L1316-L1324`,
  ),
  icmpNeedsProtocol: apiRule(
    'icmp-needs-protocol',
    'rules that specify ICMP fields must set protocol to ICMP',
    'add protocol: ICMP (or ICMPv6) to the rule',
    `${VALIDATOR}#L1377-L1382`,
  ),
  icmpIpVersion: apiRule(
    'icmp-ip-version',
    "must set ipversion to '4' with protocol icmp",
    'use ipVersion: 4 with ICMP, or leave ipVersion out',
    `${VALIDATOR}#L1384-L1389`,
  ),
  icmpv6IpVersion: apiRule(
    'icmpv6-ip-version',
    "must set ipversion to '6' with protocol icmpv6",
    'use ipVersion: 6 with ICMPv6, or leave ipVersion out',
    `${VALIDATOR}#L1390-L1394`,
  ),
} as const;

/** The protocol as the API decodes it; undefined when absent, 'invalid' when it cannot decode. */
export function readProtocol(value: unknown): ProtocolValue | 'invalid' | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 && value <= 255 ? { num: value } : 'invalid';
  if (typeof value !== 'string') return 'invalid';
  if (DIGITS.test(value) && Number(value) <= 255) return { num: Number(value) };
  return { name: value };
}

function isValidProtocol(p: ProtocolValue): boolean {
  return p.num !== undefined ? p.num !== 0 : NAMES.has(p.name ?? '');
}

/** numorstring/protocol.go SupportsPorts: 6, 17, 132 or the names TCP, UDP, SCTP. UDPLite has none. */
export function supportsPorts(p: ProtocolValue): boolean {
  return p.num !== undefined
    ? p.num === 6 || p.num === 17 || p.num === 132
    : p.name === 'TCP' || p.name === 'UDP' || p.name === 'SCTP';
}

/** Equality as the validator compares protocols: by name, so protocol 1 is not "ICMP". */
export function isNamed(p: ProtocolValue | 'invalid' | undefined, name: string): boolean {
  return typeof p === 'object' && p.name === name;
}

export function checkProtocol(
  value: unknown,
  at: Path,
  key: string,
  report: Report,
): ProtocolValue | undefined {
  const p = readProtocol(value);
  if (p === undefined) return undefined;
  if (p === 'invalid' || !isValidProtocol(p)) {
    report([...at, key], PROTOCOL_RULES.protocol, `'${String(value)}'`);
    return undefined;
  }
  return p;
}

function checkIcmpFields(value: unknown, rule: Path, key: string, report: Report): void {
  if (!isRecord(value)) return;
  const at = [...rule, key];
  const { type, code } = value;
  const present = (v: unknown) => v !== undefined && v !== null;
  if (present(type) && !(Number.isInteger(type) && (type as number) >= 0 && (type as number) <= 254))
    report([...at, 'type'], PROTOCOL_RULES.icmpType, String(type));
  if (present(code) && !(Number.isInteger(code) && (code as number) >= 0 && (code as number) <= 255))
    report([...at, 'code'], PROTOCOL_RULES.icmpCode, String(code));
  if (present(code) && !present(type)) report([...at, 'code'], PROTOCOL_RULES.icmpCodeWithoutType);
}

/** Protocol, ICMP and ipVersion checks of one rule; returns the rule's protocol for the port checks. */
export function checkRuleProtocol(
  rule: Record<string, unknown>,
  at: Path,
  report: Report,
): ProtocolValue | undefined {
  const protocol = checkProtocol(rule['protocol'], at, 'protocol', report);
  const notProtocol = checkProtocol(rule['notProtocol'], at, 'notProtocol', report);
  const ipVersion = rule['ipVersion'];
  const hasVersion = ipVersion !== undefined && ipVersion !== null;
  if (hasVersion && ipVersion !== 4 && ipVersion !== 6)
    report([...at, 'ipVersion'], PROTOCOL_RULES.ipVersion, String(ipVersion));
  checkIcmpFields(rule['icmp'], at, 'icmp', report);
  checkIcmpFields(rule['notICMP'], at, 'notICMP', report);
  const hasIcmp = rule['icmp'] !== undefined && rule['icmp'] !== null;
  if (hasIcmp && !isNamed(protocol, 'ICMP') && !isNamed(protocol, 'ICMPv6'))
    report([...at, 'icmp'], PROTOCOL_RULES.icmpNeedsProtocol);
  if ((isNamed(protocol, 'ICMP') || isNamed(notProtocol, 'ICMP')) && hasVersion && ipVersion !== 4)
    report([...at, 'ipVersion'], PROTOCOL_RULES.icmpIpVersion);
  if ((isNamed(protocol, 'ICMPv6') || isNamed(notProtocol, 'ICMPv6')) && hasVersion && ipVersion !== 6)
    report([...at, 'ipVersion'], PROTOCOL_RULES.icmpv6IpVersion);
  return protocol;
}
