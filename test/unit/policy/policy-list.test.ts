import { describe, expect, it } from 'vitest';
import { labelSelectorText, listPolicies, type ListedObject } from '../../../src/policy/list/list.js';
import { runCli } from '../../helpers/run-cli.js';

function obj(apiVersion: string, kind: string, metadata: object, spec: object = {}): ListedObject {
  return {
    apiVersion,
    kind,
    value: { apiVersion, kind, metadata, spec },
    location: { file: 'f.yaml', line: 1, column: 1 },
  };
}

describe('listing policies', () => {
  it.each([
    [{}, 'all()'],
    [{ matchLabels: { app: 'web', tier: 'fe' } }, "app == 'web' && tier == 'fe'"],
    [{ matchExpressions: [{ key: 'env', operator: 'In', values: ['a', 'b'] }] }, "env in {'a', 'b'}"],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['a'] }] }, "env not in {'a'}"],
    [
      {
        matchExpressions: [
          { key: 'x', operator: 'Exists' },
          { key: 'y', operator: 'DoesNotExist' },
        ],
      },
      'has(x) && !has(y)',
    ],
  ])('writes the Kubernetes selector %j as %s', (sel, text) => {
    expect(labelSelectorText(sel)).toBe(text);
  });

  it('lists Kubernetes and Calico kinds, staged ones too, in tier then order, and skips the rest', () => {
    const rows = listPolicies([
      obj(
        'networking.k8s.io/v1',
        'NetworkPolicy',
        { name: 'k', namespace: 'shop' },
        { podSelector: {}, egress: [{}] },
      ),
      obj('projectcalico.org/v3', 'GlobalNetworkPolicy', { name: 'late' }, { types: ['Ingress'] }),
      obj(
        'projectcalico.org/v3',
        'NetworkPolicy',
        { name: 'sec.first' },
        { tier: 'sec', order: 5, selector: "app == 'a'" },
      ),
      obj('projectcalico.org/v3', 'StagedNetworkPolicy', { name: 'early', namespace: 'shop' }, { order: 10 }),
      obj('projectcalico.org/v3', 'Tier', { name: 'sec' }, { order: 100 }),
      obj('projectcalico.org/v3', 'NetworkSet', { name: 'ns' }),
      obj('v1', 'Pod', { name: 'p' }),
    ]);
    expect(
      rows.map((r) => [r.kind, r.tier, r.namespace, r.name, r.order, r.types.join(','), r.selector]),
    ).toEqual([
      ['NetworkPolicy', 'sec', 'default', 'sec.first', 5, 'Ingress', "app == 'a'"],
      ['StagedNetworkPolicy', 'default', 'shop', 'early', 10, 'Ingress', 'all()'],
      ['NetworkPolicy', 'default', 'shop', 'k', 1000, 'Ingress,Egress', 'all()'],
      ['GlobalNetworkPolicy', 'default', undefined, 'late', undefined, 'Ingress', 'all()'],
    ]);
  });
});

describe('picocal policy list', () => {
  it('shows both kinds of the example policies, passing over the test file', async () => {
    const r = await runCli(['policy', 'list', 'examples/policies']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^KIND +API GROUP +TIER +NAMESPACE +NAME +ORDER +TYPES +SELECTOR$/);
    expect(lines.slice(1).map((l) => l.split(/ {3,}/).slice(0, 6).join('|'))).toEqual([
      'GlobalNetworkPolicy|projectcalico.org|default|-|allow-dns|100',
      'NetworkPolicy|projectcalico.org|default|backend|api|200',
      'NetworkPolicy|projectcalico.org|default|frontend|web-to-api|200',
      'NetworkPolicy|networking.k8s.io|default|database|postgres-from-api|1000',
      'NetworkPolicy|networking.k8s.io|default|frontend|web-ingress|1000',
      'GlobalNetworkPolicy|projectcalico.org|default|-|default-deny|-',
    ]);
  });

  it('filters by namespace, keeping global policies, and prints JSON with file:line', async () => {
    const r = await runCli([
      'policy',
      'list',
      'examples/policies/policies',
      '-n',
      'database',
      '--output',
      'json',
    ]);
    const doc = JSON.parse(r.stdout) as {
      policies: { name: string; location: string; namespace: string | null }[];
    };
    expect(doc.policies.map((p) => p.name)).toEqual(['allow-dns', 'postgres-from-api', 'default-deny']);
    expect(doc.policies[1]?.location).toBe('examples/policies/policies/database/postgres.yaml:2:1');
  });

  it('exits 2 without a path', async () => {
    expect((await runCli(['policy', 'list'])).code).toBe(2);
  });
});

describe('listing ClusterNetworkPolicy (Calico 3.32 tiers kube-admin / kube-baseline)', () => {
  // docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy: kube-admin order 1,000,
  // default 1,000,000, kube-baseline 10,000,000; `priority` is the order within the tier.
  it('puts Admin before every Calico and Kubernetes policy and Baseline after them, priority as order', () => {
    const cnp = (name: string, spec: object) =>
      obj('policy.networking.k8s.io/v1alpha2', 'ClusterNetworkPolicy', { name }, spec);
    const rows = listPolicies([
      cnp('base', { tier: 'Baseline', priority: 5, subject: { namespaces: {} }, ingress: [{}] }),
      obj('networking.k8s.io/v1', 'NetworkPolicy', { name: 'k', namespace: 'shop' }, { podSelector: {} }),
      cnp('admin-20', {
        tier: 'Admin',
        priority: 20,
        subject: {
          pods: {
            namespaceSelector: { matchLabels: { team: 'a' } },
            podSelector: { matchLabels: { app: 'db' } },
          },
        },
        egress: [{}],
      }),
      cnp('admin-10', {
        tier: 'Admin',
        priority: 10,
        subject: { namespaces: { matchLabels: { team: 'a' } } },
        ingress: [{}],
      }),
    ]);
    expect(
      rows.map((r) => [r.tier, r.order, r.name, r.namespace, r.selector, r.namespaceSelector, r.types]),
    ).toEqual([
      ['kube-admin', 10, 'admin-10', undefined, 'all()', "team == 'a'", ['Ingress']],
      ['kube-admin', 20, 'admin-20', undefined, "app == 'db'", "team == 'a'", ['Egress']],
      ['default', 1000, 'k', 'shop', 'all()', undefined, ['Ingress']],
      ['kube-baseline', 5, 'base', undefined, 'all()', 'all()', ['Ingress']],
    ]);
  });
});
