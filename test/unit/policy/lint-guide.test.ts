// The guide the project started from, its YAML examples copied verbatim into fixtures: the lint must
// find every mistake ERRATA.md lists for them, and nothing else.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintPaths } from '../../../src/policy/lint/index.js';
import { CALICO } from './lint-helpers.js';

const DIR = 'test/fixtures/lint/guide';

const EXPECTED: Record<string, string[]> = {
  // ERRATA 8/9: default deny of egress with nothing that lets DNS out.
  '01-quick-start.yaml': ['default-deny-without-dns'],
  // ERRATA 8: `name` namespace label, UDP-only DNS.
  '02-pattern-1-deny-all-allow-specific.yaml': ['dns-namespace-name-label', 'dns-udp-only'],
  '03-pattern-2-namespace-isolation.yaml': [],
  // ERRATA 10: namespaceSelector {} as "the internet".
  '04-pattern-3-tier-based-access.yaml': [
    'missing-namespace',
    'namespace-selector-as-internet',
    'missing-namespace',
    'missing-namespace',
  ],
  // ERRATA 5, 6: storage API group, Enterprise-only domains, rule-level ports.
  '05-pattern-4-external-api-access.yaml': [
    'calico-storage-api-group',
    'enterprise-only-field',
    'rule-level-ports',
  ],
  // ERRATA 5, 7, 10.
  '06-named-network-sets.yaml': [
    'calico-storage-api-group',
    'network-set-unlabeled',
    'missing-namespace',
    'namespace-selector-as-internet',
  ],
  // ERRATA 4.
  '07-service-account-access.yaml': ['service-account-label'],
  // ERRATA 3, 8.
  '08-icmp-and-dns.yaml': [
    'missing-namespace',
    'dns-namespace-name-label',
    'dns-udp-only',
    'icmp-in-kubernetes-policy',
  ],
  '09-layer-your-policies.yaml': [],
  '10-meaningful-labels.yaml': [],
  '11-document-policy-intent.yaml': [],
  // ERRATA 17.
  '12-gitlab-ci.yaml': ['ci-needs-cluster'],
  // ERRATA 16.
  '13-flux-gitops.yaml': ['flux-kustomization-version'],
  // ERRATA 15.
  '14-prometheus-alert.yaml': ['prometheus-rule-file', 'unknown-metric'],
};

describe('policy lint on the guide’s own examples', () => {
  it('has a fixture for every expectation and an expectation for every fixture', () => {
    expect(readdirSync(DIR).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const [file, rules] of Object.entries(EXPECTED)) {
    it(`${file}: reports ${rules.length ? rules.join(', ') : 'nothing'}`, () => {
      const { findings } = lintPaths([`${DIR}/${file}`], process.cwd(), { calico: CALICO });
      expect(findings.map((f) => f.rule)).toEqual(rules);
      for (const f of findings) {
        expect(f.file).toBe(`${DIR}/${file}`);
        expect(f.line).toBeGreaterThan(1); // line 1 is the provenance comment
        expect(f.message.length).toBeGreaterThan(20);
        if (f.severity !== 'info') expect(f.hint, `${f.rule} has a hint`).toBeTruthy();
      }
    });
  }

  it('points at the offending field: ICMP at its protocol line', () => {
    const { findings } = lintPaths([`${DIR}/08-icmp-and-dns.yaml`], process.cwd(), { calico: CALICO });
    const icmp = findings.find((f) => f.rule === 'icmp-in-kubernetes-policy');
    expect(icmp).toMatchObject({
      line: 23,
      column: 17,
      field: 'spec.egress[1].ports[0].protocol',
      severity: 'error',
    });
  });

  it('reports errors in the guide as a whole, sorted by file and line', () => {
    const { findings } = lintPaths([DIR], process.cwd(), { calico: CALICO });
    const keys = findings.map((f) => [f.file, f.line, f.column] as const);
    const sorted = [...keys].sort((a, b) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1] || a[2] - b[2],
    );
    expect(keys).toEqual(sorted);
    expect(findings.filter((f) => f.severity === 'error').length).toBeGreaterThanOrEqual(7);
  });
});
