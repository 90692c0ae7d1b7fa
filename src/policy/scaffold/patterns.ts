// The guide's policy patterns, done right (see ../shared/seed/ERRATA.md): each returns the objects to
// write. Values go out through js-yaml (scaffold/index.ts), never through string building.
import { parseCidr } from '../../net/ip.js';
import { InputError } from '../../errors.js';
import { calicoDnsEgressRules, kubernetesDnsEgressRule } from './dns.js';

type Json = Record<string, unknown>;

export interface ScaffoldOptions {
  namespace: string;
  /** Pod network, excluded from "the internet" (Calico's default pool is 192.168.0.0/16). */
  podCidr: string;
  /** Service network (kubeadm's default is 10.96.0.0/12). */
  serviceCidr: string;
}

export const DEFAULT_POD_CIDR = '192.168.0.0/16';
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';

function k8sPolicy(name: string, namespace: string, spec: Json): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

function calicoPolicy(tier: string, name: string, namespace: string, spec: Json): Json {
  // Tiered policy names carry their tier as prefix, as the Calico API expects.
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'NetworkPolicy',
    metadata: { name: `${tier}.${name}`, namespace },
    spec: { tier, ...spec },
  };
}

/** `name` differs per pattern, so two patterns applied to one namespace never replace each other's objects. */
function allowDns(o: ScaffoldOptions, name = 'allow-dns'): Json {
  return k8sPolicy(name, o.namespace, {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [kubernetesDnsEgressRule()],
  });
}

function defaultDeny(o: ScaffoldOptions): Json[] {
  // Deny everything, and let DNS out: without it every pod in the namespace loses name resolution.
  return [
    k8sPolicy('default-deny', o.namespace, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
    allowDns(o, 'default-deny-allow-dns'),
  ];
}

function namespaceIsolation(o: ScaffoldOptions): Json[] {
  return [
    k8sPolicy('namespace-isolation', o.namespace, {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }] }],
    }),
  ];
}

function internetEgress(o: ScaffoldOptions): Json[] {
  for (const [flag, cidr] of [
    ['--pod-cidr', o.podCidr],
    ['--service-cidr', o.serviceCidr],
  ] as const) {
    const parsed = parseCidr(cidr);
    if (!parsed || parsed.version !== 4) {
      throw new InputError(`${flag} ${cidr} is not an IPv4 CIDR`, [
        { field: flag, message: `'${cidr}' is not an IPv4 CIDR`, hint: 'e.g. 10.42.0.0/16' },
      ]);
    }
  }
  return [
    k8sPolicy('internet-egress', o.namespace, {
      podSelector: { matchLabels: { tier: 'frontend' } },
      policyTypes: ['Egress'],
      egress: [
        // Selecting pods for egress isolates them: keep their DNS working.
        kubernetesDnsEgressRule(),
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [o.podCidr, o.serviceCidr] } }],
          ports: [
            { protocol: 'TCP', port: 80 },
            { protocol: 'TCP', port: 443 },
          ],
        },
      ],
    }),
  ];
}

function threeTier(o: ScaffoldOptions): Json[] {
  const ns = o.namespace;
  const tcp = (selector: string, port: number): Json => ({
    action: 'Allow',
    protocol: 'TCP',
    source: { selector },
    destination: { ports: [port] },
  });
  const tcpTo = (selector: string, port: number): Json => ({
    action: 'Allow',
    protocol: 'TCP',
    destination: { selector, ports: [port] },
  });
  return [
    // platform (order 100): lets DNS out for every pod of the namespace, passes everything else on.
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'platform' },
      spec: { order: 100, defaultAction: 'Deny' },
    },
    // app (order 200): the three tiers' flows; whatever a selected pod does beyond them is denied at
    // the end of this tier.
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'app' },
      spec: { order: 200, defaultAction: 'Deny' },
    },
    calicoPolicy('platform', 'allow-dns', ns, {
      order: 100,
      selector: 'all()',
      types: ['Ingress', 'Egress'],
      ingress: [{ action: 'Pass' }],
      egress: [...calicoDnsEgressRules(), { action: 'Pass' }],
    }),
    calicoPolicy('app', 'frontend', ns, {
      order: 100,
      selector: "tier == 'frontend'",
      types: ['Ingress', 'Egress'],
      ingress: [{ action: 'Allow', protocol: 'TCP', destination: { ports: [80, 443] } }],
      egress: [tcpTo("tier == 'backend'", 8080)],
    }),
    calicoPolicy('app', 'backend', ns, {
      order: 200,
      selector: "tier == 'backend'",
      types: ['Ingress', 'Egress'],
      ingress: [tcp("tier == 'frontend'", 8080)],
      egress: [tcpTo("tier == 'database'", 5432)],
    }),
    calicoPolicy('app', 'database', ns, {
      order: 300,
      selector: "tier == 'database'",
      types: ['Ingress', 'Egress'],
      ingress: [tcp("tier == 'backend'", 5432)],
    }),
  ];
}

function adminProtect(o: ScaffoldOptions): Json[] {
  // Calico 3.32 puts `tier: Admin` ClusterNetworkPolicies in its kube-admin tier (order 1,000), before
  // every Calico and Kubernetes policy: no policy of any namespace can open what this denies.
  const self = { matchLabels: { 'kubernetes.io/metadata.name': o.namespace } };
  return [
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name: `protect-${o.namespace}` },
      spec: {
        tier: 'Admin',
        priority: 100,
        subject: { namespaces: self },
        ingress: [
          // The namespace's own traffic stays with its own policies (Pass: on to the next tier).
          { name: 'same-namespace', action: 'Pass', from: [{ namespaces: self }] },
          { name: 'deny-other-namespaces', action: 'Deny', from: [{ namespaces: {} }] },
        ],
      },
    },
  ];
}

export const PATTERNS = {
  'default-deny': {
    summary: 'deny all ingress and egress in a namespace, with DNS allowed',
    build: defaultDeny,
  },
  'allow-dns': {
    summary: 'let every pod of a namespace reach the cluster DNS (UDP and TCP 53)',
    build: (o: ScaffoldOptions) => [allowDns(o)],
  },
  'namespace-isolation': {
    summary: 'accept ingress only from pods of the same namespace',
    build: namespaceIsolation,
  },
  'three-tier': {
    summary: 'frontend → backend → database with Calico tiers (platform, app)',
    build: threeTier,
  },
  'internet-egress': {
    summary: 'frontend pods reach the internet on 80/443 (ipBlock 0.0.0.0/0 minus cluster CIDRs)',
    build: internetEgress,
  },
  'protect-namespace': {
    summary:
      'ClusterNetworkPolicy (tier Admin): pods of other namespaces cannot reach the namespace, whatever their policies say',
    build: adminProtect,
  },
} as const;

export type PatternName = keyof typeof PATTERNS;

export function isPatternName(name: string): name is PatternName {
  return Object.hasOwn(PATTERNS, name);
}
