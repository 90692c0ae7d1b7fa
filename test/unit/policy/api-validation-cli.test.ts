// Input the projectcalico.org/v3 API server refuses is bad input for both front ends: calico-validate
// exits 2 naming file:line:column, the field, Calico's reason, the rule and what to do, and
// `policy lint` reports an error at the same place. The fixture's objects each break a rule of
// libcalico-go's validator (v3.32.1); see test/unit/policy/api-validation.test.ts for the citations.
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../../src/policy/lint/index.js';
import { runValidate } from '../../helpers/run-calico-validate.js';
import { CALICO } from './lint-helpers.js';

const FILE = 'test/fixtures/policy/api-invalid/policies.yaml';
const root = new URL('../../..', import.meta.url).pathname;

/** [file:line:column, field, rule]: what the fixture breaks, in file order. */
const EXPECTED: [string, string, string][] = [
  [`${FILE}:12:17`, 'spec.ingress[0].protocol', 'protocol'],
  [`${FILE}:17:16`, 'spec.ingress[1].destination.ports', 'ports-need-protocol'],
  [`${FILE}:20:18`, 'spec.ingress[2].ipVersion', 'icmp-ip-version'],
  [`${FILE}:23:16`, 'spec.ingress[3].source.nets[0]', 'cidr-host-bits'],
  [`${FILE}:42:13`, 'spec.selector', 'staged-delete-with-spec'],
];

describe('the v3 API’s validation in calico-validate and policy lint', () => {
  it('calico-validate exits 2 and names file:line, field, rule and hint for each, changing nothing', async () => {
    const r = await runValidate(
      'frontend-pod',
      'backend-pod',
      'default',
      '--cluster',
      'test/fixtures/policy/quickstart/cluster.yaml',
      '--policies',
      FILE,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    for (const [where, field, rule] of EXPECTED)
      expect(r.stderr).toMatch(
        new RegExp(
          `${where.replace(/[.[\]]/g, '\\$&')} ${field.replace(/[.[\]]/g, '\\$&')}: .*\\(Calico API rule ${rule}\\)\\n\\s+hint: \\S`,
        ),
      );
    // A field the object does not have falls back to the object's line.
    expect(r.stderr).toMatch(
      /policies\.yaml:25:1 spec\.applyOnForward: GlobalNetworkPolicy host-guard: .*apply-on-forward/,
    );
    expect(r.stderr).toContain('nothing was changed');
  });

  it('policy lint reports each as an error at the same line', () => {
    const result = lintPaths([FILE], root, { calico: CALICO });
    const errors = result.findings.filter((f) => f.severity === 'error');
    for (const [where, field, rule] of EXPECTED) {
      const [, line] = where.split(':');
      expect(
        errors.some(
          (f) =>
            f.line === Number(line) &&
            f.field === field &&
            (f.rule === `calico-api/${rule}` || f.rule === rule),
        ),
        `${where} ${field} ${rule}: ${JSON.stringify(errors)}`,
      ).toBe(true);
    }
    expect(errors.some((f) => f.rule === 'calico-api/apply-on-forward')).toBe(true);
  });

  it('lint gives one finding per field: the linter’s own error wins over the API rule saying the same', () => {
    const result = lintPaths([FILE], root, { calico: CALICO });
    const fields = result.findings.map((f) => `${f.line}|${f.field}`);
    expect(fields.length).toBe(new Set(fields).size);
  });
});
