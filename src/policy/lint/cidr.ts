// CIDR parsing as Go's net.ParseCIDR accepts it (what the API server and Calico use): dotted-quad IPv4
// without leading zeros, IPv6 with `::` and an optional IPv4 tail. Addresses are bigints so IPv4 and
// IPv6 share one containment test.

export interface Cidr {
  version: 4 | 6;
  address: bigint;
  prefix: number;
}

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseIPv6(text: string): bigint | undefined {
  let head = text;
  let tail4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tail4 = parseIPv4(text.slice(lastColon + 1));
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

export function parseIp(text: string): { version: 4 | 6; address: bigint } | undefined {
  if (text.includes(':')) {
    const a = parseIPv6(text);
    return a === undefined ? undefined : { version: 6, address: a };
  }
  const a = parseIPv4(text);
  return a === undefined ? undefined : { version: 4, address: a };
}

/** `a.b.c.d/n` or an IPv6 CIDR; with `allowBareIp`, a lone address counts as a host route. */
export function parseCidr(text: string, allowBareIp = false): Cidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) {
    if (!allowBareIp) return undefined;
    const ip = parseIp(text);
    return ip ? { ...ip, prefix: ip.version === 4 ? 32 : 128 } : undefined;
  }
  const ip = parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > (ip.version === 4 ? 32 : 128)) return undefined;
  return { ...ip, prefix };
}

function width(c: Cidr): number {
  return c.version === 4 ? 32 : 128;
}

function network(c: Cidr, prefix: number): bigint {
  const shift = BigInt(width(c) - prefix);
  return (c.address >> shift) << shift;
}

/** True when every address of `inner` is in `outer`. */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.version === inner.version &&
    inner.prefix >= outer.prefix &&
    network(inner, outer.prefix) === network(outer, outer.prefix)
  );
}

export function hasHostBits(c: Cidr): boolean {
  return network(c, c.prefix) !== c.address;
}
