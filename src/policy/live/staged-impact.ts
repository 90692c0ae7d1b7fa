// What enforcing staged policies would break, from the dataplane's own records: a flow the dataplane
// allowed (its enforced trace ends in Allow) whose pending trace — the same flow evaluated with the
// staged policies enforced, as Felix computes it (goldmane/proto/api.proto PolicyTrace.pending_policies)
// — ends in Deny. Only denials the chosen staged policies cause count: the deciding pending hit is one
// of them, or an end of tier in a tier one of them is in.
import { table } from '../../core/table.js';
import { decidingHit, hitShort, type ObservedFlow, type PolicyHit } from '../../policy/goldmane/flow.js';

export interface StagedRef {
  kind: string;
  namespace: string;
  name: string;
  tier: string;
}

export interface StagedImpact {
  flow: ObservedFlow;
  allowedBy: PolicyHit | undefined;
  deniedBy: PolicyHit;
}

const STAGED_KINDS = new Set([
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
]);

function isChosen(h: PolicyHit, chosen: readonly StagedRef[] | undefined): boolean {
  if (!chosen) return true;
  const named = (x: PolicyHit | undefined) =>
    x !== undefined &&
    chosen.some((c) => c.kind === x.kind && c.namespace === x.namespace && c.name === x.name);
  if (h.kind === 'EndOfTier') return named(h.trigger) || chosen.some((c) => c.tier === h.tier);
  return named(h);
}

/** The flows the chosen staged policies (all, when undefined) would deny that are allowed now. */
export function stagedImpact(flows: readonly ObservedFlow[], chosen?: readonly StagedRef[]): StagedImpact[] {
  const out: StagedImpact[] = [];
  for (const flow of flows) {
    if (flow.action !== 'Allow') continue;
    const deniedBy = decidingHit(flow.pending);
    if (!deniedBy || deniedBy.action !== 'Deny') continue;
    if (deniedBy.kind !== 'EndOfTier' && !STAGED_KINDS.has(deniedBy.kind) && chosen) continue;
    if (!isChosen(deniedBy, chosen)) continue;
    out.push({ flow, allowedBy: decidingHit(flow.enforced), deniedBy });
  }
  return out;
}

const end = (ns: string, name: string) => (ns ? `${ns}/${name}` : name);

export function stagedImpactTable(impacts: readonly StagedImpact[]): string[] {
  return table(
    ['source', 'destination', 'proto', 'reporter', 'allowed now by', 'denied once enforced by'],
    impacts.map((i) => [
      end(i.flow.sourceNamespace, i.flow.sourceName),
      end(i.flow.destNamespace, i.flow.destName),
      `${i.flow.protocol}/${i.flow.destPort}`,
      i.flow.reporter,
      hitShort(i.allowedBy),
      hitShort(i.deniedBy),
    ]),
  );
}

export function stagedImpactJson(impacts: readonly StagedImpact[]) {
  return impacts.map((i) => ({
    source: end(i.flow.sourceNamespace, i.flow.sourceName),
    destination: end(i.flow.destNamespace, i.flow.destName),
    protocol: i.flow.protocol,
    port: i.flow.destPort,
    reporter: i.flow.reporter,
    allowedBy: hitShort(i.allowedBy),
    deniedBy: hitShort(i.deniedBy),
  }));
}
