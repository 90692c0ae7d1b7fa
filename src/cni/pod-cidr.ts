// Is the inventory's pod CIDR (Calico's IP pool) inside what the cluster gives pods? The operator refuses a
// pool outside kubeadm's podSubnet ("IPPool ... is not within the platform's configured pod network
// CIDR(s)", tigera/operator installation controller); on k3s the pool must match cluster-cidr.
import { cidrsOverlap, cidrWithin, INVENTORY_SYNTAX, isIPv6Like, parseCidr } from '../net/ip.js';

export type CidrRelation = 'equal' | 'inside' | 'contains' | 'overlaps' | 'disjoint' | 'invalid';

/** How the pool `pool` relates to the platform's CIDR `platform`. */
export function relateCidrs(pool: string, platform: string): CidrRelation {
  const a = parseCidr(pool, INVENTORY_SYNTAX);
  const b = parseCidr(platform, INVENTORY_SYNTAX);
  if (!a || !b) return 'invalid';
  if (a.network === b.network && a.prefix === b.prefix) return 'equal';
  if (cidrWithin(a, b)) return 'inside';
  if (cidrWithin(b, a)) return 'contains';
  return cidrsOverlap(a, b) ? 'overlaps' : 'disjoint';
}

/** The pool lies in one of the platform's CIDRs (a comma-separated list; IPv6 entries are skipped). */
export function poolWithin(pool: string, platformList: string): boolean {
  return platformList
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !isIPv6Like(s))
    .some((p) => ['equal', 'inside'].includes(relateCidrs(pool, p)));
}
