// Each rule on the smallest policy that shows the mistake, and on the corrected policy (which must
// not be reported), so every rule can fail.
import { describe, expect, it } from 'vitest';
import { lintText, ruleIds } from './lint-helpers.js';

const K8S = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: app}\n';
const CALICO = 'apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: p, namespace: app}\n';
const GLOBAL = 'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: g}\n';
const DNS_OK =
  '\n---\n' +
  K8S.replace('name: p', 'name: dns') +
  'spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}\n';

interface Case {
  rule: string;
  bad: string;
  good: string;
}

const CASES: Case[] = [
  {
    rule: 'icmp-in-kubernetes-policy',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{protocol: ICMP}]}]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{protocol: SCTP}]}]}',
  },
  {
    rule: 'service-account-label',
    bad: K8S + 'spec: {podSelector: {matchLabels: {serviceAccountName: x}}, policyTypes: [Ingress]}',
    good: K8S + 'spec: {podSelector: {matchLabels: {app: x}}, policyTypes: [Ingress]}',
  },
  {
    rule: 'calico-storage-api-group',
    bad: CALICO.replace('projectcalico.org/v3', 'crd.projectcalico.org/v1') + 'spec: {selector: all()}',
    good: CALICO + 'spec: {selector: all()}',
  },
  {
    rule: 'enterprise-only-field',
    bad:
      CALICO + 'spec: {types: [Egress], egress: [{action: Allow, destination: {domains: [a.example.com]}}]}',
    good:
      CALICO + 'spec: {types: [Egress], egress: [{action: Allow, destination: {nets: [203.0.113.0/24]}}]}',
  },
  {
    rule: 'rule-level-ports',
    bad: CALICO + 'spec: {types: [Egress], egress: [{action: Allow, ports: [{protocol: TCP, port: 443}]}]}',
    good:
      CALICO +
      'spec: {types: [Egress], egress: [{action: Allow, protocol: TCP, destination: {ports: [443]}}]}',
  },
  {
    rule: 'network-set-unlabeled',
    bad: 'apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: s, namespace: app}\nspec: {nets: [10.0.0.0/8]}',
    good:
      'apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: s, namespace: app, labels: {role: apis}}\nspec: {nets: [10.0.0.0/8]}\n---\n' +
      CALICO +
      "spec: {types: [Egress], egress: [{action: Allow, destination: {selector: role == 'apis'}}]}",
  },
  {
    rule: 'network-set-unselected',
    bad:
      'apiVersion: projectcalico.org/v3\nkind: NetworkSet\nmetadata: {name: s, namespace: other, labels: {role: apis}}\nspec: {nets: [10.0.0.0/8]}\n---\n' +
      CALICO +
      "spec: {types: [Egress], egress: [{action: Allow, destination: {selector: role == 'apis'}}]}",
    good:
      'apiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\nmetadata: {name: s, labels: {role: apis}}\nspec: {nets: [10.0.0.0/8]}\n---\n' +
      GLOBAL +
      "spec: {types: [Egress], egress: [{action: Allow, destination: {selector: role == 'apis'}}]}",
  },
  {
    rule: 'dns-namespace-name-label',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {name: kube-system}}}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}}]}]}',
  },
  {
    rule: 'dns-namespace-name-label',
    bad:
      CALICO +
      "spec: {types: [Ingress], ingress: [{action: Allow, source: {namespaceSelector: name == 'kube-system'}}]}",
    good:
      CALICO +
      "spec: {types: [Ingress], ingress: [{action: Allow, source: {namespaceSelector: projectcalico.org/name == 'kube-system'}}]}",
  },
  {
    rule: 'dns-udp-only',
    bad:
      K8S + 'spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Egress], egress: [{ports: [{protocol: UDP, port: 53}, {protocol: TCP, port: 53}]}]}',
  },
  {
    rule: 'dns-udp-only',
    bad:
      CALICO +
      'spec: {types: [Egress], egress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}]}',
    good:
      CALICO +
      'spec: {types: [Egress], egress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}, {action: Allow, protocol: TCP, destination: {ports: [53]}}]}',
  },
  {
    rule: 'default-deny-without-dns',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress, Egress]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress, Egress]}' + DNS_OK,
  },
  {
    rule: 'default-deny-without-dns',
    bad: GLOBAL + 'spec: {selector: all(), types: [Egress]}',
    good:
      GLOBAL +
      'spec: {selector: all(), types: [Egress], egress: [{action: Allow, protocol: UDP, destination: {ports: [53]}}, {action: Allow, protocol: TCP, destination: {ports: [53]}}]}',
  },
  {
    rule: 'namespace-selector-as-internet',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{namespaceSelector: {}}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]}',
  },
  {
    rule: 'invalid-selector',
    bad: CALICO + "spec: {selector: app == 'web' &&}",
    good: CALICO + "spec: {selector: app == 'web' && has(tier)}",
  },
  {
    rule: 'invalid-selector',
    bad: K8S + 'spec: {podSelector: {matchExpressions: [{key: app, operator: In}]}, policyTypes: [Ingress]}',
    good:
      K8S +
      'spec: {podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}, policyTypes: [Ingress]}',
  },
  {
    rule: 'port-name-too-long',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: metrics-http-port1}]}]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: metrics-http}]}]}',
  },
  {
    rule: 'port-name-too-long',
    bad:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, protocol: TCP, destination: {ports: [prometheus-metrics]}}]}',
    good:
      CALICO +
      "spec: {types: [Ingress], ingress: [{action: Allow, protocol: TCP, destination: {ports: [metrics, '8000:8080']}}]}",
  },
  {
    rule: 'end-port',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 9000, endPort: 8000}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: 8000, endPort: 9000}]}]}',
  },
  {
    rule: 'end-port',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: http, endPort: 9000}]}]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: http}]}]}',
  },
  {
    rule: 'except-outside-cidr',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}}]}]}',
  },
  {
    rule: 'except-outside-cidr',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/16]}}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: fd00::/8, except: [fd00:1::/32]}}]}]}',
  },
  {
    rule: 'invalid-cidr',
    bad:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 10.0.0.256/16}}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/16}}]}]}',
  },
  {
    rule: 'invalid-cidr',
    bad: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow, source: {nets: [10.0.0.0/33]}}]}',
    good:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, source: {nets: [10.0.0.1, "2001:db8::/32"]}}]}',
  },
  {
    rule: 'ports-need-protocol',
    bad: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow, destination: {ports: [80]}}]}',
    good:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, protocol: SCTP, destination: {ports: [80]}}]}',
  },
  // UDPLite has no ports in Calico (numorstring SupportsPorts); named ports need no protocol
  // (libcalico-go validator_test.go#L1415 at v3.32.1).
  {
    rule: 'ports-need-protocol',
    bad:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, protocol: UDPLite, destination: {ports: [80]}}]}',
    good: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow, destination: {ports: [http]}}]}',
  },
  {
    rule: 'ports-need-protocol',
    bad:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, protocol: ICMP, destination: {ports: [80]}}]}',
    good:
      CALICO +
      'spec: {types: [Ingress], ingress: [{action: Allow, protocol: 6, destination: {ports: [80]}}]}',
  },
  {
    rule: 'unknown-action',
    bad: CALICO + 'spec: {types: [Ingress], ingress: [{action: allow}]}',
    good: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow}]}',
  },
  {
    rule: 'order-not-finite',
    bad: CALICO + 'spec: {order: .nan, types: [Ingress], ingress: [{action: Deny}]}',
    good: CALICO + 'spec: {order: 100, types: [Ingress], ingress: [{action: Deny}]}',
  },
  {
    rule: 'order-not-finite',
    bad: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: .inf}\n',
    good: 'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n',
  },
  {
    rule: 'pass-in-last-tier',
    bad: CALICO + 'spec: {types: [Ingress], ingress: [{action: Pass}]}',
    good:
      'apiVersion: projectcalico.org/v3\nkind: Tier\nmetadata: {name: security}\nspec: {order: 100}\n---\n' +
      CALICO.replace('name: p', 'name: security.p') +
      'spec: {tier: security, types: [Ingress], ingress: [{action: Pass}]}',
  },
  {
    rule: 'icmp-needs-icmp-protocol',
    bad: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow, protocol: TCP, icmp: {type: 8}}]}',
    good: CALICO + 'spec: {types: [Ingress], ingress: [{action: Allow, protocol: ICMP, icmp: {type: 8}}]}',
  },
  {
    rule: 'ignored-rules',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], egress: [{ports: [{port: 80}]}]}',
    good:
      K8S +
      'spec: {podSelector: {}, policyTypes: [Ingress, Egress], egress: [{ports: [{port: 80}]}]}' +
      DNS_OK,
  },
  {
    rule: 'unknown-field',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingres: []}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: []}',
  },
  {
    rule: 'unknown-field',
    bad: CALICO + 'spec: {selector: all(), typess: [Ingress]}',
    good: CALICO + 'spec: {selector: all(), types: [Ingress]}',
  },
  {
    rule: 'schema',
    bad: K8S + 'spec: {podSelector: {}, policyTypes: [Inbound]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress]}',
  },
  {
    rule: 'schema',
    bad: CALICO + 'spec: {order: first}',
    good: CALICO + 'spec: {order: 10.5}',
  },
  {
    rule: 'missing-namespace',
    bad: K8S.replace(', namespace: app', '') + 'spec: {podSelector: {}, policyTypes: [Ingress]}',
    good: K8S + 'spec: {podSelector: {}, policyTypes: [Ingress]}',
  },
  {
    rule: 'duplicate-resource',
    bad: K8S + 'spec: {podSelector: {}}\n---\n' + K8S + 'spec: {podSelector: {}}',
    good:
      K8S +
      'spec: {podSelector: {}}\n---\n' +
      K8S.replace('namespace: app', 'namespace: web') +
      'spec: {podSelector: {}}',
  },
  {
    rule: 'installation-fields',
    bad: 'apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default, namespace: calico-system}\nspec: {podSecurityPolicy: {type: enforced}}',
    good: 'apiVersion: operator.tigera.io/v1\nkind: Installation\nmetadata: {name: default}\nspec: {calicoNetwork: {bgp: Disabled}}',
  },
  {
    rule: 'flux-kustomization-version',
    bad: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\nspec: {interval: 1m, path: ./p}',
    good: 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: k}\nspec: {interval: 1m, path: ./p, prune: true}',
  },
  {
    rule: 'unknown-metric',
    bad: 'groups:\n- name: calico\n  rules:\n  - alert: Denied\n    expr: rate(calico_denied_packets[5m]) > 0',
    good: 'groups:\n- name: calico\n  rules:\n  - alert: Failing\n    expr: rate(felix_int_dataplane_failures[5m]) > 0',
  },
];

describe('policy lint rules', () => {
  for (const c of CASES) {
    it(`${c.rule}: reported for ${JSON.stringify(c.bad.split('\n').pop())}`, () => {
      expect(ruleIds(c.bad)).toContain(c.rule);
    });
    it(`${c.rule}: not reported once corrected (${JSON.stringify(c.good.split('\n').pop())})`, () => {
      expect(ruleIds(c.good)).not.toContain(c.rule);
    });
  }

  // Misspellings get the closest name as a hint, like inventory validation (newcomer review L10).
  it.each([
    ['unknown-field', K8S + 'spec: {podSelecter: {}, policyTypes: [Ingress]}', "did you mean 'podSelector'?"],
    ['unknown-field', CALICO + 'spec: {selector: all(), typess: [Ingress]}', "did you mean 'types'?"],
    ['unknown-action', CALICO + 'spec: {types: [Ingress], ingress: [{action: Alow}]}', 'did you mean Allow?'],
    ['unknown-action', CALICO + 'spec: {types: [Ingress], ingress: [{action: allow}]}', 'write Allow'],
  ])('%s: the hint names the closest spelling (%s)', (rule, text, hint) => {
    const f = lintText(text).findings.find((x) => x.rule === rule);
    expect(f?.hint).toContain(hint);
  });

  it('unknown-field: no guess when nothing is close', () => {
    const f = lintText(K8S + 'spec: {podSelector: {}, zzzzzzzz: 1}').findings.find(
      (x) => x.rule === 'unknown-field',
    );
    expect(f?.hint).not.toContain('did you mean');
  });

  it('points into a selector at the character where parsing stopped', () => {
    const text = CALICO + 'spec:\n  selector: "app == \'web\' &&"\n';
    const f = lintText(text).findings.find((x) => x.rule === 'invalid-selector');
    // The value starts at column 13 (the quote); the selector is 15 characters long.
    expect(f).toMatchObject({ line: 5, severity: 'error' });
    expect(f?.column).toBeGreaterThan(13);
  });

  it('reads the items of a kind: List with positions inside the list', () => {
    const text =
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.k8s.io/v1\n  kind: NetworkPolicy\n  metadata: {name: p, namespace: a}\n  spec:\n    podSelector: {}\n    ingress:\n    - ports:\n      - protocol: ICMP\n';
    const f = lintText(text).findings.find((x) => x.rule === 'icmp-in-kubernetes-policy');
    expect(f).toMatchObject({ line: 11, column: 19, field: 'items[0].spec.ingress[0].ports[0].protocol' });
  });

  it('says a schema error once per field, not once per schema branch', () => {
    const text = K8S + 'spec: {podSelector: {}, policyTypes: [Ingress], ingress: [{ports: [{port: true}]}]}';
    expect(lintText(text).findings.filter((f) => f.rule === 'schema')).toHaveLength(1);
  });

  it('leaves objects of other kinds alone', () => {
    expect(ruleIds('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}')).toEqual([]);
  });

  it('is deterministic: the same input gives the same findings in the same order', () => {
    const text = CASES.map((c) => c.bad).join('\n---\n');
    expect(lintText(text).findings).toEqual(lintText(text).findings);
  });
});
