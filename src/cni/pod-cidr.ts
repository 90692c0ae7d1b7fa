// Is the inventory's pod CIDR (Calico's IP pool) inside what the cluster gives pods? The operator refuses a
// pool outside kubeadm's podSubnet ("IPPool ... is not within the platform's configured pod network
// CIDR(s)", tigera/operator installation controller); on k3s the pool must match cluster-cidr.
import { cidrsOverlap, cidrSize, isIPv6Like, parseCidr, type Cidr } from '../net/ipv4.js';

export type CidrRelation = 'equal' | 'inside' | 'contains' | 'overlaps' | 'disjoint' | 'invalid';

/** How the pool `pool` relates to the platform's CIDR `platform`. */
export function relateCidrs(pool: string, platform: string): CidrRelation {
  const a = parseCidr(pool);
  const b = parseCidr(platform);
  if (!a || !b) return 'invalid';
  if (a.base === b.base && a.prefix === b.prefix) return 'equal';
  if (within(a, b)) return 'inside';
  if (within(b, a)) return 'contains';
  return cidrsOverlap(a, b) ? 'overlaps' : 'disjoint';
}

function within(inner: Cidr, outer: Cidr): boolean {
  return inner.base >= outer.base && inner.base + cidrSize(inner) <= outer.base + cidrSize(outer);
}

/** The pool lies in one of the platform's CIDRs (a comma-separated list; IPv6 entries are skipped). */
export function poolWithin(pool: string, platformList: string): boolean {
  return platformList
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !isIPv6Like(s))
    .some((p) => ['equal', 'inside'].includes(relateCidrs(pool, p)));
}
