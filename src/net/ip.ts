// IPv4 and IPv6 addresses and CIDRs, the one parser of the project (inventory, health, CNI checks,
// policy evaluation and lint). Values are bigints so both families share one comparison path.
// The grammar is Go's net.ParseIP / net.ParseCIDR (what k3s, the API server and Calico read:
// https://pkg.go.dev/net#ParseCIDR): dotted-quad IPv4 without leading zeros, IPv6 with one `::` and an
// optional IPv4 tail, no zone. Callers that have always read more loosely say so with an IpSyntax.

export type IpVersion = 4 | 6;

export interface IpAddress {
  version: IpVersion;
  value: bigint;
  /** As written (trimmed when the syntax trims). */
  text: string;
}

export interface Cidr {
  version: IpVersion;
  /** The address as written, host bits kept (lint reports them). */
  address: bigint;
  /** The network address, host bits cleared. */
  network: bigint;
  mask: bigint;
  prefix: number;
  /** As written (trimmed when the syntax trims); `cidrText` gives the canonical form. */
  text: string;
}

export interface IpSyntax {
  /** Blanks around the text are ignored. */
  trim?: boolean;
  /** Decimal fields that may have leading zeros (`010`, read as decimal): none (Go since 1.17), the prefix
   *  length only, or IPv4 octets too. */
  leadingZeros?: 'none' | 'prefix' | 'all';
  /** A CIDR without `/n` is a host route (/32 or /128), as Calico's `nets` accept it. */
  bareIp?: boolean;
  /** Only this family parses. */
  version?: IpVersion;
}

/** Go's net.ParseIP and net.ParseCIDR, as the API server and Calico validate a policy (lint, scaffold). */
export const GO_SYNTAX: IpSyntax = {};

/** What the policy evaluator reads: trimmed, a bare address is a host route, leading zeros read as decimal. */
export const POLICY_SYNTAX: IpSyntax = { trim: true, leadingZeros: 'all', bareIp: true };

/** What the inventory accepts: IPv4 only (picocal provisions IPv4 clusters), trimmed, `/08` read as `/8`. */
export const INVENTORY_SYNTAX: IpSyntax = { trim: true, leadingZeros: 'prefix', version: 4 };

function bits(version: IpVersion): number {
  return version === 4 ? 32 : 128;
}

function decimal(text: string, zeros: boolean, maxDigits: number): number | undefined {
  const ok = zeros ? new RegExp(`^\\d{1,${maxDigits}}$`) : new RegExp(`^(0|[1-9]\\d{0,${maxDigits - 1}})$`);
  return ok.test(text) ? Number(text) : undefined;
}

function parseV4(text: string, zeros: boolean): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    const n = decimal(p, zeros, 3);
    if (n === undefined || n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(text: string, zeros: boolean): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseV4(text.slice(lastColon + 1), zeros);
    if (tail4 === undefined) return undefined;
    // The IPv4 tail stands for the last two groups: parse placeholders, then or it in.
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const group = /^[0-9a-fA-F]{1,4}$/;
  const left = halves[0] ? halves[0].split(':') : [];
  const right = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (![...left, ...right].every((g) => group.test(g))) return undefined;
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...left, ...Array<string>(8 - total).fill('0'), ...right];
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(parseInt(g, 16));
  if (tail4 !== undefined) out = (out & ~0xffffffffn) | tail4;
  return out;
}

export function parseIp(text: string, syntax: IpSyntax = GO_SYNTAX): IpAddress | undefined {
  const t = syntax.trim ? text.trim() : text;
  const zeros = syntax.leadingZeros === 'all';
  const version: IpVersion = t.includes(':') ? 6 : 4;
  if (syntax.version !== undefined && syntax.version !== version) return undefined;
  const value = version === 6 ? parseV6(t, zeros) : parseV4(t, zeros);
  return value === undefined ? undefined : { version, value, text: t };
}

function maskOf(version: IpVersion, prefix: number): bigint {
  const width = bits(version);
  const all = (1n << BigInt(width)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(width - prefix)) << BigInt(width - prefix);
}

/** `a.b.c.d/n` or an IPv6 CIDR (and, with `bareIp`, a lone address). */
export function parseCidr(text: string, syntax: IpSyntax = GO_SYNTAX): Cidr | undefined {
  const t = syntax.trim ? text.trim() : text;
  const slash = t.indexOf('/');
  if (slash < 0 && !syntax.bareIp) return undefined;
  // Blanks before the slash are trimmed too when the syntax trims (`10.0.0.0 /8`), as the callers always read it.
  const ip = parseIp(slash < 0 ? t : t.slice(0, slash), syntax);
  if (!ip) return undefined;
  let prefix = bits(ip.version);
  if (slash >= 0) {
    const n = decimal(
      t.slice(slash + 1),
      syntax.leadingZeros !== undefined && syntax.leadingZeros !== 'none',
      3,
    );
    if (n === undefined || n > prefix) return undefined;
    prefix = n;
  }
  const mask = maskOf(ip.version, prefix);
  return { version: ip.version, address: ip.value, network: ip.value & mask, mask, prefix, text: t };
}

export function formatIp(version: IpVersion, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 0xffn).toString()).join('.');
  const groups = [...Array(8).keys()].map((i) => (value >> BigInt(112 - 16 * i)) & 0xffffn);
  // RFC 5952: the longest run (at least two) of zero groups, the first of equals, becomes `::`.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = (gs: bigint[]) => gs.map((g) => g.toString(16)).join(':');
  return best < 0 ? hex(groups) : `${hex(groups.slice(0, best))}::${hex(groups.slice(best + bestLen))}`;
}

/** The canonical `network/prefix`, e.g. `10.0.0.0/8` for `10.0.0.1/08`. */
export function cidrText(c: Cidr): string {
  return `${formatIp(c.version, c.network)}/${c.prefix}`;
}

/** The number of addresses in `c`. */
export function cidrSize(c: Cidr): bigint {
  return 1n << BigInt(bits(c.version) - c.prefix);
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.version === ip.version && (ip.value & cidr.mask) === cidr.network;
}

/** True when every address of `inner` is inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.version === outer.version &&
    inner.prefix >= outer.prefix &&
    (inner.network & outer.mask) === outer.network
  );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrWithin(a, b) || cidrWithin(b, a);
}

/** True when the address as written has bits set past the prefix (`10.0.0.1/8`). */
export function hasHostBits(c: Cidr): boolean {
  return c.address !== c.network;
}

/** True when `text` looks like an IPv6 address (the inventory and health checks handle IPv4 only). */
export function isIPv6Like(text: string): boolean {
  return text.includes(':');
}

/** The network a host belongs to when only its address is known (the /24 a home LAN almost always is). */
export function hostNetwork(ip: IpAddress, prefix = 24): Cidr {
  const mask = maskOf(ip.version, prefix);
  const network = ip.value & mask;
  return {
    version: ip.version,
    address: network,
    network,
    mask,
    prefix,
    text: `${formatIp(ip.version, network)}/${prefix}`,
  };
}
