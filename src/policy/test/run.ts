// Check every expectation of a test file against a policy set with the evaluator calico-validate uses,
// keeping the explanation so a failure says which policy and rule decided it.
import { InputError, type InputProblem } from '../../errors.js';
import { Evaluator, type DirectionVerdict, type FlowVerdict } from '../evaluate/evaluate.js';
import { parseProtocolQuery, resolvePeer } from '../evaluate/query.js';
import { evaluateQuery } from '../evaluate/validate.js';
import { explainFlow, flowText, policyName } from '../explain/explain.js';
import type { PolicySet } from '../load/policy-set.js';
import type { Expectation, Verdict } from './spec.js';

export interface TestResult {
  expectation: Expectation;
  actual: Verdict;
  passed: boolean;
  /** The flow as evaluated, e.g. `shop/web → shop/api (TCP port 8080)`. */
  flow: string;
  /** The rule or end of tier that decided each deciding direction; empty when no policy applied. */
  decidedBy: string[];
  explanation: string[];
}

function directionDecider(v: DirectionVerdict): string[] {
  if (v.hit) return [`${policyName(v.hit.policy.ref)} (${v.direction} rule ${v.hit.rule.index})`];
  if (v.endOfTier)
    return [
      `end of tier '${v.endOfTier.tier.name}' (${v.direction}): ${v.endOfTier.policies.map((p) => policyName(p.ref)).join(', ')}`,
    ];
  return [];
}

/** A denial is decided by the side that denied; an allow by whatever allowed on either side. */
function deciders(v: FlowVerdict): string[] {
  const sides = v.allowed ? [v.egress, v.ingress] : [v.egress, v.ingress].filter((d) => !d.allowed);
  return [...new Set(sides.flatMap(directionDecider))];
}

/** The flag names calico-validate's parsers report, as the test file spells them. */
const FIELD_OF: Record<string, string> = {
  SRC: 'from',
  DST: 'to',
  '--port': 'port',
  '--protocol': 'protocol',
};

/** Resolve every expectation first, so one run reports every bad reference with its line. */
export function runExpectations(
  set: Pick<PolicySet, 'cluster' | 'tiers' | 'policies'>,
  expectations: readonly Expectation[],
): TestResult[] {
  const problems: InputProblem[] = [];
  const flows = expectations.flatMap((e) => {
    try {
      const query = parseProtocolQuery(e.protocol, e.port);
      const src = resolvePeer(e.from, e.namespace, set.cluster, 'SRC');
      const dst = resolvePeer(e.to, e.namespace, set.cluster, 'DST');
      return [{ e, query, src, dst }];
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      for (const p of err.problems) {
        const field = FIELD_OF[p.field ?? ''] ?? 'from';
        problems.push({
          ...p,
          location: e.fieldLocations[field] ?? e.location,
          field,
          message: `${e.name}: ${p.message}`,
        });
      }
      return [];
    }
  });
  if (problems.length) throw new InputError('the policy test names flows that cannot be evaluated', problems);
  const evaluator = new Evaluator(set);
  return flows.map(({ e, query, src, dst }) => {
    const verdict = evaluateQuery(evaluator, src, dst, query);
    const actual: Verdict = verdict.allowed ? 'allow' : 'deny';
    return {
      expectation: e,
      actual,
      passed: actual === e.expect,
      flow: flowText(verdict.flow),
      decidedBy: deciders(verdict),
      explanation: explainFlow(verdict),
    };
  });
}
