// One connection attempt: who opens it, to whom, with which protocol and destination port.
import type { IpAddress } from '../../net/ip.js';
import type { Pod } from './cluster.js';

/** A pod of the cluster, or an address outside it (no Calico endpoint, so no policy applies there). */
export type Peer = { kind: 'pod'; pod: Pod } | { kind: 'ip'; ip: IpAddress };

export interface Flow {
  src: Peer;
  dst: Peer;
  protocol: number;
  /** Destination port; undefined for protocols without ports (ICMP). */
  port: number | undefined;
  icmpType?: number;
  icmpCode?: number;
}

export function peerIp(p: Peer): IpAddress | undefined {
  return p.kind === 'pod' ? p.pod.ip : p.ip;
}

export function peerName(p: Peer): string {
  return p.kind === 'pod' ? `${p.pod.namespace}/${p.pod.name}` : p.ip.text;
}
