// Denied packets as the kernel logs them once a Calico `Log` rule sits in front of the deny: netfilter's
// LOG format (`IN=… OUT=… SRC=… DST=… PROTO=TCP SPT=… DPT=…`) after Felix's `calico-packet` prefix,
// in whatever wrapper the node's log has: journalctl -k (short or short-iso), /var/log/kern.log
// (BSD or RFC 3339 timestamps), or bare dmesg.

export interface DeniedEntry {
  /** As the log wrote it (BSD syslog time has no year); undefined for bare dmesg lines. */
  time: string | undefined;
  /** The node the line came from: the one it was collected on, else the syslog host field. */
  node: string | undefined;
  /** Text between `calico-packet` and the packet fields (Felix's logPrefix may add the policy). */
  prefix: string;
  inInterface: string | undefined;
  outInterface: string | undefined;
  src: string;
  dst: string;
  /** `TCP`, `UDP`, `ICMP`, `ICMPv6`, `SCTP`, or the number the kernel printed. */
  protocol: string;
  srcPort: number | undefined;
  dstPort: number | undefined;
  icmpType: number | undefined;
  icmpCode: number | undefined;
  /** 1-based line in the text parsed. */
  line: number;
}

export const LOG_PREFIX = 'calico-packet';

// `Nov 25 10:01:02 host kernel:`, `2025-11-25T10:01:02.123456+00:00 host kernel:` (rsyslog, journalctl
// -o short-iso), then an optional `[12345.678901]` uptime stamp (printk time).
const SYSLOG_HEAD =
  /^(?:(?<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+(?<host>\S+)\s+kernel:\s*)?(?:\[\s*\d+\.\d+\]\s*)?/;

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const word of text.split(/\s+/)) {
    const eq = word.indexOf('=');
    // The first value wins: ICMP echo lines carry ID= twice (IP header, then ICMP).
    if (eq > 0 && !out.has(word.slice(0, eq))) out.set(word.slice(0, eq), word.slice(eq + 1));
  }
  return out;
}

function num(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function parseDeniedLine(
  rawLine: string,
  node: string | undefined,
  line = 1,
): DeniedEntry | undefined {
  const at = rawLine.indexOf(LOG_PREFIX);
  if (at < 0) return undefined;
  const head = SYSLOG_HEAD.exec(rawLine.slice(0, at));
  const body = rawLine.slice(at + LOG_PREFIX.length);
  const firstField = body.search(/\b(IN|OUT|SRC)=/);
  if (firstField < 0) return undefined;
  const f = fields(body.slice(firstField));
  const src = f.get('SRC');
  const dst = f.get('DST');
  const protocol = f.get('PROTO');
  if (!src || !dst || !protocol) return undefined;
  const icmp = /^ICMP/.test(protocol);
  return {
    time: head?.groups?.['time'],
    node: node ?? head?.groups?.['host'],
    prefix: body.slice(0, firstField).replace(/^[\s:]+|[\s:]+$/g, ''),
    inInterface: f.get('IN') || undefined,
    outInterface: f.get('OUT') || undefined,
    src,
    dst,
    protocol,
    srcPort: icmp ? undefined : num(f.get('SPT')),
    dstPort: icmp ? undefined : num(f.get('DPT')),
    icmpType: icmp ? num(f.get('TYPE')) : undefined,
    icmpCode: icmp ? num(f.get('CODE')) : undefined,
    line,
  };
}

/** Every `calico-packet` line of a node's kernel log; other lines are ignored. */
export function parseDeniedLines(text: string, node?: string): DeniedEntry[] {
  const out: DeniedEntry[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const e = parseDeniedLine(l, node, i + 1);
    if (e) out.push(e);
  });
  return out;
}
