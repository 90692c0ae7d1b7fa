// LAB ONLY: the flow records of the lab's flows stand-in, kept as Goldmane keeps them: one record per
// FlowKey (source, destination, port, protocol, reporter, action and policy trace) and aggregation
// interval of 15 s (goldmane/proto/api.proto FlowListRequest.aggregation_interval, Flow.start_time /
// end_time), its counters summed. Records are stored in whisker-backend's JSON shape
// (whisker-backend/pkg/apis/v1/flows.go FlowResponse), since that is what the stand-in serves.
import type { FlowAction, ObservedFlow, PolicyHit, Reporter } from '../../policy/goldmane/flow.js';

export const AGGREGATION_SECONDS = 15;
/** Goldmane keeps a bounded history; so does the stand-in. */
const MAX_RECORDS = 10_000;

export interface HitJson {
  kind: string;
  name: string;
  namespace: string;
  tier: string;
  action: string;
  policy_index: number;
  rule_index: number;
  trigger: HitJson | null;
}

export interface FlowResponseJson {
  start_time: string;
  end_time: string;
  action: FlowAction;
  source_name: string;
  source_namespace: string;
  source_labels: string;
  dest_name: string;
  dest_namespace: string;
  dest_labels: string;
  protocol: string;
  dest_port: number;
  reporter: Reporter;
  policies: { enforced: HitJson[] | null; pending: HitJson[] | null };
  packets_in: number;
  packets_out: number;
  bytes_in: number;
  bytes_out: number;
}

/** A PolicyHit as whisker-backend marshals it (a trigger's own action is the proto's zero value). */
export function hitJson(h: PolicyHit, asTrigger = false): HitJson {
  return {
    kind: h.kind,
    name: h.name,
    namespace: h.namespace,
    tier: h.tier,
    action: asTrigger ? 'ActionUnspecified' : h.action,
    policy_index: asTrigger ? 0 : h.policyIndex,
    rule_index: asTrigger ? 0 : h.ruleIndex,
    trigger: h.trigger ? hitJson(h.trigger, true) : null,
  };
}

/** One flow as a probe saw it: the record's fields, at one moment (seconds since the epoch) instead of a window. */
export type FlowObservation = Omit<ObservedFlow, 'startTime' | 'endTime'> & { at: number };

interface Stored {
  key: string;
  start: number;
  flow: FlowResponseJson;
}

function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export class FlowLog {
  private readonly records: Stored[] = [];
  private readonly listeners = new Set<(f: FlowResponseJson) => void>();

  /**
   * Calls `fn` with each record a probe adds or adds to, until the returned function is called. Goldmane
   * streams a flow once its 15 s bucket is complete (goldmane/proto/api.proto FlowStreamRequest); the
   * stand-in sends it at once, and again as its counters grow: earlier, never a record that is not kept.
   */
  subscribe(fn: (f: FlowResponseJson) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  add(o: FlowObservation): void {
    const start = Math.floor(o.at / AGGREGATION_SECONDS) * AGGREGATION_SECONDS;
    const enforced = o.enforced.map((h) => hitJson(h));
    const pending = o.pending.map((h) => hitJson(h));
    const key = JSON.stringify([
      start,
      o.sourceNamespace,
      o.sourceName,
      o.destNamespace,
      o.destName,
      o.protocol,
      o.destPort,
      o.reporter,
      o.action,
      enforced,
      pending,
    ]);
    const found = this.records.find((r) => r.key === key);
    if (found) {
      found.flow.packets_in += o.packetsIn;
      found.flow.packets_out += o.packetsOut;
      found.flow.bytes_in += o.bytesIn;
      found.flow.bytes_out += o.bytesOut;
      for (const fn of this.listeners) fn(found.flow);
      return;
    }
    this.records.push({
      key,
      start,
      flow: {
        start_time: rfc3339(start),
        end_time: rfc3339(start + AGGREGATION_SECONDS),
        action: o.action,
        source_name: o.sourceName,
        source_namespace: o.sourceNamespace,
        source_labels: o.sourceLabels.join(' | '),
        dest_name: o.destName,
        dest_namespace: o.destNamespace,
        dest_labels: o.destLabels.join(' | '),
        protocol: o.protocol,
        dest_port: o.destPort,
        reporter: o.reporter,
        // Go marshals an empty trace as null (handlers/v1/protoconvert.go protoToPolicy appends to nil).
        policies: { enforced: enforced.length ? enforced : null, pending: pending.length ? pending : null },
        packets_in: o.packetsIn,
        packets_out: o.packetsOut,
        bytes_in: o.bytesIn,
        bytes_out: o.bytesOut,
      },
    });
    if (this.records.length > MAX_RECORDS) this.records.shift();
    const added = this.records[this.records.length - 1]!.flow;
    for (const fn of this.listeners) fn(added);
  }

  /** Records whose start time is in [gte, lt), newest first (Goldmane's default sort is by time). */
  window(gte: number, lt: number): FlowResponseJson[] {
    return this.records
      .filter((r) => r.start >= gte && r.start < lt)
      .sort((a, b) => b.start - a.start)
      .map((r) => r.flow);
  }
}
