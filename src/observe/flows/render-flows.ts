// `picocal policy flows` as a table (kubectl style) and as one JSON document.
import { table } from '../../core/table.js';
import { decidingHit, hitShort, type ObservedFlow, type PolicyHit } from '../../policy/goldmane/flow.js';

function end(ns: string, name: string): string {
  return ns ? `${ns}/${name}` : name;
}

function time(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

export function flowsTable(flows: readonly ObservedFlow[]): string[] {
  return table(
    ['start', 'source', 'destination', 'proto', 'reporter', 'action', 'enforced by', 'pending (staged)'],
    flows.map((f) => [
      time(f.startTime),
      end(f.sourceNamespace, f.sourceName),
      end(f.destNamespace, f.destName),
      `${f.protocol}/${f.destPort}`,
      f.reporter,
      f.action,
      hitShort(decidingHit(f.enforced)),
      hitShort(decidingHit(f.pending)),
    ]),
  );
}

function hitJson(h: PolicyHit): Record<string, unknown> {
  return {
    kind: h.kind,
    namespace: h.namespace,
    name: h.name,
    tier: h.tier,
    action: h.action,
    policyIndex: h.policyIndex,
    ruleIndex: h.ruleIndex,
    trigger: h.trigger ? hitJson(h.trigger) : null,
  };
}

export function flowJson(f: ObservedFlow): Record<string, unknown> {
  return {
    startTime: time(f.startTime),
    endTime: time(f.endTime),
    source: { namespace: f.sourceNamespace, name: f.sourceName, labels: f.sourceLabels },
    destination: { namespace: f.destNamespace, name: f.destName, labels: f.destLabels, port: f.destPort },
    protocol: f.protocol,
    reporter: f.reporter,
    action: f.action,
    enforced: f.enforced.map(hitJson),
    pending: f.pending.map(hitJson),
    packetsIn: f.packetsIn,
    packetsOut: f.packetsOut,
    bytesIn: f.bytesIn,
    bytesOut: f.bytesOut,
  };
}
