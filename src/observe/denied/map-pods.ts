// Put pod names on logged addresses: a denied packet means something only as "web → postgres".
// Addresses come from the cluster snapshot (status.podIP, and every status.podIPs entry when the
// snapshot's raw pods are given, for dual-stack clusters).
import type { Cluster } from '../../policy/model/cluster.js';
import { parseIp, POLICY_SYNTAX } from '../../net/ip.js';
import type { LoadedObject } from '../../policy/load/read-objects.js';
import type { DeniedEntry } from './parse.js';

export interface PodAddress {
  namespace: string;
  name: string;
  ip: string;
  node: string | undefined;
}

export interface MappedEntry extends DeniedEntry {
  /** `namespace/pod`, or undefined when the address is no pod of the snapshot. */
  srcPod: string | undefined;
  dstPod: string | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Every address of every pod in raw objects (kubectl get pods -A -o yaml), host-network pods excluded. */
export function podAddresses(objects: readonly LoadedObject[]): PodAddress[] {
  const out: PodAddress[] = [];
  for (const o of objects) {
    if (o.apiVersion !== 'v1' || o.kind !== 'Pod') continue;
    const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
    const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
    const status = isRecord(o.value['status']) ? o.value['status'] : {};
    // A host-network pod shares the node's address: the address names the node, not that pod.
    if (spec['hostNetwork'] === true) continue;
    const ips = new Set<string>();
    if (typeof status['podIP'] === 'string') ips.add(status['podIP']);
    if (Array.isArray(status['podIPs']))
      for (const p of status['podIPs']) if (isRecord(p) && typeof p['ip'] === 'string') ips.add(p['ip']);
    for (const ip of ips)
      out.push({
        namespace: typeof meta['namespace'] === 'string' ? meta['namespace'] : 'default',
        name: String(meta['name']),
        ip,
        node: typeof spec['nodeName'] === 'string' ? spec['nodeName'] : undefined,
      });
  }
  return out;
}

function addressesOf(cluster: Cluster | readonly PodAddress[]): readonly PodAddress[] {
  if (Array.isArray(cluster)) return cluster as readonly PodAddress[];
  return (cluster as Cluster).pods.flatMap((p) =>
    p.ip ? [{ namespace: p.namespace, name: p.name, ip: p.ip.text, node: undefined }] : [],
  );
}

/** `fd00::0001` and `fd00::1` are one address: compare parsed values, not text. */
function key(ip: string): string {
  const parsed = parseIp(ip, POLICY_SYNTAX);
  return parsed ? `${parsed.version}:${parsed.value}` : ip;
}

export function mapToPods(
  entries: readonly DeniedEntry[],
  cluster: Cluster | readonly PodAddress[],
): MappedEntry[] {
  const byIp = new Map<string, string>();
  for (const a of addressesOf(cluster)) byIp.set(key(a.ip), `${a.namespace}/${a.name}`);
  return entries.map((e) => ({ ...e, srcPod: byIp.get(key(e.src)), dstPod: byIp.get(key(e.dst)) }));
}
