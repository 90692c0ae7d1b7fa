// IP protocols by name and number, as Calico rules accept them (`TCP`, `udp`, `1`-`255`).

export const PROTOCOL = { ICMP: 1, TCP: 6, UDP: 17, ICMPv6: 58, SCTP: 132, UDPLite: 136 } as const;

const BY_NAME = new Map<string, number>(Object.entries(PROTOCOL).map(([k, v]) => [k.toLowerCase(), v]));
const BY_NUMBER = new Map<number, string>(Object.entries(PROTOCOL).map(([k, v]) => [v, k]));

/** Protocol number for a name or number; undefined when it is neither. */
export function protocolNumber(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 1 && value <= 255 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value)) return protocolNumber(Number(value));
  return BY_NAME.get(value.toLowerCase());
}

export function protocolName(n: number): string {
  return BY_NUMBER.get(n) ?? String(n);
}

/** Protocols that have ports: only these can match a port or a named port. */
export function hasPorts(n: number): boolean {
  return n === PROTOCOL.TCP || n === PROTOCOL.UDP || n === PROTOCOL.SCTP || n === PROTOCOL.UDPLite;
}

export function isIcmp(n: number): boolean {
  return n === PROTOCOL.ICMP || n === PROTOCOL.ICMPv6;
}
