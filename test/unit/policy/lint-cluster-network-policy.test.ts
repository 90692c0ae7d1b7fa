// policy lint on ClusterNetworkPolicy (schema of kubernetes-sigs/network-policy-api
// apis/v1alpha2/clusternetworkpolicy_types.go) and on the v1alpha1 kinds Calico 3.32 removed
// (docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy: kube-admin / kube-baseline
// replace the adminnetworkpolicy / baselineadminnetworkpolicy tiers, tigera/docs#2416).
import { describe, expect, it } from 'vitest';
import { lintText } from './lint-helpers.js';

const cnp = (spec: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata:\n  name: p\nspec:\n${spec}`;

const GOOD = cnp(`  tier: Admin
  priority: 10
  subject:
    namespaces:
      matchLabels: {team: a}
  egress:
  - name: deny-secrets
    action: Deny
    to:
    - namespaces:
        matchLabels: {kubernetes.io/metadata.name: secrets}
    protocols:
    - tcp:
        destinationPort: {number: 443}
`);

describe('policy lint: ClusterNetworkPolicy', () => {
  it('a valid policy has no finding (no missing-namespace: it is cluster-scoped)', () => {
    expect(lintText(GOOD).findings).toEqual([]);
  });

  it.each([
    [
      'priority 1001',
      GOOD.replace('priority: 10', 'priority: 1001'),
      'spec.priority priority 1001 must be an integer 0..1000',
      7,
    ],
    [
      'priority -1',
      GOOD.replace('priority: 10', 'priority: -1'),
      'spec.priority priority -1 must be an integer 0..1000',
      7,
    ],
    ['no tier', GOOD.replace('  tier: Admin\n', ''), 'spec.tier is required', 5],
    ['no subject', cnp('  tier: Admin\n  priority: 1\n'), 'spec.subject is required', 5],
    [
      'both subject selectors',
      GOOD.replace(
        '    namespaces:\n      matchLabels: {team: a}\n',
        '    namespaces: {}\n    pods: {podSelector: {}}\n',
      ),
      'spec.subject subject must set exactly one of namespaces, pods (it sets namespaces, pods)',
      9,
    ],
    [
      'action Allow',
      GOOD.replace('action: Deny', 'action: Allow'),
      "spec.egress.0.action action 'Allow' must be Accept, Deny or Pass",
      13,
    ],
  ])('%s: schema error at the field', (_name, text, message, line) => {
    const f = lintText(text).findings;
    expect(f.map((x) => ({ rule: x.rule, severity: x.severity, message: x.message, line: x.line }))).toEqual([
      { rule: 'schema', severity: 'error', message: `ClusterNetworkPolicy p: ${message}`, line },
    ]);
  });

  it('a Pass in a Baseline policy is reported: the profile allows after kube-baseline', () => {
    const text = GOOD.replace('tier: Admin', 'tier: Baseline').replace('action: Deny', 'action: Pass');
    expect(lintText(text).findings.map((f) => [f.rule, f.line])).toEqual([['pass-in-last-tier', 13]]);
  });

  it.each(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'])(
    '%s: error, removed in Calico 3.32',
    (kind) => {
      const text = `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: ${kind}\nmetadata:\n  name: old\nspec:\n  priority: 1\n  subject: {namespaces: {}}\n`;
      const f = lintText(text).findings;
      expect(f).toHaveLength(1);
      expect(f[0]).toMatchObject({
        rule: 'removed-in-calico-3-32',
        severity: 'error',
        line: 2,
        message: `${kind} old: ${kind} was removed in Calico 3.32: it is no longer enforced`,
      });
      expect(f[0]?.hint).toContain(
        `ClusterNetworkPolicy with \`tier: ${kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline'}\``,
      );
    },
  );
});
