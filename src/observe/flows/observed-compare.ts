// `calico-validate --observed`: the static explanation of a flow set beside what the dataplane recorded
// for the same flow. Felix records a flow at each end (goldmane/proto/api.proto FlowKey.reporter): the
// source's record (`Src`) carries its egress trace, the destination's (`Dst`) its ingress trace. Each
// direction agrees when the deciding hits are the same policy rule: kind, tier, namespace, name, rule
// index and action (an end of tier: the same tier and triggering policy).
import type { DirectionVerdict, FlowVerdict } from '../../policy/evaluate/evaluate.js';
import {
  decidingHit,
  hitLabel,
  type ObservedFlow,
  type PolicyHit,
  type Reporter,
} from '../../policy/goldmane/flow.js';
import { nameMatches } from './flows-api.js';
import { staticTrace } from '../../policy/goldmane/static-trace.js';

export interface FlowEnds {
  src: { namespace: string; name: string };
  dst: { namespace: string; name: string };
  protocol: string;
  port: number | undefined;
}

export interface DirectionAgreement {
  direction: 'egress' | 'ingress';
  reporter: Reporter;
  expected: PolicyHit | undefined;
  observed: PolicyHit | undefined;
  /** Records of this flow and reporter in the window. */
  records: number;
  /** null: nothing recorded to compare with. */
  agrees: boolean | null;
}

export interface ObservedReport {
  records: number;
  directions: DirectionAgreement[];
  /** false when any direction disagrees; null when nothing was recorded; true otherwise. */
  agrees: boolean | null;
}

export function sameHit(a: PolicyHit | undefined, b: PolicyHit | undefined): boolean {
  if (!a || !b) return a === b;
  if (a.kind !== b.kind || a.tier !== b.tier || a.action !== b.action) return false;
  if (a.kind === 'EndOfTier')
    return sameHit(
      a.trigger && { ...a.trigger, action: 'Pass' },
      b.trigger && { ...b.trigger, action: 'Pass' },
    );
  if (a.kind === 'Profile') return a.name === b.name;
  return a.name === b.name && a.namespace === b.namespace && a.ruleIndex === b.ruleIndex;
}

export function flowsOf(flows: readonly ObservedFlow[], ends: FlowEnds): ObservedFlow[] {
  return flows.filter(
    (f) =>
      f.sourceNamespace === ends.src.namespace &&
      nameMatches(f.sourceName, ends.src.name) &&
      f.destNamespace === ends.dst.namespace &&
      nameMatches(f.destName, ends.dst.name) &&
      f.protocol.toUpperCase() === ends.protocol.toUpperCase() &&
      (ends.port === undefined || f.destPort === ends.port),
  );
}

function direction(
  v: DirectionVerdict,
  reporter: Reporter,
  records: readonly ObservedFlow[],
): DirectionAgreement {
  const mine = records
    .filter((f) => f.reporter === reporter)
    .sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  const expected = decidingHit(staticTrace(v));
  // The newest record: the policies may have changed during the window.
  const observed = mine[0] ? decidingHit(mine[0].enforced) : undefined;
  return {
    direction: v.direction,
    reporter,
    expected,
    observed,
    records: mine.length,
    agrees: mine.length ? sameHit(expected, observed) : null,
  };
}

export function compareObserved(
  verdict: FlowVerdict,
  flows: readonly ObservedFlow[],
  ends: FlowEnds,
): ObservedReport {
  const records = flowsOf(flows, ends);
  const directions = [direction(verdict.egress, 'Src', records), direction(verdict.ingress, 'Dst', records)];
  const compared = directions.filter((d) => d.agrees !== null);
  return {
    records: records.length,
    directions,
    agrees: compared.length === 0 ? null : compared.every((d) => d.agrees),
  };
}

function hitText(h: PolicyHit | undefined): string {
  if (!h) return 'no policy (outside the cluster)';
  const rule = h.kind === 'EndOfTier' || h.kind === 'Profile' ? '' : ` rule ${h.ruleIndex}`;
  return `${h.action} by ${hitLabel(h)}${rule}${h.tier && h.kind !== 'EndOfTier' ? ` in tier '${h.tier}'` : ''}`;
}

export function observedText(r: ObservedReport, sinceSeconds: number): string[] {
  const lines = [`Observed (Goldmane, last ${sinceSeconds}s): ${r.records} flow records`];
  for (const d of r.directions) {
    const head = `  ${d.direction} (reported by ${d.reporter === 'Src' ? 'the source' : 'the destination'}):`;
    if (d.agrees === null) {
      lines.push(`${head} nothing recorded`);
      continue;
    }
    lines.push(`${head} ${d.agrees ? 'agrees' : 'DISAGREES'}`);
    lines.push(`    static:   ${hitText(d.expected)}`);
    lines.push(`    observed: ${hitText(d.observed)}`);
  }
  if (r.agrees === null)
    lines.push('  nothing to compare: make the connection (or --probe) and ask again within the window');
  else if (!r.agrees)
    lines.push(
      '  hint: the dataplane decided by another rule than the policies say: are the policy files the ones applied (calico-validate --live)?',
    );
  return lines;
}

function hitJsonShort(h: PolicyHit | undefined) {
  return h
    ? {
        kind: h.kind,
        tier: h.tier,
        namespace: h.namespace,
        name: h.kind === 'EndOfTier' ? (h.trigger?.name ?? '') : h.name,
        ruleIndex: h.ruleIndex,
        action: h.action,
      }
    : null;
}

export function observedJson(r: ObservedReport, sinceSeconds: number) {
  return {
    source: 'goldmane',
    sinceSeconds,
    records: r.records,
    agrees: r.agrees,
    directions: r.directions.map((d) => ({
      direction: d.direction,
      reporter: d.reporter,
      records: d.records,
      agrees: d.agrees,
      static: hitJsonShort(d.expected),
      observed: hitJsonShort(d.observed),
    })),
  };
}
