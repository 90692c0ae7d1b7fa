// Which policies apply to which pod, per direction, grouped by tier in evaluation order. Computed
// once per pod, so a query costs only the rules of the policies that select its two endpoints.
import type { Cluster, Pod } from '../model/cluster.js';
import type { CompiledPolicy, Direction, TierInfo } from '../model/policy.js';
import { compareOrder, comparePolicies } from '../calico/tiers.js';

export interface TierSlice {
  tier: TierInfo;
  /** Policies of this tier selecting the pod for the direction, in order. */
  policies: CompiledPolicy[];
}

export class PolicyIndex {
  private readonly byNamespace = new Map<string, CompiledPolicy[]>();
  private readonly global: CompiledPolicy[] = [];
  private readonly cache: { ingress: (TierSlice[] | undefined)[]; egress: (TierSlice[] | undefined)[] };
  private readonly tierRank = new Map<string, number>();

  constructor(
    readonly cluster: Cluster,
    policies: readonly CompiledPolicy[],
    readonly tiers: ReadonlyMap<string, TierInfo>,
  ) {
    const ordered = [...tiers.values()].sort((a, b) => compareOrder(a.order, b.order, a.name, b.name));
    ordered.forEach((t, i) => this.tierRank.set(t.name, i));
    const sorted = [...policies].sort((a, b) => this.rank(a) - this.rank(b) || comparePolicies(a, b));
    for (const p of sorted) {
      if (p.namespace === undefined) this.global.push(p);
      else {
        const list = this.byNamespace.get(p.namespace) ?? [];
        list.push(p);
        this.byNamespace.set(p.namespace, list);
      }
    }
    this.cache = { ingress: new Array(cluster.pods.length), egress: new Array(cluster.pods.length) };
  }

  private rank(p: CompiledPolicy): number {
    return this.tierRank.get(p.ref.tier) ?? Number.MAX_SAFE_INTEGER;
  }

  /** Tiers that apply to `pod` in `direction`, in order, each with its selecting policies in order. */
  slices(pod: Pod, direction: Direction): TierSlice[] {
    const cached = this.cache[direction][pod.id];
    if (cached) return cached;
    const candidates = this.merge(this.global, this.byNamespace.get(pod.namespace) ?? []);
    const out: TierSlice[] = [];
    for (const p of candidates) {
      if (!p.types.has(direction) || !p.selects(pod)) continue;
      const last = out[out.length - 1];
      if (last && last.tier.name === p.ref.tier) last.policies.push(p);
      else out.push({ tier: this.tiers.get(p.ref.tier) ?? unknownTier(p.ref.tier), policies: [p] });
    }
    this.cache[direction][pod.id] = out;
    return out;
  }

  private merge(a: CompiledPolicy[], b: CompiledPolicy[]): CompiledPolicy[] {
    if (!a.length) return b;
    if (!b.length) return a;
    const out: CompiledPolicy[] = [];
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      const x = a[i];
      const y = b[j];
      if (
        y === undefined ||
        (x !== undefined && (this.rank(x) - this.rank(y) || comparePolicies(x, y)) <= 0)
      ) {
        out.push(x as CompiledPolicy);
        i++;
      } else {
        out.push(y);
        j++;
      }
    }
    return out;
  }
}

function unknownTier(name: string): TierInfo {
  return { name, order: undefined, defaultAction: 'Deny', location: undefined };
}
