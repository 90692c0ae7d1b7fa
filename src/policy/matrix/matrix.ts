// Every pod pair × every port asked for: the reachability matrix. Verdicts are kept as bytes; the
// explanation of a cell is computed again on demand (the HTML report), never stored for all pairs.
// Pods no policy can tell apart (pod-classes.ts) share their verdicts, so one pair is evaluated per
// pair of classes and copied to the cells of its pods; a pod's own cell is evaluated for itself.
import type { Pod } from '../model/cluster.js';
import type { PolicySet } from '../load/policy-set.js';
import { Evaluator, type FlowVerdict } from '../evaluate/evaluate.js';
import { evaluateQuery, queryAllows } from '../evaluate/validate.js';
import type { ProtocolQuery } from '../evaluate/query.js';
import { protocolName } from '../net/protocol.js';
import { podClasses } from './pod-classes.js';

export interface MatrixPlane {
  query: ProtocolQuery;
  label: string;
  /** allowed[src * n + dst]: 1 allowed, 0 denied. */
  allowed: Uint8Array;
  /** The same with staged policies enforced; undefined without staged policies. */
  staged: Uint8Array | undefined;
}

export interface Matrix {
  pods: Pod[];
  planes: MatrixPlane[];
  explain(plane: MatrixPlane, src: number, dst: number, staged?: boolean): FlowVerdict;
}

export function queryLabel(q: ProtocolQuery): string {
  return `${protocolName(q.protocol)}${q.port === undefined ? '' : `/${q.port}`}`;
}

export function computeMatrix(
  set: PolicySet,
  pods: readonly Pod[],
  queries: readonly ProtocolQuery[],
): Matrix {
  const enforced = new Evaluator(set);
  const stagedEval = set.stagedPolicies ? new Evaluator({ ...set, policies: set.stagedPolicies }) : undefined;
  const n = pods.length;
  const peers = pods.map((pod) => ({ kind: 'pod' as const, pod }));
  const { classOf, members } = podClasses(set.cluster, pods);
  const k = members.length;
  const fill = (ev: Evaluator, q: ProtocolQuery): Uint8Array => {
    // byClass[a * k + b]: a pod of class a to another pod of class b (a class of one pod has no such
    // pair with itself, and its cell is never read).
    const byClass = new Uint8Array(k * k);
    for (let a = 0; a < k; a++) {
      const from = members[a]!;
      for (let b = 0; b < k; b++) {
        const to = members[b]!;
        const dst = a === b ? to[1] : to[0];
        if (dst !== undefined) byClass[a * k + b] = queryAllows(ev, peers[from[0]!]!, peers[dst]!, q) ? 1 : 0;
      }
    }
    const out = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) {
      const row = classOf[i]! * k;
      for (let j = 0; j < n; j++) out[i * n + j] = byClass[row + classOf[j]!]!;
      out[i * n + i] = queryAllows(ev, peers[i]!, peers[i]!, q) ? 1 : 0;
    }
    return out;
  };
  const planes = queries.map((query) => ({
    query,
    label: queryLabel(query),
    allowed: fill(enforced, query),
    staged: stagedEval ? fill(stagedEval, query) : undefined,
  }));
  return {
    pods: [...pods],
    planes,
    explain: (plane, src, dst, staged = false) =>
      evaluateQuery(staged && stagedEval ? stagedEval : enforced, peers[src]!, peers[dst]!, plane.query),
  };
}
