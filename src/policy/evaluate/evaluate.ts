// The verdict for one flow: the source's egress and the destination's ingress must both allow it.
// Per direction, tiers in order; within a tier, policies in order and rules first-match: Allow and
// Deny decide, Pass jumps to the next tier, Log records and continues; a tier that selects the
// endpoint but takes no action applies its default action (Deny, or Pass); past the last tier, or
// with no policy at all, the namespace profile allows.
import type { Pod } from '../model/cluster.js';
import type { Flow, Peer } from '../model/flow.js';
import type { CompiledPolicy, CompiledRule, Direction, TierInfo } from '../model/policy.js';
import { hasPorts } from '../net/protocol.js';
import { PolicyIndex, type TierSlice } from './policy-index.js';
import type { PolicySet } from '../load/policy-set.js';

export type DirectionReason = 'rule' | 'end-of-tier' | 'profile' | 'outside-cluster' | 'loopback';

export interface RuleHit {
  tier: TierInfo;
  policy: CompiledPolicy;
  rule: CompiledRule;
}

export interface DirectionVerdict {
  direction: Direction;
  endpoint: Peer;
  allowed: boolean;
  reason: DirectionReason;
  /** The deciding rule (reason `rule`). */
  hit?: RuleHit;
  /** The deciding tier and the policies in it that select the endpoint (reason `end-of-tier`). */
  endOfTier?: TierSlice;
  /** Tiers left by a Pass (rule or tier default), in order. */
  passed: { tier: TierInfo; hit?: RuleHit }[];
  /** Log rules the flow went through. */
  logged: RuleHit[];
}

export interface FlowVerdict {
  allowed: boolean;
  flow: Flow;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

export function evaluateDirection(
  slices: readonly TierSlice[],
  flow: Flow,
  direction: Direction,
  endpoint: Peer,
): DirectionVerdict {
  const passed: DirectionVerdict['passed'] = [];
  const logged: RuleHit[] = [];
  tiers: for (const slice of slices) {
    for (const policy of slice.policies) {
      const rules = direction === 'ingress' ? policy.ingress : policy.egress;
      for (const rule of rules) {
        if (!rule.matches(flow)) continue;
        const hit = { tier: slice.tier, policy, rule };
        switch (rule.action) {
          case 'Log':
            logged.push(hit);
            continue;
          case 'Pass':
            passed.push({ tier: slice.tier, hit });
            continue tiers;
          default:
            return {
              direction,
              endpoint,
              allowed: rule.action === 'Allow',
              reason: 'rule',
              hit,
              passed,
              logged,
            };
        }
      }
    }
    if (slice.tier.defaultAction === 'Pass') {
      passed.push({ tier: slice.tier });
      continue;
    }
    return { direction, endpoint, allowed: false, reason: 'end-of-tier', endOfTier: slice, passed, logged };
  }
  return { direction, endpoint, allowed: true, reason: 'profile', passed, logged };
}

/** The same walk as evaluateDirection, answering only allowed-or-not and allocating nothing. */
export function allowsDirection(slices: readonly TierSlice[], flow: Flow, direction: Direction): boolean {
  tiers: for (const slice of slices) {
    for (const policy of slice.policies) {
      const rules = direction === 'ingress' ? policy.ingress : policy.egress;
      for (const rule of rules) {
        if (rule.action === 'Log' || !rule.matches(flow)) continue;
        if (rule.action === 'Pass') continue tiers;
        return rule.action === 'Allow';
      }
    }
    if (slice.tier.defaultAction !== 'Pass') return false;
  }
  return true;
}

export class Evaluator {
  readonly index: PolicyIndex;

  constructor(readonly set: Pick<PolicySet, 'cluster' | 'tiers'> & { policies: readonly CompiledPolicy[] }) {
    this.index = new PolicyIndex(set.cluster, set.policies, set.tiers);
  }

  private side(peer: Peer, direction: Direction, flow: Flow): DirectionVerdict {
    if (peer.kind !== 'pod')
      return { direction, endpoint: peer, allowed: true, reason: 'outside-cluster', passed: [], logged: [] };
    return evaluateDirection(this.index.slices(peer.pod, direction), flow, direction, peer);
  }

  evaluate(flow: Flow): FlowVerdict {
    if (flow.src.kind === 'pod' && flow.dst.kind === 'pod' && flow.src.pod === flow.dst.pod) {
      // A pod reaching its own address stays inside its network namespace: Calico never sees it.
      const self = (direction: Direction, endpoint: Peer): DirectionVerdict => ({
        direction,
        endpoint,
        allowed: true,
        reason: 'loopback',
        passed: [],
        logged: [],
      });
      return { allowed: true, flow, egress: self('egress', flow.src), ingress: self('ingress', flow.dst) };
    }
    const egress = this.side(flow.src, 'egress', flow);
    const ingress = this.side(flow.dst, 'ingress', flow);
    return { allowed: egress.allowed && ingress.allowed, flow, egress, ingress };
  }

  /** Only the verdict (the matrix): no explanation objects. */
  allows(flow: Flow): boolean {
    const { src, dst } = flow;
    if (src.kind === 'pod' && dst.kind === 'pod' && src.pod === dst.pod) return true;
    if (src.kind === 'pod' && !allowsDirection(this.index.slices(src.pod, 'egress'), flow, 'egress'))
      return false;
    return dst.kind !== 'pod' || allowsDirection(this.index.slices(dst.pod, 'ingress'), flow, 'ingress');
  }

  /** Like evaluateAnyPort, verdict only. */
  allowsAnyPort(src: Peer, dst: Peer, protocol: number): boolean {
    const flow: Flow = { src, dst, protocol, port: undefined };
    if (!hasPorts(protocol)) return this.allows(flow);
    for (const port of this.candidatePorts(src, dst, protocol)) {
      flow.port = port;
      if (this.allows(flow)) return true;
    }
    return false;
  }

  /**
   * Is the flow allowed on some port? Rules only distinguish ports at the bounds of the ranges they
   * name, so one port per interval between those bounds decides for the whole interval.
   */
  evaluateAnyPort(src: Peer, dst: Peer, protocol: number): FlowVerdict {
    const base: Flow = { src, dst, protocol, port: undefined };
    if (!hasPorts(protocol)) return this.evaluate(base);
    const candidates = this.candidatePorts(src, dst, protocol);
    let first: FlowVerdict | undefined;
    for (const port of candidates) {
      const v = this.evaluate({ ...base, port });
      if (v.allowed) return v;
      first ??= v;
    }
    return first ?? this.evaluate({ ...base, port: 1 });
  }

  private candidatePorts(src: Peer, dst: Peer, protocol: number): number[] {
    const points = new Set<number>();
    const served =
      dst.kind === 'pod' ? dst.pod.ports.filter((p) => p.protocol === protocol).map((p) => p.port) : [];
    // The destination's own ports first: the explanation of a denial is then about a port it serves.
    for (const p of served) points.add(p);
    const add = (pod: Pod | undefined, dir: Direction) => {
      if (!pod) return;
      for (const slice of this.index.slices(pod, dir))
        for (const policy of slice.policies)
          for (const rule of dir === 'ingress' ? policy.ingress : policy.egress)
            for (const p of rule.portPoints) points.add(p);
    };
    add(src.kind === 'pod' ? src.pod : undefined, 'egress');
    add(dst.kind === 'pod' ? dst.pod : undefined, 'ingress');
    points.add(1);
    const rest = [...points].filter((p) => p >= 1 && p <= 65535 && !served.includes(p)).sort((a, b) => a - b);
    return [...new Set(served), ...rest];
  }
}
