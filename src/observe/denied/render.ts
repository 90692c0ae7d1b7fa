// Denied packets for a person (one table row per packet) and for a machine (one JSON document).
import { table } from '../../core/table.js';
import type { NodeLog } from './collect.js';
import type { MappedEntry } from './map-pods.js';

function peer(pod: string | undefined, ip: string, port: number | undefined): string {
  const where = port !== undefined ? (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : ip;
  return pod ? `${pod} (${where})` : where;
}

/**
 * The boards whose log could not be read, grouped by what went wrong: five boards with the same problem
 * make one line naming the five, and the hint is given once.
 */
export function unreadLines(nodes: readonly NodeLog[]): string[] {
  const groups = new Map<string, { names: string[]; why: string; hint: string | undefined }>();
  for (const n of nodes) {
    if (n.error === undefined) continue;
    const why = `${n.reachable ? '' : 'unreachable: '}${n.error}`;
    const key = `${why}\u0000${n.hint ?? ''}`;
    const g = groups.get(key) ?? { names: [], why, hint: n.hint };
    g.names.push(n.name);
    groups.set(key, g);
  }
  return [...groups.values()].flatMap((g) => [
    `${g.names.join(', ')}: ${g.why}`,
    ...(g.hint ? [`  hint: ${g.hint}`] : []),
  ]);
}

/**
 * The packets as a table. With none, what was actually read: "no denied packets" only about the boards
 * whose log was read, and nothing at all when no board's was (the error says so; an empty answer is
 * not a clean bill).
 */
export function deniedText(entries: readonly MappedEntry[], nodes?: readonly NodeLog[]): string[] {
  if (!entries.length) {
    if (!nodes) return ['no denied packets logged'];
    const read = nodes.filter((n) => n.error === undefined).map((n) => n.name);
    const unread = nodes.filter((n) => n.error !== undefined).map((n) => n.name);
    if (!read.length) return [];
    return [
      `no denied packets logged on ${read.join(', ')}${unread.length ? ` (not read: ${unread.join(', ')})` : ''}`,
    ];
  }
  return table(
    ['time', 'node', 'source', 'destination', 'proto', 'in', 'out'],
    entries.map((e) => [
      e.time ?? '-',
      e.node ?? '-',
      peer(e.srcPod, e.src, e.srcPort),
      peer(e.dstPod, e.dst, e.dstPort),
      e.icmpType !== undefined ? `${e.protocol} type ${e.icmpType}/${e.icmpCode ?? 0}` : e.protocol,
      e.inInterface ?? '-',
      e.outInterface ?? '-',
    ]),
  );
}

export function deniedJson(entries: readonly MappedEntry[]) {
  return {
    count: entries.length,
    packets: entries.map((e) => ({
      time: e.time ?? null,
      node: e.node ?? null,
      prefix: e.prefix,
      inInterface: e.inInterface ?? null,
      outInterface: e.outInterface ?? null,
      src: e.src,
      srcPort: e.srcPort ?? null,
      srcPod: e.srcPod ?? null,
      dst: e.dst,
      dstPort: e.dstPort ?? null,
      dstPod: e.dstPod ?? null,
      protocol: e.protocol,
      icmpType: e.icmpType ?? null,
      icmpCode: e.icmpCode ?? null,
    })),
  };
}
