// Random clusters for differential tests: a few namespaces, pods drawn from a small pool of labels (so
// replicas that look alike are common, and pods that differ only by address too), service accounts,
// network sets, and policies of every kind picocal reads with the fields that decide verdicts:
// selectors, namespace selectors, service accounts, ipBlocks and nets, numeric and named ports,
// actions, tiers with either default action, orders, ipVersion. Seeded, so a failure can be replayed.
import { dump } from 'js-yaml';

export type Rng = () => number;

/** mulberry32: small, fast, good enough to draw test inputs. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: Rng, p: number) => r() < p;
const some = <T>(r: Rng, max: number, f: () => T): T[] =>
  Array.from({ length: Math.floor(r() * (max + 1)) }, f);

const APPS = ['web', 'api', 'db'];
const ROLES = ['front', 'back'];
const TEAMS = ['a', 'b'];
const CIDRS = ['10.0.0.0/24', '10.0.1.0/24', '10.0.0.0/16', '0.0.0.0/0', '10.0.0.0/25', '192.0.2.0/24'];
const PORT_NAMES = ['http', 'metrics'];

function podLabels(r: Rng): Record<string, string> {
  const l: Record<string, string> = { app: pick(r, APPS) };
  if (chance(r, 0.6)) l['role'] = pick(r, ROLES);
  return l;
}

function k8sLabelSelector(r: Rng): Record<string, unknown> {
  if (chance(r, 0.25)) return {};
  if (chance(r, 0.3))
    return {
      matchExpressions: [
        {
          key: 'role',
          operator: pick(r, ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const),
          values: ['front'],
        },
      ].map((e) =>
        e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { ...e, values: undefined } : e,
      ),
    };
  return { matchLabels: chance(r, 0.5) ? { app: pick(r, APPS) } : { role: pick(r, ROLES) } };
}

function k8sPeer(r: Rng): Record<string, unknown> {
  const kind = r();
  if (kind < 0.25)
    return {
      ipBlock: {
        cidr: pick(r, CIDRS),
        ...(chance(r, 0.4) ? { except: [pick(r, ['10.0.0.0/26', '10.0.1.0/25'])] } : {}),
      },
    };
  const peer: Record<string, unknown> = {};
  if (kind < 0.7 || chance(r, 0.5)) peer['podSelector'] = k8sLabelSelector(r);
  if (kind >= 0.55)
    peer['namespaceSelector'] = chance(r, 0.3) ? {} : { matchLabels: { team: pick(r, TEAMS) } };
  return peer;
}

function k8sPorts(r: Rng): unknown[] {
  return some(r, 2, () => {
    const x = r();
    if (x < 0.3) return { port: pick(r, PORT_NAMES) };
    if (x < 0.5) return { protocol: 'UDP', port: 53 };
    if (x < 0.7) return { port: 8000, endPort: 8100 };
    return { port: pick(r, [80, 443, 8080]) };
  });
}

function k8sPolicy(r: Rng, i: number, ns: string): unknown {
  const types = pick(r, [['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
  const rules = (dir: 'from' | 'to') =>
    some(r, 2, () => ({
      ...(chance(r, 0.8) ? { [dir]: some(r, 2, () => k8sPeer(r)) } : {}),
      ...(chance(r, 0.6) ? { ports: k8sPorts(r) } : {}),
    }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `k8s-${i}`, namespace: ns },
    spec: {
      podSelector: k8sLabelSelector(r),
      policyTypes: types,
      ...(types.includes('Ingress') ? { ingress: rules('from') } : {}),
      ...(types.includes('Egress') ? { egress: rules('to') } : {}),
    },
  };
}

function calicoSelector(r: Rng): string {
  return pick(r, [
    'all()',
    `app == '${pick(r, APPS)}'`,
    `role == '${pick(r, ROLES)}'`,
    `app in {'web', 'api'}`,
    `has(role)`,
    `!has(role)`,
    `app != 'db' && has(role)`,
    `projectcalico.org/serviceaccount == 'robot'`,
  ]);
}

function calicoEntity(r: Rng): Record<string, unknown> {
  const e: Record<string, unknown> = {};
  if (chance(r, 0.5)) e['selector'] = calicoSelector(r);
  if (chance(r, 0.2)) e['namespaceSelector'] = chance(r, 0.5) ? 'all()' : `team == '${pick(r, TEAMS)}'`;
  if (chance(r, 0.2)) e['nets'] = [pick(r, CIDRS)];
  if (chance(r, 0.1)) e['notNets'] = [pick(r, CIDRS)];
  if (chance(r, 0.1)) e['notSelector'] = `role == 'back'`;
  if (chance(r, 0.1))
    e['serviceAccounts'] = chance(r, 0.5) ? { names: ['robot'] } : { selector: "trusted == 'yes'" };
  return e;
}

function calicoRule(r: Rng, global: boolean): Record<string, unknown> {
  const action = pick(r, ['Allow', 'Allow', 'Deny', 'Pass', 'Log'] as const);
  const rule: Record<string, unknown> = { action };
  const proto = pick(r, [undefined, 'TCP', 'UDP', 'ICMP'] as const);
  if (proto) rule['protocol'] = proto;
  if (chance(r, 0.7)) rule['source'] = calicoEntity(r);
  const dst = calicoEntity(r);
  if (proto === 'TCP' || proto === 'UDP') {
    if (chance(r, 0.6)) dst['ports'] = [pick(r, [80, 8080, '8000:8100', 'http', 53] as const)];
    else if (chance(r, 0.2)) dst['notPorts'] = [pick(r, [22, 8080] as const)];
  }
  if (Object.keys(dst).length) rule['destination'] = dst;
  if (chance(r, 0.05)) rule['ipVersion'] = pick(r, [4, 6]);
  if (global && chance(r, 0.1)) delete rule['source'];
  return rule;
}

function calicoPolicy(r: Rng, i: number, ns: string | undefined, tiers: string[]): unknown {
  const types = pick(r, [['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
  const tier = pick(r, tiers);
  const name = tier === 'default' ? `cnp-${i}` : `${tier}.cnp-${i}`;
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: ns ? 'NetworkPolicy' : 'GlobalNetworkPolicy',
    metadata: { name, ...(ns ? { namespace: ns } : {}) },
    spec: {
      ...(tier === 'default' ? {} : { tier }),
      ...(chance(r, 0.8) ? { order: pick(r, [10, 100, 100, 500]) } : {}),
      selector: calicoSelector(r),
      ...(!ns && chance(r, 0.3) ? { namespaceSelector: `team == '${pick(r, TEAMS)}'` } : {}),
      types,
      ...(types.includes('Ingress') ? { ingress: some(r, 3, () => calicoRule(r, !ns)) } : {}),
      ...(types.includes('Egress') ? { egress: some(r, 3, () => calicoRule(r, !ns)) } : {}),
    },
  };
}

export interface RandomCluster {
  text: string;
  pods: number;
}

/** One random cluster and policy set as one multi-document YAML text. */
export function randomCluster(seed: number): RandomCluster {
  const r = rng(seed);
  const namespaces = Array.from({ length: 1 + Math.floor(r() * 3) }, (_, i) => `ns${i}`);
  const docs: unknown[] = namespaces.map((name) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { team: pick(r, TEAMS) } },
  }));
  for (const ns of namespaces)
    docs.push({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'robot', namespace: ns, labels: chance(r, 0.5) ? { trusted: 'yes' } : {} },
    });
  // Workloads: most pods are replicas of one (alike but for their address), some stand alone.
  const workload = () => {
    const ports = some(r, 2, () => ({ name: pick(r, PORT_NAMES), containerPort: pick(r, [80, 8080, 9090]) }));
    return {
      namespace: pick(r, namespaces),
      labels: podLabels(r),
      sa: chance(r, 0.3) ? { serviceAccountName: 'robot' } : {},
      ports: [...new Map(ports.map((p) => [p.name, p])).values()],
    };
  };
  const workloads = Array.from({ length: 1 + Math.floor(r() * 3) }, workload);
  const podCount = 3 + Math.floor(r() * 10);
  for (let i = 0; i < podCount; i++) {
    const w = chance(r, 0.7) ? pick(r, workloads) : workload();
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: w.namespace, labels: w.labels },
      spec: { ...w.sa, containers: [{ name: 'c', ports: w.ports }] },
      status: chance(r, 0.9) ? { podIP: `10.0.${pick(r, [0, 0, 1])}.${1 + Math.floor(r() * 250)}` } : {},
    });
  }
  if (chance(r, 0.3))
    docs.push({
      apiVersion: 'projectcalico.org/v3',
      kind: 'GlobalNetworkSet',
      metadata: { name: 'outside', labels: { app: 'web' } },
      spec: { nets: ['10.0.1.0/26'] },
    });
  const tiers = ['default'];
  if (chance(r, 0.6)) {
    tiers.push('security');
    docs.push({
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'security' },
      spec: { order: 100, defaultAction: pick(r, ['Deny', 'Pass']) },
    });
  }
  const policies = Math.floor(r() * 7);
  for (let i = 0; i < policies; i++) {
    const x = r();
    if (x < 0.45) docs.push(k8sPolicy(r, i, pick(r, namespaces)));
    else if (x < 0.8) docs.push(calicoPolicy(r, i, pick(r, namespaces), tiers));
    else docs.push(calicoPolicy(r, i, undefined, tiers));
  }
  // Undefined fields (a matchExpression without values) are left out, as a person would write them.
  const text = docs.map((d) => dump(JSON.parse(JSON.stringify(d)))).join('---\n');
  return { text, pods: podCount };
}
