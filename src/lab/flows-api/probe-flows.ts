// LAB ONLY: what feeds the flows stand-in. The lab has no Felix, so no dataplane records flows; the
// lab's probes (`calico-validate --probe`, which runs `nc -v -z -w T IP PORT`, `nc -v -u -z …` or
// `ping -c 1 -W T IP` through kubectl exec) are its traffic. For each probe the stand-in does what the
// Felixes at both ends would report to Goldmane: a `Src` record with the source pod's egress trace and,
// when egress lets the packet out, a `Dst` record with the destination's ingress trace, each with the
// pending trace the staged policies give. The traces are computed from the policies in the lab API
// (picocal's own evaluator standing in for Felix's rule walk), so on the lab, flow records show
// picocal's verdict: they test the path from the flow API to the user, not Calico's dataplane. The real
// Goldmane belongs to the real dataplane tier.
import { Evaluator } from '../../policy/evaluate/evaluate.js';
import { buildPolicySet, type PolicySet } from '../../policy/load/policy-set.js';
import { liveObject } from '../../policy/live/live-object.js';
import type { Pod } from '../../policy/model/cluster.js';
import type { Flow } from '../../policy/model/flow.js';
import { decidingHit, type FlowAction } from '../../policy/goldmane/flow.js';
import { staticTrace } from '../../policy/goldmane/static-trace.js';
import type { KubeApi } from '../kube-api/kube-api.js';
import type { FlowLog } from './flow-log.js';

/** The resources a Felix learns policy from, as picocal's --live reads them (policy/live/fetch.ts). */
const POLICY_RESOURCES: [string, string, string][] = [
  ['', 'v1', 'namespaces'],
  ['', 'v1', 'pods'],
  ['networking.k8s.io', 'v1', 'networkpolicies'],
  ['projectcalico.org', 'v3', 'tiers'],
  ['projectcalico.org', 'v3', 'networkpolicies'],
  ['projectcalico.org', 'v3', 'globalnetworkpolicies'],
  ['projectcalico.org', 'v3', 'networksets'],
  ['projectcalico.org', 'v3', 'globalnetworksets'],
  ['projectcalico.org', 'v3', 'stagednetworkpolicies'],
  ['projectcalico.org', 'v3', 'stagedglobalnetworkpolicies'],
  ['projectcalico.org', 'v3', 'stagedkubernetesnetworkpolicies'],
  ['policy.networking.k8s.io', 'v1alpha2', 'clusternetworkpolicies'],
];

export interface ProbeCall {
  protocol: 'TCP' | 'UDP' | 'ICMP';
  ip: string;
  port: number;
}

/** The probes picocal runs (policy/probe/probe-argv.ts defaultProbeArgv); anything else is no traffic. */
export function probeCall(argv: readonly string[]): ProbeCall | undefined {
  const [program, ...rest] = argv;
  if (program === 'ping') {
    const ip = rest[rest.length - 1];
    return ip ? { protocol: 'ICMP', ip, port: 0 } : undefined;
  }
  if (program !== 'nc' || rest.length < 2) return undefined;
  const port = Number(rest[rest.length - 1]);
  const ip = rest[rest.length - 2]!;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { protocol: rest.includes('-u') ? 'UDP' : 'TCP', ip, port };
}

function policySet(api: KubeApi): PolicySet {
  const objects = POLICY_RESOURCES.flatMap(([group, version, plural]) => {
    const t = api.registry.find(group, version, plural);
    if (!t) return [];
    const apiVersion = group ? `${group}/${version}` : version;
    return api.list(t, undefined).flatMap((o) => liveObject({ ...o, apiVersion, kind: t.kind }) ?? []);
  });
  return buildPolicySet(objects);
}

/** Goldmane's name for a pod: pods that share a generateName are one `prefix-*` name. */
function flowName(api: KubeApi, pod: Pod): string {
  const o = api.store.get('/pods', pod.namespace, pod.name) as
    { metadata?: { generateName?: string } } | undefined;
  const g = o?.metadata?.generateName;
  return g ? `${g}*` : pod.name;
}

function labels(p: Pod): string[] {
  return Object.entries(p.labels).map(([k, v]) => `${k}=${v}`);
}

function actionOf(allowed: boolean): FlowAction {
  return allowed ? 'Allow' : 'Deny';
}

/**
 * Records the flow of one probe run from pod NS/NAME. The destination is the pod with the probed IP
 * (one whose container ports include the port when several share it); a probe to an address no single
 * pod has is left out, as the stand-in cannot say whose it is.
 */
export function recordProbe(
  api: KubeApi,
  log: FlowLog,
  from: { namespace: string; pod: string },
  call: ProbeCall,
  exitCode: number | null,
  now = Date.now() / 1000,
): boolean {
  const set = policySet(api);
  const src = set.cluster.pods.find((p) => p.namespace === from.namespace && p.name === from.pod);
  const ip = (p: Pod) => (p.ip ? p.ip.text : undefined);
  let dsts = set.cluster.pods.filter((p) => ip(p) === call.ip && p !== src);
  if (dsts.length > 1) dsts = dsts.filter((p) => p.ports.some((n) => n.port === call.port));
  const dst = dsts.length === 1 ? dsts[0] : undefined;
  if (!src || !dst) return false;
  const protocol = call.protocol === 'TCP' ? 6 : call.protocol === 'UDP' ? 17 : 1;
  const flow: Flow = {
    src: { kind: 'pod', pod: src },
    dst: { kind: 'pod', pod: dst },
    protocol,
    port: call.protocol === 'ICMP' ? undefined : call.port,
    ...(call.protocol === 'ICMP' ? { icmpType: 8, icmpCode: 0 } : {}),
  };
  const enforced = new Evaluator(set).evaluate(flow);
  const staged = set.stagedPolicies
    ? new Evaluator({ ...set, policies: set.stagedPolicies }).evaluate(flow)
    : enforced;
  const answered = exitCode === 0;
  const base = {
    at: now,
    sourceName: flowName(api, src),
    sourceNamespace: src.namespace,
    sourceLabels: labels(src),
    destName: flowName(api, dst),
    destNamespace: dst.namespace,
    destLabels: labels(dst),
    protocol: call.protocol,
    destPort: call.port,
    bytesIn: answered ? 60 : 0,
    bytesOut: 60,
  };
  const egress = staticTrace(enforced.egress);
  log.add({
    ...base,
    reporter: 'Src',
    action: decidingHit(egress)?.action ?? actionOf(enforced.egress.allowed),
    enforced: egress,
    pending: staticTrace(staged.egress),
    packetsIn: answered ? 1 : 0,
    packetsOut: 1,
  });
  if (enforced.egress.allowed) {
    const ingress = staticTrace(enforced.ingress);
    log.add({
      ...base,
      reporter: 'Dst',
      action: decidingHit(ingress)?.action ?? actionOf(enforced.ingress.allowed),
      enforced: ingress,
      pending: staticTrace(staged.ingress),
      packetsIn: 1,
      packetsOut: answered ? 1 : 0,
    });
  }
  return true;
}
