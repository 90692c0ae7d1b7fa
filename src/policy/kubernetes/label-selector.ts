// Kubernetes LabelSelector (matchLabels + matchExpressions). `{}` selects everything; an absent
// selector is the caller's business (its meaning differs by field).
import type { PathSegment } from '../../yaml/source-map.js';
import type { Labels } from '../model/cluster.js';
import { isRecord, type Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

export type LabelMatcher = (labels: Labels) => boolean;

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function compileLabelSelector(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): LabelMatcher {
  if (value === null || value === undefined) return () => true;
  if (!isRecord(value)) {
    problems.add(obj, path, 'a label selector must be a mapping (matchLabels / matchExpressions)');
    return () => false;
  }
  const tests: LabelMatcher[] = [];
  const ml = value['matchLabels'];
  if (ml !== undefined && ml !== null) {
    if (!isRecord(ml)) problems.add(obj, [...path, 'matchLabels'], 'matchLabels must be a mapping');
    else
      for (const [k, v] of Object.entries(ml)) {
        const want = String(v);
        tests.push((l) => l[k] === want);
      }
  }
  const me = value['matchExpressions'];
  if (me !== undefined && me !== null) {
    if (!Array.isArray(me))
      problems.add(obj, [...path, 'matchExpressions'], 'matchExpressions must be a list');
    else
      me.forEach((e: unknown, i) => {
        const at = [...path, 'matchExpressions', i];
        if (!isRecord(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string') {
          problems.add(obj, at, 'an expression needs key and operator');
          return;
        }
        const key = e['key'];
        const op = e['operator'];
        const values = Array.isArray(e['values']) ? e['values'].map(String) : [];
        if (!OPERATORS.has(op)) {
          problems.add(
            obj,
            [...at, 'operator'],
            `unknown operator '${op}'`,
            'use In, NotIn, Exists or DoesNotExist',
          );
          return;
        }
        if ((op === 'In' || op === 'NotIn') && values.length === 0)
          problems.add(obj, [...at, 'values'], `${op} needs at least one value`);
        const set = new Set(values);
        const has = (l: Labels) => Object.hasOwn(l, key);
        if (op === 'In') tests.push((l) => has(l) && set.has(l[key] as string));
        else if (op === 'NotIn') tests.push((l) => !has(l) || !set.has(l[key] as string));
        else if (op === 'Exists') tests.push(has);
        else tests.push((l) => !has(l));
      });
  }
  if (tests.length === 0) return () => true;
  if (tests.length === 1) return tests[0] as LabelMatcher;
  return (l) => tests.every((t) => t(l));
}
