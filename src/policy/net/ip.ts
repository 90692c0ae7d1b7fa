// IPv4 and IPv6 addresses and CIDRs as bigints, so one comparison path serves both families.

export interface IpAddress {
  version: 4 | 6;
  value: bigint;
  text: string;
}

export interface Cidr {
  version: 4 | 6;
  /** The network address with host bits cleared. */
  network: bigint;
  mask: bigint;
  prefix: number;
  text: string;
}

function parseV4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (s: string): string[] | undefined => {
    if (s === '') return [];
    const g = s.split(':');
    const last = g[g.length - 1] ?? '';
    if (last.includes('.')) {
      const v4 = parseV4(last);
      if (v4 === undefined) return undefined;
      g.splice(g.length - 1, 1, ((v4 >> 16n) & 0xffffn).toString(16), (v4 & 0xffffn).toString(16));
    }
    return g;
  };
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return undefined;
  const all = [...head, ...Array<string>(Math.max(fill, 0)).fill('0'), ...tail];
  let v = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    v = (v << 16n) | BigInt(parseInt(g, 16));
  }
  return v;
}

export function parseIp(text: string): IpAddress | undefined {
  const t = text.trim();
  const v4 = parseV4(t);
  if (v4 !== undefined) return { version: 4, value: v4, text: t };
  const v6 = t.includes(':') ? parseV6(t) : undefined;
  return v6 === undefined ? undefined : { version: 6, value: v6, text: t };
}

/** A CIDR such as `10.0.0.0/8`; a bare address is a /32 (or /128), as Calico accepts it. */
export function parseCidr(text: string): Cidr | undefined {
  const [addr, len, extra] = text.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const bits = ip.version === 4 ? 32 : 128;
  if (len !== undefined && !/^\d{1,3}$/.test(len)) return undefined;
  const prefix = len === undefined ? bits : Number(len);
  if (prefix > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
  return { version: ip.version, network: ip.value & mask, mask, prefix, text: text.trim() };
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
