// The projectcalico.org/v3 API server's own validation, rule by rule: every row of the table in
// api-validation-cases.ts (each citing its upstream line) against picocal's port of the rules.
import { describe, expect, it } from 'vitest';
import { API_RULES, apiViolations } from '../../../src/policy/validate/index.js';
import { formatPath } from '../../../src/yaml/source-map.js';
import { ACCEPTED, REFUSED } from './api-validation-cases.js';

const ingress = (rule: Record<string, unknown>) => ({
  apiVersion: 'projectcalico.org/v3',
  kind: 'GlobalNetworkPolicy',
  metadata: { name: 'p' },
  spec: { ingress: [rule] },
});

describe('the projectcalico.org/v3 API’s own validation (libcalico-go v3.32.1)', () => {
  it.each(REFUSED)('refuses by %s at %s (%s)', (id, field, _upstream, o) => {
    const found = apiViolations(String(o['kind']), o).map((v) => `${v.rule.id} ${formatPath(v.path)}`);
    expect(found).toContain(`${id} ${field}`);
  });

  it.each(ACCEPTED)('accepts %s', (_upstream, o) => {
    expect(apiViolations(String(o['kind']), o).map((v) => v.message)).toEqual([]);
  });

  it('has a refusing row for every rule, and every rule cites its upstream source', () => {
    const covered = new Set(REFUSED.map(([id]) => id));
    expect(API_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
    for (const r of API_RULES) expect(r.source).toMatch(/\.go#L\d+|\.go/);
    expect(new Set(API_RULES.map((r) => r.id)).size).toBe(API_RULES.length);
  });

  it('messages carry the value, Calico’s reason and the rule id', () => {
    const [v] = apiViolations('GlobalNetworkPolicy', ingress({ action: 'allow' }));
    expect(v?.message).toBe(
      "'allow': action must be Allow, Deny, Log or Pass (case-sensitive) (Calico API rule action)",
    );
    expect(v?.rule.hint).toMatch(/capital letter/);
  });
});
