// Staged policies: stagedAction's values, and a Delete that carries nothing but what it deletes.
import { apiRule, isRecord, VALIDATOR, type Report } from './api-rule.js';

const STAGED_ACTIONS = new Set(['Set', 'Delete', 'Learn', 'Ignore']);

export const STAGED_RULES = {
  stagedAction: apiRule(
    'staged-action',
    'stagedAction must be Set, Delete, Learn or Ignore',
    'write stagedAction: Set (or Delete), or leave it out for Set',
    `${VALIDATOR}#L144-L145 (stagedActionRegex), #L493-L497`,
  ),
  deleteWithSpec: apiRule(
    'staged-delete-with-spec',
    'spec fields, except tier, should all be zero-value if stagedAction is Delete',
    'a staged Delete names the policy to delete (and its tier) and nothing else: remove the other spec fields',
    `${VALIDATOR}#L1927-L1935, #L2148-L2156, #L2178-L2186`,
  ),
} as const;

function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === false) return true;
  // Lenient where Go's DeepEqual would tell nil from empty: an empty list or mapping counts as unset.
  if (Array.isArray(v)) return v.length === 0;
  return isRecord(v) && Object.keys(v).length === 0;
}

/**
 * True when the rest of the spec is to be validated as a policy (anything but Delete). An empty
 * stagedAction is unset (omitempty). `keep` lists the spec fields a Delete may carry (tier for Calico
 * kinds, none for Kubernetes).
 */
export function checkStaged(spec: Record<string, unknown>, keep: readonly string[], report: Report): boolean {
  const action = spec['stagedAction'];
  if (!isZero(action) && (typeof action !== 'string' || !STAGED_ACTIONS.has(action))) {
    report(['spec', 'stagedAction'], STAGED_RULES.stagedAction, `'${String(action)}'`);
    return true;
  }
  if (action !== 'Delete') return true;
  for (const [k, v] of Object.entries(spec))
    if (k !== 'stagedAction' && !keep.includes(k) && !isZero(v))
      report(['spec', k], STAGED_RULES.deleteWithSpec, k);
  return false;
}
