// Flow records for a person and for a machine, as kubectl's `-o` offers them: `table` (the default),
// `wide` (more columns, the whole policy traces), and `yaml`/`json`, one kubectl-style List whose items
// are flow objects with Goldmane's fields (projectcalico/calico goldmane/proto/api.proto: `Flow` with its
// `FlowKey` key and the key's `PolicyTrace`), named as the proto's JSON mapping names them
// (https://protobuf.dev/programming-guides/json/: lowerCamelCase). Only the fields whisker-backend passes
// on are there (whisker-backend/pkg/apis/v1/flows.go FlowResponse): no endpoint types, services or
// connection counts. Times are RFC 3339 as whisker-backend gives them, not the proto's epoch seconds.
import { dump } from 'js-yaml';
import { UsageError } from '../../errors.js';
import { table } from '../../core/table.js';
import { decidingHit, hitShort, type ObservedFlow, type PolicyHit } from '../../policy/goldmane/flow.js';

export const FLOW_FORMATS = ['table', 'wide', 'yaml', 'json'] as const;
export type FlowFormat = (typeof FLOW_FORMATS)[number];

/** `-o` as kubectl reads it; `text` (picocal's global default) is the table. */
export function parseFlowFormat(text: string | undefined): FlowFormat {
  const v = text === undefined || text === 'text' ? 'table' : text;
  if (!(FLOW_FORMATS as readonly string[]).includes(v))
    throw new UsageError(
      `-o/--output must be one of ${FLOW_FORMATS.join(', ')}, not '${v}'`,
      'e.g. -o wide for the whole policy traces, -o yaml for every field',
    );
  return v as FlowFormat;
}

function end(ns: string, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

function time(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

/** A whole trace, hit by hit in the order the dataplane went through them. */
function trace(hits: readonly PolicyHit[]): string {
  return hits.length ? hits.map((h) => hitShort(h)).join(' > ') : '-';
}

const COLUMNS = ['start', 'source', 'destination', 'proto', 'reporter', 'action'];

function row(f: ObservedFlow): string[] {
  return [
    time(f.startTime),
    end(f.sourceNamespace, f.sourceName),
    end(f.destNamespace, f.destName),
    `${f.protocol}/${f.destPort}`,
    f.reporter,
    f.action,
  ];
}

export function flowsTable(flows: readonly ObservedFlow[]): string[] {
  return table(
    [...COLUMNS, 'enforced by', 'pending (staged)'],
    flows.map((f) => [...row(f), hitShort(decidingHit(f.enforced)), hitShort(decidingHit(f.pending))]),
  );
}

/** kubectl's wide: the end of the window, the counters, and every hit of both traces. */
export function flowsWide(flows: readonly ObservedFlow[]): string[] {
  return table(
    [...COLUMNS, 'end', 'packets in/out', 'bytes in/out', 'enforced trace', 'pending trace'],
    flows.map((f) => [
      ...row(f),
      time(f.endTime),
      `${f.packetsIn}/${f.packetsOut}`,
      `${f.bytesIn}/${f.bytesOut}`,
      trace(f.enforced),
      trace(f.pending),
    ]),
  );
}

/** api.proto `PolicyHit`. */
function hitItem(h: PolicyHit): Record<string, unknown> {
  return {
    kind: h.kind,
    namespace: h.namespace,
    name: h.name,
    tier: h.tier,
    action: h.action,
    policyIndex: h.policyIndex,
    ruleIndex: h.ruleIndex,
    ...(h.trigger ? { trigger: hitItem(h.trigger) } : {}),
  };
}

/** api.proto `Flow` (its `FlowKey` under `key`, the key's `PolicyTrace` under `key.policies`). */
export function flowItem(f: ObservedFlow): Record<string, unknown> {
  return {
    key: {
      sourceName: f.sourceName,
      sourceNamespace: f.sourceNamespace,
      destName: f.destName,
      destNamespace: f.destNamespace,
      destPort: f.destPort,
      proto: f.protocol,
      reporter: f.reporter,
      action: f.action,
      policies: {
        enforcedPolicies: f.enforced.map(hitItem),
        pendingPolicies: f.pending.map(hitItem),
      },
    },
    startTime: time(f.startTime),
    endTime: time(f.endTime),
    sourceLabels: f.sourceLabels,
    destLabels: f.destLabels,
    packetsIn: f.packetsIn,
    packetsOut: f.packetsOut,
    bytesIn: f.bytesIn,
    bytesOut: f.bytesOut,
  };
}

/** kubectl's List (what `kubectl get -o json` prints for several objects). */
export function flowList(flows: readonly ObservedFlow[]): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: flows.map(flowItem) };
}

/** The text lines of a format other than json (which is one document: flowList). */
export function flowLines(flows: readonly ObservedFlow[], format: Exclude<FlowFormat, 'json'>): string[] {
  switch (format) {
    case 'yaml':
      return dump(flowList(flows), { lineWidth: -1, noRefs: true }).trimEnd().split('\n');
    case 'wide':
      return flows.length ? flowsWide(flows) : [];
    case 'table':
      return flows.length ? flowsTable(flows) : [];
  }
}
