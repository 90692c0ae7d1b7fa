// The staged-impact gate of `policy enforce --live`, as a decision: before the staged policies are
// enforced, ask the dataplane's flow records which flows of the window they would deny that are allowed
// now, and refuse when there are any. On by default wherever the cluster has Goldmane: enforcing a policy
// that cuts traffic already flowing is the outage staged policies exist to prevent, the policy tests only
// cover the flows someone wrote down, and the records cost nothing to read. A cluster without Goldmane is
// enforced as before (with a warning) unless the user asked for the check with a window; then no flow API
// is a refusal (the FlowsApiAbsentError goes up). The CLI (src/cli/commands/policy-enforce-staged-impact.ts)
// parses the flags and prints the verdict; the flows come through the lister it hands in.
import type { ObservedFlow } from '../goldmane/flow.js';
import { FlowsApiAbsentError } from '../goldmane/flows-error.js';
import type { LoadedObject } from '../load/read-objects.js';
import { stagedImpact, type StagedImpact, type StagedRef } from './staged-impact.js';

/** The window checked when the user names none (`--staged-impact` absent). */
export const DEFAULT_STAGED_IMPACT_SECONDS = 3600;

export interface StagedImpactRequest {
  /** The window the user asked for, in seconds; undefined: the default, and no flow API is no refusal. */
  askedSeconds: number | undefined;
  /** `--skip-staged-impact`. */
  skip: boolean;
  /** The staged policies about to be enforced. */
  chosen: readonly LoadedObject[];
}

/** Reads the flow records of the last `sinceSeconds` (the CLI's kubectl reader). */
export type FlowLister = (sinceSeconds: number) => Promise<readonly ObservedFlow[]>;

export type StagedImpactVerdict =
  /** Not checked on request. */
  | { kind: 'skipped' }
  /** Nothing chosen to enforce: nothing to check. */
  | { kind: 'nothing-chosen' }
  /** Default window on a cluster without a flow API: enforce, with this warning. */
  | { kind: 'no-flow-api'; message: string }
  /** Checked: none of the `flows` read would be denied. */
  | { kind: 'clear'; flows: number; sinceSeconds: number }
  /** Checked: these flows, allowed now, would be denied (refuse). */
  | { kind: 'refused'; impacts: StagedImpact[]; sinceSeconds: number };

export function stagedRef(o: LoadedObject): StagedRef {
  const meta = (o.value['metadata'] ?? {}) as { name?: string; namespace?: string };
  const spec = (o.value['spec'] ?? {}) as { tier?: string };
  return {
    kind: o.kind,
    namespace: meta.namespace ?? '',
    name: meta.name ?? '',
    tier: spec.tier ?? 'default',
  };
}

export async function stagedImpactVerdict(
  req: StagedImpactRequest,
  list: FlowLister,
): Promise<StagedImpactVerdict> {
  if (req.skip) return { kind: 'skipped' };
  if (!req.chosen.length) return { kind: 'nothing-chosen' };
  const sinceSeconds = req.askedSeconds ?? DEFAULT_STAGED_IMPACT_SECONDS;
  let flows: readonly ObservedFlow[];
  try {
    flows = await list(sinceSeconds);
  } catch (e) {
    if (req.askedSeconds === undefined && e instanceof FlowsApiAbsentError)
      return { kind: 'no-flow-api', message: e.message };
    throw e;
  }
  const impacts = stagedImpact(flows, req.chosen.map(stagedRef));
  return impacts.length
    ? { kind: 'refused', impacts, sinceSeconds }
    : { kind: 'clear', flows: flows.length, sinceSeconds };
}
