// One probe: from the SRC pod (kubectl exec, the user's own kubectl and kubeconfig) to the DST pod's
// IP and port, and what its exit says. Nothing here throws for a probe that went wrong: a failed
// kubectl exec is an inconclusive probe, reported next to the verdict it could not check.
import { UsageError } from '../../errors.js';
import { kubectl, KubectlError, targetArgs, type KubectlTarget } from '../live/kubectl.js';
import { peerName, type Peer } from '../model/flow.js';
import type { ProtocolQuery } from '../evaluate/query.js';
import { interpretProbe, type ProbeOutcome } from './interpret.js';
import { defaultProbeArgv, execArgs, templateProbeArgv, type ExecTarget } from './probe-argv.js';
import type { ProbeSettings } from './settings.js';

export interface ProbePlan {
  target: ExecTarget;
  /** The program and its arguments, run inside the source container. */
  argv: string[];
  protocol: number;
  timeoutSeconds: number;
  custom: boolean;
}

function probeArgv(q: ProtocolQuery, s: ProbeSettings, ip: string): string[] {
  const values = { ip, port: q.port, timeoutSeconds: s.timeoutSeconds };
  return s.command !== undefined
    ? templateProbeArgv(s.command, q.protocol, values)
    : defaultProbeArgv(q.protocol, values);
}

/** The usage errors of a probe (no --port, bad template) before the cluster is read. */
export function checkProbe(q: ProtocolQuery, s: ProbeSettings): void {
  probeArgv(q, s, '192.0.2.1');
}

export function planProbe(src: Peer, dst: Peer, q: ProtocolQuery, s: ProbeSettings): ProbePlan {
  if (src.kind !== 'pod')
    throw new UsageError(
      `the probe needs a source pod: SRC ${peerName(src)} is an address outside the cluster`,
      'name a pod as SRC, or drop --probe for a static verdict only',
    );
  if (dst.kind !== 'pod')
    throw new UsageError(
      `the probe needs a destination pod: DST ${peerName(dst)} is an address outside the cluster`,
      'name a pod as DST, or drop --probe for a static verdict only',
    );
  const ip = dst.pod.ip;
  if (!ip)
    throw new UsageError(
      `DST pod ${peerName(dst)} has no IP yet (status.podIP is empty)`,
      'wait until it runs (kubectl get pod -o wide), then probe again',
    );
  const argv = probeArgv(q, s, ip.text);
  return {
    target: { namespace: src.pod.namespace, pod: src.pod.name, container: s.container },
    argv,
    protocol: q.protocol,
    timeoutSeconds: s.timeoutSeconds,
    custom: s.command !== undefined,
  };
}

export interface ProbeRunResult {
  command: string[];
  outcome: ProbeOutcome;
}

export async function runProbe(t: KubectlTarget, plan: ProbePlan): Promise<ProbeRunResult> {
  const args = execArgs(plan.target, plan.argv);
  const command = [t.binary ?? 'kubectl', ...targetArgs(t), ...args];
  const ctx = { protocol: plan.protocol, timeoutSeconds: plan.timeoutSeconds, custom: plan.custom };
  try {
    const run = await kubectl(t, args);
    return { command, outcome: interpretProbe(run, ctx) };
  } catch (err) {
    if (!(err instanceof KubectlError)) throw err;
    return {
      command,
      outcome: {
        result: 'inconclusive',
        verdict: null,
        detail: err.message,
        ...(err.hint ? { hint: err.hint } : {}),
      },
    };
  }
}
