// LAB ONLY: part of the Kubernetes API stand-in. Server-side printing (meta.k8s.io/v1 Table), which
// `kubectl get` asks for: a few built-in column sets as the real server prints them, CRD
// additionalPrinterColumns (simple JSONPath, including `[?(@.type=="Available")]` filters), otherwise
// NAME and AGE.
import type { KubeObject } from './object-store.js';
import type { PrinterColumn, ResourceType } from './resource-types.js';

type Row = (o: KubeObject) => unknown[];
interface Printer {
  columns: PrinterColumn[];
  row: Row;
}

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const m of path.matchAll(/\.([\w-]+)|\[\?\(@\.([\w]+)==["']([^"']*)["']\)\]|\[(\d+)\]/g)) {
    if (cur === undefined || cur === null) return undefined;
    if (m[1] !== undefined) cur = (cur as Record<string, unknown>)[m[1]];
    else if (m[2] !== undefined) {
      const list = Array.isArray(cur) ? (cur as Record<string, unknown>[]) : [];
      cur = list.find((e) => String(e[m[2]!]) === m[3]);
    } else if (m[4] !== undefined) cur = Array.isArray(cur) ? cur[Number(m[4])] : undefined;
  }
  return cur;
}

export function age(ts: string | undefined): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const col = (name: string, type = 'string', priority = 0): PrinterColumn => ({
  name,
  type,
  jsonPath: '',
  priority,
});
type Cond = { type?: string; status?: string };
const condition = (o: KubeObject, type: string): string | undefined =>
  ((get(o, '.status.conditions') as Cond[] | undefined) ?? []).find((c) => c.type === type)?.status;

const BUILTIN: Record<string, Printer> = {
  '/pods': {
    columns: [
      col('Name'),
      col('Ready'),
      col('Status'),
      col('Restarts', 'string'),
      col('Age'),
      col('IP', 'string', 1),
      col('Node', 'string', 1),
    ],
    row: (o) => {
      const cs =
        (get(o, '.status.containerStatuses') as { ready?: boolean; restartCount?: number }[] | undefined) ??
        [];
      const total = ((get(o, '.spec.containers') as unknown[] | undefined) ?? []).length;
      return [
        o.metadata.name,
        `${cs.filter((c) => c.ready).length}/${total}`,
        o.metadata.deletionTimestamp ? 'Terminating' : (get(o, '.status.phase') ?? 'Pending'),
        String(cs.reduce((n, c) => n + (c.restartCount ?? 0), 0)),
        age(o.metadata.creationTimestamp),
        get(o, '.status.podIP') ?? '<none>',
        get(o, '.spec.nodeName') ?? '<none>',
      ];
    },
  },
  '/nodes': {
    columns: [
      col('Name'),
      col('Status'),
      col('Roles'),
      col('Age'),
      col('Version'),
      col('Internal-IP', 'string', 1),
    ],
    row: (o) => {
      const roles = Object.keys(o.metadata.labels ?? {})
        .filter((l) => l.startsWith('node-role.kubernetes.io/'))
        .map((l) => l.slice('node-role.kubernetes.io/'.length));
      const ip = (
        (get(o, '.status.addresses') as { type: string; address: string }[] | undefined) ?? []
      ).find((a) => a.type === 'InternalIP');
      return [
        o.metadata.name,
        condition(o, 'Ready') === 'True' ? 'Ready' : 'NotReady',
        roles.length ? roles.join(',') : '<none>',
        age(o.metadata.creationTimestamp),
        get(o, '.status.nodeInfo.kubeletVersion') ?? '',
        ip?.address ?? '<none>',
      ];
    },
  },
  'apps/daemonsets': {
    columns: ['Name', 'Desired', 'Current', 'Ready', 'Up-to-date', 'Available', 'Node Selector', 'Age'].map(
      (n) => col(n),
    ),
    row: (o) => [
      o.metadata.name,
      ...[
        'desiredNumberScheduled',
        'currentNumberScheduled',
        'numberReady',
        'updatedNumberScheduled',
        'numberAvailable',
      ].map((f) => (get(o, `.status.${f}`) as number | undefined) ?? 0),
      Object.entries((get(o, '.spec.template.spec.nodeSelector') as Record<string, string> | undefined) ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
      age(o.metadata.creationTimestamp),
    ],
  },
  'apps/deployments': {
    columns: ['Name', 'Ready', 'Up-to-date', 'Available', 'Age'].map((n) => col(n)),
    row: (o) => [
      o.metadata.name,
      `${(get(o, '.status.readyReplicas') as number | undefined) ?? 0}/${(get(o, '.spec.replicas') as number | undefined) ?? 1}`,
      get(o, '.status.updatedReplicas') ?? 0,
      get(o, '.status.availableReplicas') ?? 0,
      age(o.metadata.creationTimestamp),
    ],
  },
  '/namespaces': {
    columns: [col('Name'), col('Status'), col('Age')],
    row: (o) => [o.metadata.name, get(o, '.status.phase') ?? 'Active', age(o.metadata.creationTimestamp)],
  },
};

function printerFor(t: ResourceType): Printer {
  const builtin = BUILTIN[`${t.group}/${t.plural}`];
  if (builtin) return builtin;
  const extra = t.printerColumns ?? [];
  return {
    columns: [
      col('Name'),
      ...extra.map((c) => ({ ...c, jsonPath: '' })),
      ...(extra.some((c) => c.name === 'Age') ? [] : [col('Age')]),
    ],
    row: (o) => [
      o.metadata.name,
      ...extra.map((c) =>
        c.type === 'date' ? age(get(o, c.jsonPath) as string | undefined) : (get(o, c.jsonPath) ?? ''),
      ),
      ...(extra.some((c) => c.name === 'Age') ? [] : [age(o.metadata.creationTimestamp)]),
    ],
  };
}

export function toTable(t: ResourceType, items: KubeObject[], resourceVersion: string): object {
  const p = printerFor(t);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion },
    columnDefinitions: p.columns.map((c) => ({
      name: c.name,
      type: c.type === 'date' ? 'string' : c.type,
      format: c.name === 'Name' ? 'name' : '',
      description: c.description ?? '',
      priority: c.priority ?? 0,
    })),
    rows: items.map((o) => ({ cells: p.row(o).map((v) => (v === undefined ? '' : v)), object: o })),
  };
}
