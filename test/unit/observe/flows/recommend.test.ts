// Recommendations from flow records are lint-clean (picocal's linter with Calico's real CRD schemas, the
// same check a user runs), DNS comes first in every egress, and exactly the ports seen are allowed.
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import type { ObservedFlow } from '../../../../src/policy/goldmane/flow.js';
import { recommendFromFlows } from '../../../../src/observe/flows/recommend.js';
import { lintText } from '../../policy/lint-helpers.js';

function flow(p: Partial<ObservedFlow>): ObservedFlow {
  return {
    startTime: new Date('2026-12-07T04:00:00Z'),
    endTime: new Date('2026-12-07T04:00:15Z'),
    action: 'Allow',
    sourceName: 'web-6b7f9c8d5-*',
    sourceNamespace: 'shop',
    sourceLabels: ['app=web', 'pod-template-hash=6b7f9c8d5'],
    destName: 'api-7d4b8f6c9-*',
    destNamespace: 'shop',
    destLabels: ['app=api', 'pod-template-hash=7d4b8f6c9'],
    protocol: 'TCP',
    destPort: 8080,
    reporter: 'Src',
    enforced: [],
    pending: [],
    packetsIn: 1,
    packetsOut: 1,
    bytesIn: 1,
    bytesOut: 1,
    ...p,
  };
}

const FLOWS: ObservedFlow[] = [
  flow({ reporter: 'Src' }),
  flow({ reporter: 'Dst' }),
  flow({ reporter: 'Src', destPort: 9090 }),
  flow({ reporter: 'Dst', destPort: 9090 }),
  // api → postgres in another namespace
  flow({
    sourceName: 'api-7d4b8f6c9-*',
    sourceLabels: ['app=api'],
    destName: 'postgres-0',
    destNamespace: 'database',
    destLabels: ['app=postgres', 'statefulset.kubernetes.io/pod-name=postgres-0'],
    destPort: 5432,
    reporter: 'Src',
  }),
  // DNS: covered by the DNS rules that come first, not repeated
  flow({
    destName: 'coredns-5d78c9869d-*',
    destNamespace: 'kube-system',
    destLabels: ['k8s-app=kube-dns'],
    protocol: 'UDP',
    destPort: 53,
    reporter: 'Src',
  }),
  // the ingress controller in another namespace reaches web
  flow({
    sourceName: 'ingress-nginx-controller-*',
    sourceNamespace: 'ingress',
    sourceLabels: ['app.kubernetes.io/name=ingress-nginx'],
    destName: 'web-6b7f9c8d5-*',
    destLabels: ['app=web'],
    destPort: 80,
    reporter: 'Dst',
  }),
  // left out: denied, and outside the cluster
  flow({ action: 'Deny', destPort: 22, reporter: 'Src' }),
  flow({
    sourceName: 'PUBLIC NETWORK',
    sourceNamespace: '',
    sourceLabels: [],
    destName: 'web-6b7f9c8d5-*',
    destLabels: ['app=web'],
    destPort: 443,
    reporter: 'Dst',
  }),
];

interface Policy {
  kind: string;
  metadata: { name: string; namespace: string };
  spec: {
    selector: string;
    ingress: { protocol: string; source: Record<string, string>; destination?: { ports: number[] } }[];
    egress: { protocol: string; destination: Record<string, unknown> }[];
  };
}

describe('recommendFromFlows', () => {
  const r = recommendFromFlows('shop', FLOWS);
  const docs = loadAll(r.yaml) as Policy[];
  const byName = (n: string) => docs.find((d) => d.metadata.name === n)!;

  it('passes the linter with Calico 3.32 schemas, without a finding', () => {
    const result = lintText(r.yaml, 'recommended.yaml');
    expect(result.findings.map((f) => `${f.rule}: ${f.message}`)).toEqual([]);
    expect(result.objects).toBe(2);
  });

  it('writes one StagedNetworkPolicy per workload, selected by its stable labels', () => {
    expect(docs.map((d) => [d.kind, d.metadata.namespace, d.metadata.name, d.spec.selector])).toEqual([
      ['StagedNetworkPolicy', 'shop', 'recommended-api', "app == 'api'"],
      ['StagedNetworkPolicy', 'shop', 'recommended-web', "app == 'web'"],
    ]);
  });

  it.each([
    ['recommended-web', 0, ['UDP', 53]],
    ['recommended-web', 1, ['TCP', 53]],
    ['recommended-api', 0, ['UDP', 53]],
    ['recommended-api', 1, ['TCP', 53]],
  ])('%s egress rule %i is DNS', (name, i, [protocol, port]) => {
    const rule = byName(name).spec.egress[i]!;
    expect(rule.protocol).toBe(protocol);
    expect(rule.destination).toMatchObject({ selector: "k8s-app == 'kube-dns'", ports: [port] });
  });

  it.each<[string, 'ingress' | 'egress', unknown[]]>([
    [
      'recommended-api',
      'ingress',
      [
        {
          action: 'Allow',
          protocol: 'TCP',
          source: { selector: "app == 'web'" },
          destination: { ports: [8080, 9090] },
        },
      ],
    ],
    [
      'recommended-web',
      'ingress',
      [
        {
          action: 'Allow',
          protocol: 'TCP',
          source: {
            namespaceSelector: "kubernetes.io/metadata.name == 'ingress'",
            selector: "app.kubernetes.io/name == 'ingress-nginx'",
          },
          destination: { ports: [80] },
        },
      ],
    ],
    [
      'recommended-web',
      'egress',
      [{ action: 'Allow', protocol: 'TCP', destination: { selector: "app == 'api'", ports: [8080, 9090] } }],
    ],
    [
      'recommended-api',
      'egress',
      [
        {
          action: 'Allow',
          protocol: 'TCP',
          destination: {
            namespaceSelector: "kubernetes.io/metadata.name == 'database'",
            selector: "app == 'postgres'",
            ports: [5432],
          },
        },
      ],
    ],
  ])('%s %s allows exactly what was seen', (name, dir, want) => {
    const rules = byName(name).spec[dir];
    expect(dir === 'egress' ? rules.slice(2) : rules).toEqual(want);
  });

  it('leaves out denied flows and peers outside the cluster, and says so', () => {
    expect(r.yaml).not.toContain('22');
    expect(r.notes).toEqual([
      '1 denied flow records left out: a recommendation allows only what is allowed today',
      'a flow with a source outside the cluster is left out: add its addresses as nets by hand',
    ]);
  });

  it('recommends nothing without allowed flows', () => {
    const none = recommendFromFlows('shop', [flow({ action: 'Deny' })]);
    expect([none.policies, none.yaml]).toEqual([0, '']);
  });
});
