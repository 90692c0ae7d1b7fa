// One question, one answer: may SRC open a connection to DST? With staged policies, also the answer
// once they are enforced.
import type { PolicySet } from '../load/policy-set.js';
import type { Flow, Peer } from '../model/flow.js';
import { directionJson, explainFlow, flowText } from '../explain/explain.js';
import { Evaluator, type FlowVerdict } from './evaluate.js';
import type { ProtocolQuery } from './query.js';

export interface ValidationResult {
  verdict: FlowVerdict;
  staged: FlowVerdict | undefined;
}

function fixedFlow(src: Peer, dst: Peer, q: ProtocolQuery): Flow | undefined {
  if (q.port === undefined && q.protocol !== 1 && q.protocol !== 58) return undefined;
  // An ICMP question without type is a ping: echo request, type 8 (ICMPv6: 128), code 0.
  const icmp =
    q.protocol === 1 ? { icmpType: 8, icmpCode: 0 } : q.protocol === 58 ? { icmpType: 128, icmpCode: 0 } : {};
  return { src, dst, protocol: q.protocol, port: q.port, ...icmp };
}

export function evaluateQuery(evaluator: Evaluator, src: Peer, dst: Peer, q: ProtocolQuery): FlowVerdict {
  const flow = fixedFlow(src, dst, q);
  return flow ? evaluator.evaluate(flow) : evaluator.evaluateAnyPort(src, dst, q.protocol);
}

/** The verdict alone, for the matrix: same semantics as evaluateQuery, no explanation built. */
export function queryAllows(evaluator: Evaluator, src: Peer, dst: Peer, q: ProtocolQuery): boolean {
  const flow = fixedFlow(src, dst, q);
  return flow ? evaluator.allows(flow) : evaluator.allowsAnyPort(src, dst, q.protocol);
}

export function validateFlow(set: PolicySet, src: Peer, dst: Peer, q: ProtocolQuery): ValidationResult {
  const verdict = evaluateQuery(new Evaluator(set), src, dst, q);
  const staged = set.stagedPolicies
    ? evaluateQuery(new Evaluator({ ...set, policies: set.stagedPolicies }), src, dst, q)
    : undefined;
  return { verdict, staged };
}

function flowLine(v: FlowVerdict, anyPort: boolean): string {
  const text = flowText(v.flow);
  if (!anyPort || v.flow.port === undefined) return text;
  return v.allowed
    ? `${text}: the first port allowed`
    : `${text}: no port is allowed; the reasons below are for port ${v.flow.port}`;
}

/** The JSON document `calico-validate --output json` prints. */
export function resultJson(r: ValidationResult, anyPort: boolean) {
  const explanation = [flowLine(r.verdict, anyPort), ...explainFlow(r.verdict)];
  if (r.staged)
    explanation.push(
      `staged: with the staged policies enforced the verdict would be ${r.staged.allowed ? 'allow' : 'deny'}`,
      ...explainFlow(r.staged).map((l) => `staged: ${l}`),
    );
  return {
    verdict: r.verdict.allowed ? 'allow' : 'deny',
    egress: directionJson(r.verdict.egress),
    ingress: directionJson(r.verdict.ingress),
    ...(r.staged
      ? {
          staged: {
            verdict: r.staged.allowed ? 'allow' : 'deny',
            egress: directionJson(r.staged.egress),
            ingress: directionJson(r.staged.ingress),
          },
        }
      : {}),
    explanation,
  };
}

export function resultText(r: ValidationResult, anyPort: boolean): string[] {
  const head = (v: FlowVerdict) => (v.allowed ? 'ALLOW' : 'DENY');
  const lines = [
    `${head(r.verdict)}  ${flowLine(r.verdict, anyPort)}`,
    ...explainFlow(r.verdict).map((l) => `  ${l}`),
  ];
  if (r.staged) {
    lines.push(`staged: ${head(r.staged)} once the staged policies are enforced`);
    lines.push(...explainFlow(r.staged).map((l) => `  ${l}`));
  }
  return lines;
}
