// Calico projectcalico.org/v3 semantics, one table row per rule of the documentation: tiers and their
// order, policy order, first match, Allow / Deny / Pass / Log, end-of-tier deny, profile allow, every
// match criterion, network sets and Kubernetes policies in the default tier.
import { describe, expect, it } from 'vitest';
import { Evaluator } from '../../../src/policy/evaluate/evaluate.js';
import { explainFlow } from '../../../src/policy/explain/explain.js';
import { protocolNumber } from '../../../src/policy/net/protocol.js';
import { peerOf, policySetFrom } from './policy-test-kit.js';

const cluster = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: web}}
---
apiVersion: v1
kind: Namespace
metadata: {name: db}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: api-sa, namespace: shop, labels: {role: backend}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  serviceAccountName: web-sa
  containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]
status: {podIP: 10.1.0.1}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop, labels: {app: api, tier: backend}}
spec:
  serviceAccountName: api-sa
  containers: [{name: c, ports: [{name: http, containerPort: 9090}]}]
status: {podIP: 10.1.0.2}
---
apiVersion: v1
kind: Pod
metadata: {name: pg, namespace: db, labels: {app: pg}}
spec:
  containers: [{name: c, ports: [{name: pg, containerPort: 5432}]}]
status: {podIP: 10.2.0.1}
---
apiVersion: projectcalico.org/v3
kind: NetworkSet
metadata: {name: partners, namespace: shop, labels: {kind: partner}}
spec: {nets: [198.51.100.0/24]}
---
apiVersion: projectcalico.org/v3
kind: GlobalNetworkSet
metadata: {name: internet, labels: {kind: internet}}
spec: {nets: [203.0.113.0/24]}
`;

const tiers = `
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: security}
spec: {order: 100}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: platform}
spec: {order: 200}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: passing}
spec: {order: 300, defaultAction: Pass}
---
apiVersion: projectcalico.org/v3
kind: Tier
metadata: {name: unordered}
`;

function gnp(name: string, spec: string): string {
  return `apiVersion: projectcalico.org/v3\nkind: GlobalNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n${indent(spec)}\n`;
}
function cnp(ns: string, name: string, spec: string): string {
  return `apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${indent(spec)}\n`;
}
function knp(ns: string, name: string, spec: string): string {
  return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${indent(spec)}\n`;
}
function indent(s: string): string {
  return s
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
}

interface Case {
  name: string;
  policies: string[];
  src: string;
  dst: string;
  protocol?: string;
  port?: number;
  icmp?: [number, number];
  allowed: boolean;
  /** Which side decided, and how: `egress:rule:<policy>` / `ingress:end-of-tier:<tier>` / `egress:profile`. */
  decided?: string;
}

const cases: Case[] = [
  {
    name: 'no policy selects either pod: the profile allows',
    policies: [],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:profile',
  },
  {
    name: 'a Deny in an earlier tier wins over an Allow in the default tier',
    policies: [
      gnp('block-pg', 'tier: security\nselector: app == "pg"\ningress: [{action: Deny}]'),
      cnp('db', 'allow-all', 'selector: all()\ningress: [{action: Allow}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:block-pg',
  },
  {
    name: 'Pass skips the rest of the tier: the next tier decides',
    policies: [
      gnp(
        'pass-web',
        'tier: security\nselector: app == "pg"\ningress:\n- action: Pass\n  source: {selector: app == "web"}\n- action: Deny',
      ),
      cnp('db', 'allow-all', 'selector: all()\ningress: [{action: Allow}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:rule:allow-all',
  },
  {
    name: 'a tier that selects the endpoint but matches no rule denies at its end',
    policies: [
      gnp(
        'only-api',
        'tier: platform\nselector: app == "pg"\ningress: [{action: Allow, source: {selector: app == "api"}}]',
      ),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:end-of-tier:platform',
  },
  {
    name: 'a tier with defaultAction Pass hands unmatched traffic to the next tier',
    policies: [
      gnp(
        'only-api',
        'tier: passing\nselector: app == "pg"\ningress: [{action: Deny, source: {selector: app == "api"}}]',
      ),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:profile',
  },
  {
    name: 'Pass out of the last tier that applies falls through to the profile',
    policies: [
      gnp('pass-all', 'tier: security\nselector: all()\ningress: [{action: Pass}]\negress: [{action: Pass}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:profile',
  },
  {
    name: 'tiers run by order, not by name or file order',
    policies: [
      gnp('platform-allow', 'tier: platform\nselector: app == "pg"\ningress: [{action: Allow}]'),
      gnp('security-deny', 'tier: security\nselector: app == "pg"\ningress: [{action: Deny}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:security-deny',
  },
  {
    name: 'a tier without order comes after the default tier',
    policies: [
      gnp('late-deny', 'tier: unordered\nselector: app == "pg"\ningress: [{action: Deny}]'),
      cnp('db', 'default-allow', 'selector: all()\ningress: [{action: Allow}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:rule:default-allow',
  },
  {
    name: 'within a tier, lower order first',
    policies: [
      cnp('db', 'b-allow', 'order: 20\nselector: all()\ningress: [{action: Allow}]'),
      cnp('db', 'a-deny', 'order: 10\nselector: all()\ningress: [{action: Deny}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:a-deny',
  },
  {
    name: 'within a tier, a policy without order comes last',
    policies: [
      cnp('db', 'no-order-deny', 'selector: all()\ningress: [{action: Deny}]'),
      cnp('db', 'ordered-allow', 'order: 5000\nselector: all()\ningress: [{action: Allow}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:rule:ordered-allow',
  },
  {
    name: 'within a tier, equal order is broken by name',
    policies: [
      cnp('db', 'zz-allow', 'order: 10\nselector: all()\ningress: [{action: Allow}]'),
      cnp('db', 'aa-deny', 'order: 10\nselector: all()\ningress: [{action: Deny}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:aa-deny',
  },
  {
    name: 'a Kubernetes policy sits in the default tier at order 1000: a Calico Deny at order 500 wins',
    policies: [
      knp('db', 'k8s-allow', 'podSelector: {}\ningress: [{}]'),
      cnp('db', 'calico-deny', 'order: 500\nselector: all()\ningress: [{action: Deny}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:calico-deny',
  },
  {
    name: 'a Calico Allow after a Kubernetes default deny (order 2000) still allows: same tier',
    policies: [
      knp('db', 'deny', 'podSelector: {}'),
      cnp('db', 'late-allow', 'order: 2000\nselector: all()\ningress: [{action: Allow}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:rule:late-allow',
  },
  {
    name: 'Log records the flow and evaluation continues',
    policies: [cnp('db', 'log-then-deny', 'selector: all()\ningress: [{action: Log}, {action: Deny}]')],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:rule:log-then-deny',
  },
  {
    name: 'rule selector of a namespaced NetworkPolicy only sees its own namespace',
    policies: [
      cnp('db', 'from-web', 'selector: all()\ningress: [{action: Allow, source: {selector: app == "web"}}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
    decided: 'ingress:end-of-tier:default',
  },
  {
    name: 'rule selector of a GlobalNetworkPolicy sees every namespace',
    policies: [
      gnp('from-web', 'selector: app == "pg"\ningress: [{action: Allow, source: {selector: app == "web"}}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
  },
  {
    name: 'namespaceSelector matches namespace labels',
    policies: [
      cnp('db', 'from-team-web', 'ingress: [{action: Allow, source: {namespaceSelector: team == "web"}}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
  },
  {
    name: 'namespaceSelector by name with projectcalico.org/name',
    policies: [
      cnp(
        'db',
        'from-shop',
        'ingress: [{action: Allow, source: {namespaceSelector: projectcalico.org/name == "shop", selector: app == "api"}}]',
      ),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
  },
  {
    name: 'notSelector excludes the pods it matches',
    policies: [
      gnp(
        'not-web',
        'selector: app == "pg"\ningress: [{action: Allow, source: {notSelector: app == "web"}}]',
      ),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
  },
  {
    name: 'notSelector lets other pods through',
    policies: [
      gnp(
        'not-web',
        'selector: app == "pg"\ningress: [{action: Allow, source: {notSelector: app == "web"}}]',
      ),
    ],
    src: 'shop/api',
    dst: 'db/pg',
    allowed: true,
  },
  {
    name: 'policy serviceAccountSelector selects pods by their service account labels',
    policies: [
      cnp('shop', 'backend-sa', 'serviceAccountSelector: role == "backend"\ningress: [{action: Deny}]'),
    ],
    src: 'db/pg',
    dst: 'shop/api',
    allowed: false,
    decided: 'ingress:rule:backend-sa',
  },
  {
    name: 'policy serviceAccountSelector does not select a pod of another account',
    policies: [
      cnp('shop', 'backend-sa', 'serviceAccountSelector: role == "backend"\ningress: [{action: Deny}]'),
    ],
    src: 'db/pg',
    dst: 'shop/web',
    allowed: true,
  },
  {
    name: 'rule serviceAccounts by name',
    policies: [
      gnp(
        'sa-names',
        'selector: app == "pg"\ningress: [{action: Allow, source: {serviceAccounts: {names: [api-sa]}}}]',
      ),
    ],
    src: 'shop/api',
    dst: 'db/pg',
    allowed: true,
  },
  {
    name: 'rule serviceAccounts by selector on the account labels',
    policies: [
      gnp(
        'sa-sel',
        'selector: app == "pg"\ningress: [{action: Allow, source: {serviceAccounts: {selector: role == "backend"}}}]',
      ),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: false,
  },
  {
    name: 'destination nets allow an outside address',
    policies: [
      cnp(
        'shop',
        'egress-nets',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {nets: [192.0.2.0/24]}}]',
      ),
    ],
    src: 'shop/web',
    dst: '192.0.2.9',
    allowed: true,
    decided: 'egress:rule:egress-nets',
  },
  {
    name: 'destination notNets excludes an address',
    policies: [
      cnp(
        'shop',
        'egress-notnets',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {notNets: [192.0.2.0/24]}}]',
      ),
    ],
    src: 'shop/web',
    dst: '192.0.2.9',
    allowed: false,
    decided: 'egress:end-of-tier:default',
  },
  {
    name: 'a rule selector matches an outside address through a NetworkSet of the namespace',
    policies: [
      cnp(
        'shop',
        'partners',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {selector: kind == "partner"}}]',
      ),
    ],
    src: 'shop/web',
    dst: '198.51.100.7',
    allowed: true,
  },
  {
    name: 'a namespaced policy cannot see a GlobalNetworkSet without namespaceSelector global()',
    policies: [
      cnp(
        'shop',
        'internet',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {selector: kind == "internet"}}]',
      ),
    ],
    src: 'shop/web',
    dst: '203.0.113.5',
    allowed: false,
  },
  {
    name: 'namespaceSelector global() reaches a GlobalNetworkSet',
    policies: [
      cnp(
        'shop',
        'internet',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {namespaceSelector: global(), selector: kind == "internet"}}]',
      ),
    ],
    src: 'shop/web',
    dst: '203.0.113.5',
    allowed: true,
  },
  {
    name: 'a GlobalNetworkPolicy rule selector sees GlobalNetworkSets',
    policies: [
      gnp(
        'internet',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {selector: kind == "internet"}}]',
      ),
    ],
    src: 'shop/web',
    dst: '203.0.113.5',
    allowed: true,
  },
  {
    name: 'a rule selector all() does not match an address no network set holds',
    policies: [
      gnp(
        'all-sel',
        'selector: app == "web"\ntypes: [Egress]\negress: [{action: Allow, destination: {selector: all()}}]',
      ),
    ],
    src: 'shop/web',
    dst: '192.0.2.1',
    allowed: false,
  },
  {
    name: 'traffic from outside only meets the ingress side',
    policies: [cnp('db', 'from-partner', 'ingress: [{action: Allow, source: {nets: [198.51.100.0/24]}}]')],
    src: '198.51.100.1',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:rule:from-partner',
  },
  {
    name: 'destination ports: a number',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, protocol: TCP, destination: {ports: [5432]}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: true,
  },
  {
    name: 'destination ports: a "start:end" range',
    policies: [
      cnp('db', 'p', 'ingress: [{action: Allow, protocol: TCP, destination: {ports: ["5000:6000"]}}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: true,
  },
  {
    name: 'destination ports: outside the range',
    policies: [
      cnp('db', 'p', 'ingress: [{action: Allow, protocol: TCP, destination: {ports: ["5000:5400"]}}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: false,
  },
  {
    name: 'destination ports: a named port of the destination',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, protocol: TCP, destination: {ports: [pg]}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: true,
  },
  {
    name: 'destination notPorts',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, protocol: TCP, destination: {notPorts: [5432]}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: false,
  },
  {
    name: 'protocol by number (6 = TCP)',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, protocol: 6}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: true,
  },
  {
    name: 'protocol UDP does not match TCP',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, protocol: UDP}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: false,
  },
  {
    name: 'notProtocol',
    policies: [cnp('db', 'p', 'ingress: [{action: Allow, notProtocol: UDP}]')],
    src: 'shop/web',
    dst: 'db/pg',
    port: 5432,
    allowed: true,
  },
  {
    name: 'ICMP with type 8 (echo request) allows ping',
    policies: [cnp('db', 'ping', 'ingress: [{action: Allow, protocol: ICMP, icmp: {type: 8}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    protocol: 'ICMP',
    icmp: [8, 0],
    allowed: true,
  },
  {
    name: 'ICMP type and code must both match',
    policies: [cnp('db', 'ping', 'ingress: [{action: Allow, protocol: ICMP, icmp: {type: 3, code: 4}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    protocol: 'ICMP',
    icmp: [3, 1],
    allowed: false,
  },
  {
    name: 'notICMP excludes a type',
    policies: [cnp('db', 'ping', 'ingress: [{action: Allow, protocol: ICMP, notICMP: {type: 8}}]')],
    src: 'shop/web',
    dst: 'db/pg',
    protocol: 'ICMP',
    icmp: [8, 0],
    allowed: false,
  },
  {
    name: 'Calico types default to Egress alone when there are only egress rules',
    policies: [cnp('db', 'egress-only', 'egress: [{action: Deny}]')],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
    decided: 'ingress:profile',
  },
  {
    name: 'a GlobalNetworkPolicy namespaceSelector limits the pods it applies to',
    policies: [
      gnp('shop-only', 'namespaceSelector: team == "web"\nselector: all()\ningress: [{action: Deny}]'),
    ],
    src: 'shop/web',
    dst: 'db/pg',
    allowed: true,
  },
  {
    name: 'selector operators: in, has(), starts with, &&',
    policies: [
      gnp(
        'ops',
        'selector: app in {"api", "pg"} && has(tier) && tier starts with "back"\ningress: [{action: Deny}]',
      ),
    ],
    src: 'shop/web',
    dst: 'shop/api',
    allowed: false,
    decided: 'ingress:rule:ops',
  },
];

describe('Calico policy semantics', () => {
  it.each(cases)('$name', (c) => {
    const set = policySetFrom(cluster, tiers, ...c.policies);
    const ev = new Evaluator(set);
    const v = ev.evaluate({
      src: peerOf(set, c.src),
      dst: peerOf(set, c.dst),
      protocol: protocolNumber(c.protocol ?? 'TCP')!,
      port: c.protocol === 'ICMP' ? undefined : (c.port ?? 80),
      ...(c.icmp ? { icmpType: c.icmp[0], icmpCode: c.icmp[1] } : {}),
    });
    expect({ allowed: v.allowed, why: explainFlow(v) }).toMatchObject({ allowed: c.allowed });
    if (c.decided) {
      const [side, reason, what] = c.decided.split(':') as ['egress' | 'ingress', string, string | undefined];
      const d = v[side];
      expect(d.reason).toBe(reason);
      if (reason === 'rule') expect(d.hit?.policy.ref.name).toBe(what);
      if (reason === 'end-of-tier') expect(d.endOfTier?.tier.name).toBe(what);
    }
  });

  it('Log rules are reported in the explanation', () => {
    const set = policySetFrom(
      cluster,
      cnp('db', 'log-then-allow', 'selector: all()\ningress: [{action: Log}, {action: Allow}]'),
    );
    const v = new Evaluator(set).evaluate({
      src: peerOf(set, 'shop/web'),
      dst: peerOf(set, 'db/pg'),
      protocol: 6,
      port: 5432,
    });
    expect(v.ingress.logged.map((l) => l.rule.index)).toEqual([0]);
    expect(explainFlow(v).some((l) => l.startsWith('logged by ingress rule 0 (Log)'))).toBe(true);
  });
});
