// What a probe's exit says about the flow. Calico denies by dropping packets, so the deny signal is a
// timeout. A refused TCP connection means the SYN reached the destination pod and its kernel answered
// RST: the policies let the packet through and nothing listens, which counts as "allow". kubectl's own
// failures (no pod, forbidden, no connection) and a missing tool in the image say nothing about policy.
export type ProbeResult = 'connected' | 'refused' | 'timeout' | 'inconclusive';
export type LiveVerdict = 'allow' | 'deny';

export interface ProbeRun {
  /** kubectl's exit code: the program's own when the program ran, 1 for kubectl's failures. */
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ProbeContext {
  protocol: number;
  timeoutSeconds: number;
  /** --probe-command: a program whose messages picocal does not know. */
  custom: boolean;
}

export interface ProbeOutcome {
  result: ProbeResult;
  /** What the probe says about the flow; null when it says nothing (result inconclusive). */
  verdict: LiveVerdict | null;
  detail: string;
  hint?: string;
}

const UDP = 17;
const ICMP = [1, 58];
/** kubectl prints this when the program ran and exited non-zero, then exits with that code. */
const TERMINATED = /command terminated with exit code (\d+)/;
const TOOL_MISSING =
  /executable file not found|OCI runtime exec failed|exec: "[^"]*": (?:stat [^:]*: )?no such file|: not found$/im;
const BAD_OPTIONS = /invalid option|unrecognized option|illegal option|unknown option|^usage:/im;
const TOOL_HINT =
  "the image lacks the probe tool: pass --probe-command with a program it has, e.g. 'agnhost connect {ip}:{port} --timeout {timeout}s' or add a debug container (kubectl debug)";

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !TERMINATED.test(l));
  return lines.find((l) => /^(error|Error from server)/.test(l)) ?? lines.at(-1) ?? '';
}

function inconclusive(detail: string, hint?: string): ProbeOutcome {
  return { result: 'inconclusive', verdict: null, detail, ...(hint ? { hint } : {}) };
}

export function interpretProbe(run: ProbeRun, c: ProbeContext): ProbeOutcome {
  const said = lastLine(run.stderr);
  const terminated = TERMINATED.exec(run.stderr);
  if (run.exitCode !== 0 && !terminated) {
    // kubectl itself failed, or the runtime could not start the program.
    if (TOOL_MISSING.test(run.stderr)) return inconclusive(`the probe did not start: ${said}`, TOOL_HINT);
    return inconclusive(
      `kubectl exec failed: ${said || `exit ${run.exitCode}`}`,
      /forbidden/i.test(run.stderr)
        ? 'the kubeconfig user needs the create verb on pods/exec in the source namespace'
        : undefined,
    );
  }
  const code = terminated ? Number(terminated[1]) : run.exitCode;
  const icmp = ICMP.includes(c.protocol);
  const udp = c.protocol === UDP;
  if (code === 0) {
    if (udp)
      return inconclusive(
        `no ICMP error came back within ${c.timeoutSeconds}s: UDP has no handshake, so a delivered datagram and a dropped one look the same`,
        'UDP probes are weak: probe a TCP port of the same pod, or use --probe-command with a client that expects an answer (e.g. DNS: nslookup)',
      );
    return {
      result: 'connected',
      verdict: 'allow',
      detail: icmp ? 'the destination answered the ping' : 'the connection was established',
    };
  }
  if (code === 126 || code === 127 || TOOL_MISSING.test(run.stderr))
    return inconclusive(`the probe did not start (exit ${code}): ${said}`, TOOL_HINT);
  if (BAD_OPTIONS.test(run.stderr))
    return inconclusive(
      `the probe tool rejected its options (exit ${code}): ${said}`,
      "this image's nc differs (BusyBox builds without -z exist): pass --probe-command",
    );
  if (icmp) {
    if (code === 1)
      return {
        result: 'timeout',
        verdict: 'deny',
        detail: `no echo reply within ${c.timeoutSeconds}s`,
      };
    return inconclusive(
      `ping failed (exit ${code}): ${said}`,
      /not permitted|permission denied/i.test(run.stderr)
        ? 'ping needs CAP_NET_RAW in the source container'
        : undefined,
    );
  }
  if (code !== 1) return inconclusive(`the probe exited ${code}: ${said || 'no message'}`);
  if (/refused/i.test(run.stderr) || (udp && !said && !c.custom))
    return {
      result: 'refused',
      verdict: 'allow',
      detail: udp
        ? 'an ICMP port-unreachable came back: the datagram reached the destination, which has no UDP listener on that port'
        : 'the destination pod answered with a reset: the policies let the packet through, but nothing listens on that port',
    };
  if (/unreachable|no route to host/i.test(run.stderr))
    return inconclusive(
      `the pod has no route to the destination: ${said}`,
      'a routing problem (pod network, a gone pod), not a policy answer: Calico drops denied packets silently',
    );
  return {
    result: 'timeout',
    verdict: 'deny',
    detail: /timed out|timeout/i.test(run.stderr)
      ? `no answer within ${c.timeoutSeconds}s: the packets were dropped, as Calico drops what policy denies`
      : `the probe exited 1 (${said || 'no message'}): taken as no connection`,
  };
}
