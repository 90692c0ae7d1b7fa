// Are pods on Calico's network? Every running pod that is not on the host network must have its address
// from Calico's IP pool (the inventory's pod_cidr): a pod with another address is still on the CNI that was
// there before (k3s's flannel gives 10.42.x.y from its own per-node /24s), and Calico policies do not apply to
// it (review ansible-and-real-cluster.md 1.4).
import { cidrContains, INVENTORY_SYNTAX, isIPv6Like, parseCidr, parseIp } from '../net/ip.js';
import type { Check } from './health-types.js';

interface PodDoc {
  metadata?: { name?: string; namespace?: string };
  spec?: { nodeName?: string; hostNetwork?: boolean };
  status?: { phase?: string; podIP?: string; podIPs?: { ip?: string }[] };
}

export interface OffPoolPod {
  pod: string;
  node: string;
  ip: string;
}

/** Pods (not host-network, with an IPv4 address) whose address lies outside every pool. */
export function podsOutsidePools(podsJson: string, pools: readonly string[]): OffPoolPod[] {
  const cidrs = pools.flatMap((p) => parseCidr(p, INVENTORY_SYNTAX) ?? []);
  const doc = JSON.parse(podsJson) as { items?: PodDoc[] };
  const out: OffPoolPod[] = [];
  for (const p of doc.items ?? []) {
    if (p.spec?.hostNetwork === true) continue;
    if (p.status?.phase !== undefined && !['Running', 'Pending'].includes(p.status.phase)) continue;
    const ips = [p.status?.podIP, ...(p.status?.podIPs ?? []).map((x) => x.ip)].filter(
      (x): x is string => typeof x === 'string' && x !== '' && !isIPv6Like(x),
    );
    const ip = ips[0];
    const n = ip === undefined ? undefined : parseIp(ip, INVENTORY_SYNTAX);
    if (ip === undefined || n === undefined) continue;
    if (cidrs.some((c) => cidrContains(c, n))) continue;
    out.push({
      pod: `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? '?'}`,
      node: p.spec?.nodeName ?? '?',
      ip,
    });
  }
  return out;
}

export function podAddressCheck(podsJson: string, pools: readonly string[]): Check {
  const name = 'pod-addresses';
  const off = podsOutsidePools(podsJson, pools);
  if (off.length === 0) return { name, ok: true, detail: `every pod's address is in ${pools.join(', ')}` };
  const shown = off.slice(0, 10).map((o) => `${o.pod} on ${o.node} (${o.ip})`);
  return {
    name,
    ok: false,
    detail:
      `${off.length} pod(s) not on Calico's network (address outside ${pools.join(', ')}): ${shown.join(', ')}` +
      `${off.length > shown.length ? ', ...' : ''}; another CNI (flannel?) still serves them: see "Preparing your cluster", then delete those pods so they are recreated on Calico`,
  };
}
