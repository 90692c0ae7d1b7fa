// The probe next to the static verdict: does the cluster do what the policies say? When it does not,
// say where to look: the verdict is only as good as its inputs and the dataplane that enforces them.
import { displayArgv } from './probe-argv.js';
import type { LiveVerdict, ProbeOutcome, ProbeResult } from './interpret.js';

export interface ProbeReport {
  /** Everything that ran, kubectl first. */
  command: string[];
  result: ProbeResult;
  verdict: LiveVerdict | null;
  /** null when the probe was inconclusive. */
  agrees: boolean | null;
  detail: string;
  hint: string | null;
}

const NOT_ENFORCED =
  "the cluster let through what the policies deny: is calico-node Ready on both pods' nodes " +
  '(kubectl get pods -n calico-system -o wide)? Is Calico the CNI that enforces policy here? Were the ' +
  'policies applied only after the pods started, or changed since? Did --live skip policy kinds ' +
  '(warnings above)? Staged policies are never enforced.';
const DROPPED_ANYWAY =
  'something dropped a flow the policies allow: a policy missing from the static inputs (a kind the ' +
  'server does not serve was skipped, see warnings), a host firewall, the destination pod on a NotReady ' +
  'node, or a listener slower than --probe-timeout.';

export function probeReport(
  command: string[],
  outcome: ProbeOutcome,
  staticVerdict: LiveVerdict,
): ProbeReport {
  const agrees = outcome.verdict === null ? null : outcome.verdict === staticVerdict;
  const disagreeHint =
    agrees === false ? (outcome.verdict === 'allow' ? NOT_ENFORCED : DROPPED_ANYWAY) : null;
  return {
    command,
    result: outcome.result,
    verdict: outcome.verdict,
    agrees,
    detail: outcome.detail,
    hint: disagreeHint ?? outcome.hint ?? null,
  };
}

const RESULT_WORDS: Record<ProbeResult, string> = {
  connected: 'connected',
  refused: 'reached but port closed',
  timeout: 'timeout',
  inconclusive: 'inconclusive',
};

export function probeText(r: ProbeReport, staticVerdict: LiveVerdict): string[] {
  const live = r.verdict ? ` (live: ${r.verdict})` : '';
  const lines = [
    'Probe:',
    `  command: ${displayArgv(r.command)}`,
    `  result: ${RESULT_WORDS[r.result]}${live}: ${r.detail}`,
  ];
  if (r.agrees === true) lines.push(`  agrees with the static verdict (${staticVerdict})`);
  else if (r.agrees === false)
    lines.push(`  DISAGREES with the static verdict (${staticVerdict}): the live result is ${r.verdict}`);
  else lines.push('  no live answer: the static verdict stands unchecked');
  if (r.result === 'refused' && r.agrees !== null)
    lines.push('  (a refused connection counts as allow: a policy deny drops the packet, it never answers)');
  if (r.hint) lines.push(`  hint: ${r.hint}`);
  return lines;
}

/** The `probe` member of `calico-validate --output json`. */
export function probeJson(r: ProbeReport) {
  return {
    command: r.command,
    result: r.result,
    verdict: r.verdict,
    agrees: r.agrees,
    detail: r.detail,
    hint: r.hint,
  };
}
