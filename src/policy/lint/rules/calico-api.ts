// The projectcalico.org/v3 API server's own validation (src/policy/validate), one error finding per
// broken rule: the same rules that make calico-validate exit 2.
import { API_RULES, messageOf, validateCalicoObject, type ApiRule } from '../../validate/index.js';
import type { RuleSpec } from '../rule.js';
import { describe, isCalicoGroup } from '../resource.js';
import type { LintContext } from '../rule.js';

export const API_RULE_PREFIX = 'calico-api/';

function specOf(rule: ApiRule): RuleSpec {
  return { id: `${API_RULE_PREFIX}${rule.id}`, severity: 'error', summary: `Calico API: ${rule.reason}` };
}

/** The lint rule of every API rule, for the SARIF rule list. */
export const API_RULE_SPECS: readonly RuleSpec[] = API_RULES.map(specOf);
const SPEC_BY_ID = new Map(API_RULES.map((r) => [r.id, specOf(r)]));

export function checkCalicoApi(ctx: LintContext): void {
  for (const r of ctx.resources) {
    if (!isCalicoGroup(r.apiVersion)) continue;
    validateCalicoObject(r.kind, r.value, (path, rule, detail) =>
      ctx.report(
        SPEC_BY_ID.get(rule.id) ?? specOf(rule),
        r,
        path,
        `${describe(r)}: ${messageOf(rule, detail)}`,
        rule.hint,
      ),
    );
  }
}
