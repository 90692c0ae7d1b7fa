// CIDRs in a rule's nets and notNets: each a correctly masked CIDR, of one IP family across the whole
// rule and matching the rule's ipVersion, and never a catch-all inside a negation. Network sets take
// any address or CIDR.
import { hasHostBits, parseCidr, type Cidr } from '../../net/ip.js';
import { apiRule, POLICY_COMMON, VALIDATOR, type Path, type Report } from './api-rule.js';

export const NET_RULES = {
  cidr: apiRule(
    'cidr',
    'invalid CIDR',
    'write an address with its prefix length, e.g. 10.0.0.0/8 or 2001:db8::/32 (a single address is 10.0.0.1/32)',
    `${VALIDATOR}#L1400-L1406 (scanNets: cnet.ParseCIDR)`,
  ),
  unmasked: apiRule(
    'cidr-host-bits',
    'the CIDR has host bits set (the API requires a correctly masked network)',
    'clear the host bits, e.g. 10.0.0.0/8 rather than 10.0.0.1/8',
    `${POLICY_COMMON}#L140, #L195 (dive,net); ${VALIDATOR}#L726-L738 (validateIPNetwork)`,
  ),
  catchAllNegation: apiRule(
    'catch-all-not-nets',
    'catch-all CIDR in negation creates logical contradiction (matches no traffic)',
    'remove 0.0.0.0/0 or ::/0 from notNets',
    `${VALIDATOR}#L1409-L1418`,
  ),
  ipVersionMismatch: apiRule(
    'nets-ip-version',
    "rule IP version doesn't match CIDR version",
    'make ipVersion agree with the CIDRs, or leave ipVersion out',
    `${VALIDATOR}#L1421-L1424`,
  ),
  mixedFamilies: apiRule(
    'nets-mixed-families',
    'rule contains both IPv4 and IPv6 CIDRs',
    'split the rule in two, one per IP family',
    `${VALIDATOR}#L1425-L1431`,
  ),
  networkSetCidr: apiRule(
    'network-set-cidr',
    'not an IP address or CIDR',
    'write e.g. 10.0.0.0/8 or 10.0.0.1',
    `api/pkg/apis/projectcalico/v3/networkset.go#L51, globalnetworkset.go#L54 (dive,cidr); ${VALIDATOR}#L785-L792`,
  ),
} as const;

// Go's net.ParseCIDR (the one project parser's default grammar): a prefix is required, no blanks, no
// leading zeros.
function parseStrictCidr(text: string): Cidr | undefined {
  return parseCidr(text);
}

/** What the rule checks need of one CIDR text; policies repeat the same few, so verdicts are kept. */
interface NetVerdict {
  version: 4 | 6 | undefined;
  hostBits: boolean;
  catchAll: boolean;
}
const CACHE_LIMIT = 4096;
const verdicts = new Map<string, NetVerdict>();

function netVerdict(text: string): NetVerdict {
  const hit = verdicts.get(text);
  if (hit) return hit;
  const c = parseStrictCidr(text);
  const v: NetVerdict = c
    ? { version: c.version, hostBits: hasHostBits(c), catchAll: c.prefix === 0 && c.network === 0n }
    : { version: undefined, hostBits: false, catchAll: false };
  if (verdicts.size >= CACHE_LIMIT) verdicts.clear();
  verdicts.set(text, v);
  return v;
}

export interface NetsScan {
  seen4: boolean;
  seen6: boolean;
}

/** One nets/notNets list of a rule; `scan` carries the families seen so far in the rule. */
export function checkRuleNets(
  value: unknown,
  entity: Path,
  key: 'nets' | 'notNets',
  ipVersion: unknown,
  scan: NetsScan,
  report: Report,
): void {
  if (!Array.isArray(value) || !value.length) return;
  let v4 = false;
  let v6 = false;
  value.forEach((n: unknown, i) => {
    const v = typeof n === 'string' ? netVerdict(n) : undefined;
    if (!v?.version) {
      report([...entity, key, i], NET_RULES.cidr, `'${String(n)}'`);
      return;
    }
    if (v.hostBits) report([...entity, key, i], NET_RULES.unmasked, `'${String(n)}'`);
    if (v.version === 4) v4 = true;
    else v6 = true;
    if (key === 'notNets' && v.catchAll)
      report([...entity, key, i], NET_RULES.catchAllNegation, `'${String(n)}'`);
  });
  if ((ipVersion === 4 || ipVersion === 6) && ((v4 && ipVersion !== 4) || (v6 && ipVersion !== 6)))
    report([...entity, key], NET_RULES.ipVersionMismatch);
  if ((v4 && scan.seen6) || (v6 && scan.seen4) || (v4 && v6))
    report([...entity, key], NET_RULES.mixedFamilies);
  scan.seen4 ||= v4;
  scan.seen6 ||= v6;
}

export function checkNetworkSetNets(value: unknown, report: Report): void {
  if (!Array.isArray(value)) return;
  value.forEach((n: unknown, i) => {
    const ok = typeof n === 'string' && parseCidr(n, { bareIp: true }) !== undefined;
    if (!ok) report(['spec', 'nets', i], NET_RULES.networkSetCidr, `'${String(n)}'`);
  });
}
