// Denied packets for a person (one table row per packet) and for a machine (one JSON document).
import { table } from '../table.js';
import type { MappedEntry } from './map-pods.js';

function peer(pod: string | undefined, ip: string, port: number | undefined): string {
  const where = port !== undefined ? (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`) : ip;
  return pod ? `${pod} (${where})` : where;
}

export function deniedText(entries: readonly MappedEntry[]): string[] {
  if (!entries.length) return ['no denied packets logged'];
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
