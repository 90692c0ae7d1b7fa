// Every policy in a set of files, Kubernetes and Calico alike (`kubectl get networkpolicies` shows only
// the Kubernetes ones), in the order Calico evaluates them: by tier, then by order within the tier.
import { formatLocation, type SourceLocation } from '../../errors.js';
import { readSources } from '../lint/sources.js';
import { CNP_TIERS } from '../kubernetes/cluster-network-policy-schema.js';
import { isClusterNetworkPolicy } from '../model/calico-kinds.js';

/** One object of a file; documents that are no Kubernetes object (policy tests) are passed over. */
export interface ListedObject {
  apiVersion: string;
  kind: string;
  value: Record<string, unknown>;
  location: SourceLocation;
}

type Json = Record<string, unknown>;

export interface PolicyRow {
  kind: string;
  apiGroup: string;
  tier: string;
  namespace: string | undefined;
  name: string;
  /** Undefined: after every ordered policy of its tier. */
  order: number | undefined;
  selector: string;
  namespaceSelector: string | undefined;
  types: string[];
  location: SourceLocation;
}

const CALICO_POLICY_KINDS = new Set([
  'NetworkPolicy',
  'GlobalNetworkPolicy',
  'StagedNetworkPolicy',
  'StagedGlobalNetworkPolicy',
  'StagedKubernetesNetworkPolicy',
]);
// Calico enforces a Kubernetes NetworkPolicy in tier default with order 1000.
const KUBERNETES_ORDER = 1000;
// The default tier's order (after every tier with a smaller one).
const DEFAULT_TIER_ORDER = 1_000_000;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const quote = (v: unknown) => `'${String(v)}'`;

/** A Kubernetes label selector written as the equivalent Calico selector, for one column. */
export function labelSelectorText(sel: unknown): string {
  if (!isRecord(sel)) return 'all()';
  const parts: string[] = [];
  if (isRecord(sel['matchLabels']))
    for (const [k, v] of Object.entries(sel['matchLabels'])) parts.push(`${k} == ${quote(v)}`);
  if (Array.isArray(sel['matchExpressions']))
    for (const e of sel['matchExpressions']) {
      if (!isRecord(e)) continue;
      const values = Array.isArray(e['values']) ? `{${e['values'].map(quote).join(', ')}}` : '{}';
      const key = String(e['key']);
      switch (e['operator']) {
        case 'In':
          parts.push(`${key} in ${values}`);
          break;
        case 'NotIn':
          parts.push(`${key} not in ${values}`);
          break;
        case 'Exists':
          parts.push(`has(${key})`);
          break;
        case 'DoesNotExist':
          parts.push(`!has(${key})`);
          break;
      }
    }
  return parts.length ? parts.join(' && ') : 'all()';
}

function typesOf(spec: Json, field: 'types' | 'policyTypes'): string[] {
  if (Array.isArray(spec[field])) return spec[field].map(String);
  const egress = Array.isArray(spec['egress']) && spec['egress'].length > 0;
  return egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** ClusterNetworkPolicy: Calico 3.32's kube-admin / kube-baseline tier, `priority` as order. */
function clusterNetworkPolicyRow(o: ListedObject, name: string, spec: Json): PolicyRow {
  const subject = isRecord(spec['subject']) ? spec['subject'] : {};
  const pods = isRecord(subject['pods']) ? subject['pods'] : undefined;
  const types = (['ingress', 'egress'] as const)
    .filter((d) => Array.isArray(spec[d]) && spec[d].length > 0)
    .map((d) => (d === 'ingress' ? 'Ingress' : 'Egress'));
  return {
    kind: o.kind,
    apiGroup: o.apiVersion.split('/')[0] ?? o.apiVersion,
    name,
    namespace: undefined,
    location: o.location,
    tier: spec['tier'] === 'Baseline' ? CNP_TIERS.Baseline : CNP_TIERS.Admin,
    order: typeof spec['priority'] === 'number' ? spec['priority'] : undefined,
    selector: pods ? labelSelectorText(pods['podSelector']) : 'all()',
    namespaceSelector: labelSelectorText(pods ? pods['namespaceSelector'] : subject['namespaces']),
    types,
  };
}

function rowOf(o: ListedObject): PolicyRow | undefined {
  const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
  const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
  const name = String(meta['name'] ?? '?');
  if (isClusterNetworkPolicy(o)) return clusterNetworkPolicyRow(o, name, spec);
  const nsText = typeof meta['namespace'] === 'string' ? meta['namespace'] : undefined;
  const kubernetesShape =
    o.kind === 'StagedKubernetesNetworkPolicy' || o.apiVersion === 'networking.k8s.io/v1';
  if (o.apiVersion === 'networking.k8s.io/v1' && o.kind !== 'NetworkPolicy') return undefined;
  if (o.apiVersion === 'projectcalico.org/v3' && !CALICO_POLICY_KINDS.has(o.kind)) return undefined;
  if (o.apiVersion !== 'networking.k8s.io/v1' && o.apiVersion !== 'projectcalico.org/v3') return undefined;
  const global = o.kind.includes('Global');
  const base = {
    kind: o.kind,
    apiGroup: o.apiVersion.split('/')[0] ?? o.apiVersion,
    name,
    namespace: global ? undefined : (nsText ?? 'default'),
    location: o.location,
  };
  if (kubernetesShape)
    return {
      ...base,
      tier: 'default',
      order: KUBERNETES_ORDER,
      selector: labelSelectorText(spec['podSelector']),
      namespaceSelector: undefined,
      types: typesOf(spec, 'policyTypes'),
    };
  return {
    ...base,
    tier: typeof spec['tier'] === 'string' && spec['tier'] ? spec['tier'] : 'default',
    order: typeof spec['order'] === 'number' ? spec['order'] : undefined,
    selector:
      typeof spec['selector'] === 'string' && spec['selector'].trim() ? spec['selector'].trim() : 'all()',
    namespaceSelector:
      typeof spec['namespaceSelector'] === 'string' ? spec['namespaceSelector'].trim() : undefined,
    types: typesOf(spec, 'types'),
  };
}

function tierOrders(objects: readonly ListedObject[]): Map<string, number> {
  // Calico 3.32's built-in tiers: kube-admin before, kube-baseline after the default tier.
  const orders = new Map<string, number>([
    [CNP_TIERS.Admin, 1_000],
    ['default', DEFAULT_TIER_ORDER],
    [CNP_TIERS.Baseline, 10_000_000],
  ]);
  for (const o of objects) {
    if (o.apiVersion !== 'projectcalico.org/v3' || o.kind !== 'Tier') continue;
    const meta = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
    const spec = isRecord(o.value['spec']) ? o.value['spec'] : {};
    if (typeof meta['name'] === 'string' && typeof spec['order'] === 'number')
      orders.set(meta['name'], spec['order']);
  }
  return orders;
}

export function readListedObjects(paths: readonly string[], cwd: string): ListedObject[] {
  const out: ListedObject[] = [];
  for (const source of readSources(paths, cwd))
    for (const doc of source.documents) {
      const add = (v: unknown, location: SourceLocation) => {
        if (isRecord(v) && typeof v['apiVersion'] === 'string' && typeof v['kind'] === 'string')
          out.push({ apiVersion: v['apiVersion'], kind: v['kind'], value: v, location });
      };
      const top = doc.value;
      if (isRecord(top) && Array.isArray(top['items']))
        top['items'].forEach((item, i) => add(item, doc.locate(['items', i]) ?? doc.location));
      else add(top, doc.location);
    }
  return out;
}

export function listPolicies(objects: readonly ListedObject[]): PolicyRow[] {
  const tiers = tierOrders(objects);
  const rank = (n: number | undefined) => n ?? Infinity;
  return objects
    .flatMap((o) => rowOf(o) ?? [])
    .sort(
      (a, b) =>
        rank(tiers.get(a.tier)) - rank(tiers.get(b.tier)) ||
        a.tier.localeCompare(b.tier) ||
        rank(a.order) - rank(b.order) ||
        (a.namespace ?? '').localeCompare(b.namespace ?? '') ||
        a.name.localeCompare(b.name),
    );
}

export function policyRowsJson(rows: readonly PolicyRow[]) {
  return rows.map((r) => ({
    kind: r.kind,
    apiGroup: r.apiGroup,
    tier: r.tier,
    namespace: r.namespace ?? null,
    name: r.name,
    order: r.order ?? null,
    selector: r.selector,
    namespaceSelector: r.namespaceSelector ?? null,
    types: r.types,
    location: formatLocation(r.location),
  }));
}
