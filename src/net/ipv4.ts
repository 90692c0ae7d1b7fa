// IPv4 addresses and CIDRs as numbers, for validation (overlaps, containment) without a dependency.

export interface Cidr {
  base: number; // network address, host bits cleared
  prefix: number;
  text: string;
}

export function parseIPv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text.trim());
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] ?? '';
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const o = Number(part);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

/** Parses `a.b.c.d/n`. `strict` refuses host bits set (10.0.0.1/8), as Calico's IPPool does. */
export function parseCidr(text: string, strict = false): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (extra !== undefined || addr === undefined || len === undefined || !/^\d{1,2}$/.test(len))
    return undefined;
  const ip = parseIPv4(addr);
  const prefix = Number(len);
  if (ip === undefined || prefix > 32) return undefined;
  const base = ip - (ip % 2 ** (32 - prefix));
  if (strict && base !== ip) return undefined;
  return { base, prefix, text: `${formatIPv4(base)}/${prefix}` };
}

export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return ip >= c.base && ip < c.base + cidrSize(c);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + cidrSize(b) && b.base < a.base + cidrSize(a);
}

export function isIPv6Like(text: string): boolean {
  return text.includes(':');
}

/** The network a host belongs to when only its address is known (the /24 a home LAN almost always is). */
export function hostNetwork(ip: number, prefix = 24): Cidr {
  const base = ip - (ip % 2 ** (32 - prefix));
  return { base, prefix, text: `${formatIPv4(base)}/${prefix}` };
}
