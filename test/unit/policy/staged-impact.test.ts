// The staged-impact gate's decision: a flow counts when the dataplane allowed it and its pending trace
// (goldmane/proto/api.proto PolicyTrace.pending_policies: the staged policies enforced) ends in Deny
// caused by a staged policy being enforced; and the table the refusal prints.
import { describe, expect, it } from 'vitest';
import type { ObservedFlow, PolicyHit } from '../../../src/policy/goldmane/flow.js';
import { FlowsApiAbsentError, FlowsApiError } from '../../../src/policy/goldmane/flows-error.js';
import type { LoadedObject } from '../../../src/policy/load/read-objects.js';
import {
  DEFAULT_STAGED_IMPACT_SECONDS,
  stagedImpactVerdict,
  type StagedImpactVerdict,
} from '../../../src/policy/live/staged-impact-gate.js';
import { stagedImpact, stagedImpactTable, type StagedRef } from '../../../src/policy/live/staged-impact.js';

const hit = (p: Partial<PolicyHit>): PolicyHit => ({
  kind: 'NetworkPolicy',
  name: 'allow-web',
  namespace: 'shop',
  tier: 'default',
  action: 'Allow',
  policyIndex: 0,
  ruleIndex: 0,
  trigger: undefined,
  ...p,
});

const ALLOW_NOW = hit({});
const STAGED_DENY = hit({ kind: 'StagedNetworkPolicy', name: 'lockdown', action: 'Deny', ruleIndex: 1 });
const STAGED_EOT = hit({
  kind: 'EndOfTier',
  name: '',
  namespace: '',
  action: 'Deny',
  ruleIndex: -1,
  trigger: hit({ kind: 'StagedNetworkPolicy', name: 'lockdown' }),
});
const STAGED_ALLOW = hit({ kind: 'StagedNetworkPolicy', name: 'lockdown', action: 'Allow' });
const OTHER_STAGED_DENY = hit({ kind: 'StagedNetworkPolicy', name: 'other', action: 'Deny' });

function flow(
  action: 'Allow' | 'Deny',
  enforced: PolicyHit[],
  pending: PolicyHit[],
  port = 8080,
): ObservedFlow {
  return {
    startTime: new Date(0),
    endTime: new Date(15000),
    action,
    sourceName: 'web-*',
    sourceNamespace: 'shop',
    sourceLabels: [],
    destName: 'api-*',
    destNamespace: 'shop',
    destLabels: [],
    protocol: 'TCP',
    destPort: port,
    reporter: 'Dst',
    enforced,
    pending,
    packetsIn: 1,
    packetsOut: 1,
    bytesIn: 1,
    bytesOut: 1,
  };
}

const LOCKDOWN: StagedRef[] = [
  { kind: 'StagedNetworkPolicy', namespace: 'shop', name: 'lockdown', tier: 'default' },
];

describe('stagedImpact', () => {
  it.each<[string, ObservedFlow, StagedRef[] | undefined, boolean]>([
    ['allowed now, a staged rule denies it', flow('Allow', [ALLOW_NOW], [STAGED_DENY]), LOCKDOWN, true],
    [
      'allowed now, the staged policy ends the tier in deny',
      flow('Allow', [ALLOW_NOW], [STAGED_EOT]),
      LOCKDOWN,
      true,
    ],
    ['allowed now and with the staged policy', flow('Allow', [ALLOW_NOW], [STAGED_ALLOW]), LOCKDOWN, false],
    ['denied now already', flow('Deny', [hit({ action: 'Deny' })], [STAGED_DENY]), LOCKDOWN, false],
    ['no pending trace', flow('Allow', [ALLOW_NOW], []), LOCKDOWN, false],
    [
      'denied by a staged policy that is not being enforced',
      flow('Allow', [ALLOW_NOW], [OTHER_STAGED_DENY]),
      LOCKDOWN,
      false,
    ],
    [
      'denied by any staged policy when all are enforced',
      flow('Allow', [ALLOW_NOW], [OTHER_STAGED_DENY]),
      undefined,
      true,
    ],
    [
      'a pending Pass before the staged deny',
      flow('Allow', [ALLOW_NOW], [hit({ action: 'Pass', tier: 'platform' }), STAGED_DENY]),
      LOCKDOWN,
      true,
    ],
  ])('%s', (_t, f, chosen, counted) => {
    expect(stagedImpact([f], chosen).length).toBe(counted ? 1 : 0);
  });

  it('prints a table of the flows it would break', () => {
    const impacts = stagedImpact(
      [flow('Allow', [ALLOW_NOW], [STAGED_DENY]), flow('Allow', [ALLOW_NOW], [STAGED_EOT], 9090)],
      LOCKDOWN,
    );
    expect(stagedImpactTable(impacts)).toEqual([
      'SOURCE       DESTINATION   PROTO      REPORTER   ALLOWED NOW BY                         DENIED ONCE ENFORCED BY',
      'shop/web-*   shop/api-*    TCP/8080   Dst        default/shop/allow-web rule 0: Allow   default/shop/lockdown rule 1: Deny',
      'shop/web-*   shop/api-*    TCP/9090   Dst        default/shop/allow-web rule 0: Allow   default/end-of-tier (shop/lockdown): Deny',
    ]);
  });
});

// The gate's decision (src/policy/live/staged-impact-gate.ts), with the flow reader handed in: what each
// combination of the flags and the cluster's answer leads to.
const LOCKDOWN_OBJECT: LoadedObject = {
  apiVersion: 'projectcalico.org/v3',
  kind: 'StagedNetworkPolicy',
  value: { metadata: { name: 'lockdown', namespace: 'shop' }, spec: {} },
  location: { file: 'cluster', line: 1, column: 1 },
  at: () => ({ file: 'cluster', line: 1, column: 1 }),
};
const BREAKS = flow('Allow', [ALLOW_NOW], [STAGED_DENY]);
const HARMLESS = flow('Allow', [ALLOW_NOW], [STAGED_ALLOW]);
const absent = async (): Promise<ObservedFlow[]> => {
  throw new FlowsApiAbsentError('no flow API in this cluster');
};
const unreadable = async (): Promise<ObservedFlow[]> => {
  throw new FlowsApiError('kubectl may not read the flow API');
};

describe('stagedImpactVerdict', () => {
  it.each<
    [
      string,
      { askedSeconds: number | undefined; skip: boolean; chosen: LoadedObject[] },
      (s: number) => Promise<ObservedFlow[]>,
      Partial<StagedImpactVerdict> | RegExp,
    ]
  >([
    [
      '--skip-staged-impact: not checked, nothing read',
      { askedSeconds: undefined, skip: true, chosen: [LOCKDOWN_OBJECT] },
      absent,
      { kind: 'skipped' },
    ],
    [
      'nothing chosen: nothing to check',
      { askedSeconds: 600, skip: false, chosen: [] },
      absent,
      { kind: 'nothing-chosen' },
    ],
    [
      'default window, no flow API: enforce with a warning',
      { askedSeconds: undefined, skip: false, chosen: [LOCKDOWN_OBJECT] },
      absent,
      { kind: 'no-flow-api', message: 'no flow API in this cluster' },
    ],
    [
      'window asked for, no flow API: the error goes up (refusal)',
      { askedSeconds: 600, skip: false, chosen: [LOCKDOWN_OBJECT] },
      absent,
      /no flow API/,
    ],
    [
      'default window, flow API unreadable: the error goes up',
      { askedSeconds: undefined, skip: false, chosen: [LOCKDOWN_OBJECT] },
      unreadable,
      /may not read/,
    ],
    [
      'flows that stay allowed: clear, over the default hour',
      { askedSeconds: undefined, skip: false, chosen: [LOCKDOWN_OBJECT] },
      async () => [HARMLESS, HARMLESS],
      { kind: 'clear', flows: 2, sinceSeconds: DEFAULT_STAGED_IMPACT_SECONDS },
    ],
    [
      'a flow the chosen staged policy would deny: refused, over the window asked for',
      { askedSeconds: 600, skip: false, chosen: [LOCKDOWN_OBJECT] },
      async (s) => (s === 600 ? [HARMLESS, BREAKS] : []),
      { kind: 'refused', sinceSeconds: 600 },
    ],
  ])('%s', async (_t, req, list, want) => {
    const run = stagedImpactVerdict(req, list);
    if (want instanceof RegExp) return void (await expect(run).rejects.toThrow(want));
    const got = await run;
    expect(got).toMatchObject(want);
    if (got.kind === 'refused') expect(got.impacts.map((i) => i.flow)).toEqual([BREAKS]);
  });
});
