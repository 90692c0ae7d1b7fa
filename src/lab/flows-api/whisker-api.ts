// LAB ONLY: the flows stand-in. Serves whisker-backend's HTTP API (projectcalico/calico
// whisker-backend/pkg/handlers/v1/flows.go, pkg/apis/v1/flows.go), as the whisker Service's nginx
// exposes it under /whisker-backend/ (whisker/docker-image/default.conf), from the FlowLog the lab's
// probes fill. `GET /flows` with ListFlowsParams (startTimeGte, startTimeLt, page, pageSize, sortBy,
// filters as one JSON value) answers a List `{"total":{"totalPages":N},"items":[...]}`
// (lib/httpmachinery/pkg/apiutil/response.go); `GET /flows-filter-hints?type=...` the hints. What the
// stand-in does not serve (watch=true, the event stream) is refused with 400, never answered wrongly.
// Time values follow the proto: 0 = oldest / now, > 0 absolute seconds, < 0 relative to now.
import { FLOW_ACTIONS, REPORTERS } from '../../policy/goldmane/flow.js';
import type { FlowLog, FlowResponseJson } from './flow-log.js';

export interface HttpAnswer {
  status: number;
  body: unknown;
}

const bad = (message: string): HttpAnswer => ({ status: 400, body: { error: message } });

interface StringMatch {
  value: string;
  type: 'Exact' | 'Fuzzy';
}

interface Filters {
  source_names?: StringMatch[];
  source_namespaces?: StringMatch[];
  dest_names?: StringMatch[];
  dest_namespaces?: StringMatch[];
  protocols?: StringMatch[];
  dest_ports?: { value: number; type: string }[];
  actions?: string[];
  pending_actions?: string[];
  reporter?: string;
  policies?: unknown[];
}

const FILTER_FIELDS = [
  'source_names',
  'source_namespaces',
  'dest_names',
  'dest_namespaces',
  'protocols',
  'dest_ports',
  'actions',
  'pending_actions',
  'policies',
  'reporter',
];
const FILTER_TYPES = [
  'DestName',
  'SourceName',
  'DestNamespace',
  'SourceNamespace',
  'PolicyTier',
  'PolicyName',
  'PolicyKind',
  'PolicyNamespace',
];

function parseFilters(text: string | null): Filters | string {
  if (text === null || text === '') return {};
  let f: unknown;
  try {
    f = JSON.parse(text);
  } catch (e) {
    return `invalid filters: ${(e as Error).message}`;
  }
  if (typeof f !== 'object' || f === null || Array.isArray(f)) return 'invalid filters: not an object';
  for (const k of Object.keys(f))
    if (!FILTER_FIELDS.includes(k)) return `invalid filters: unknown field "${k}"`;
  const filters = f as Filters;
  for (const k of ['actions', 'pending_actions'] as const)
    for (const a of filters[k] ?? [])
      if (!(FLOW_ACTIONS as readonly string[]).includes(a)) return `unknown value: ${a}`;
  if (filters.reporter !== undefined && !(REPORTERS as readonly string[]).includes(filters.reporter))
    return `unknown value: ${filters.reporter}`;
  for (const k of [
    'source_names',
    'source_namespaces',
    'dest_names',
    'dest_namespaces',
    'protocols',
  ] as const)
    for (const m of filters[k] ?? [])
      if (typeof m?.value !== 'string' || (m.type !== 'Exact' && m.type !== 'Fuzzy'))
        return `invalid filters: ${k} takes {"value": string, "type": "Exact"|"Fuzzy"}`;
  if (filters.policies?.length) return 'invalid filters: policies is not served by the lab flows stand-in';
  return filters;
}

/** A StringMatch list is OR'd; Fuzzy is a substring match (goldmane/pkg/storage filter). */
function anyMatch(ms: StringMatch[] | undefined, v: string): boolean {
  if (!ms?.length) return true;
  return ms.some((m) => (m.type === 'Exact' ? m.value === v : v.includes(m.value)));
}

function finalAction(trace: FlowResponseJson['policies']['pending']): string | undefined {
  const hits = (trace ?? []).filter((h) => h.action !== 'Pass');
  return hits[hits.length - 1]?.action;
}

function matches(f: FlowResponseJson, filters: Filters): boolean {
  // whisker-backend maps the UI's "Global" namespace and network names back (protoconvert.go); the
  // stand-in stores them as whisker-backend answers them, so compares directly.
  return (
    anyMatch(filters.source_names, f.source_name) &&
    anyMatch(filters.source_namespaces, f.source_namespace) &&
    anyMatch(filters.dest_names, f.dest_name) &&
    anyMatch(filters.dest_namespaces, f.dest_namespace) &&
    anyMatch(filters.protocols, f.protocol) &&
    (!filters.dest_ports?.length || filters.dest_ports.some((p) => p.value === f.dest_port)) &&
    (!filters.actions?.length || filters.actions.includes(f.action)) &&
    (!filters.pending_actions?.length ||
      filters.pending_actions.includes(finalAction(f.policies.pending) ?? f.action)) &&
    (filters.reporter === undefined || filters.reporter === f.reporter)
  );
}

function seconds(q: URLSearchParams, name: string, now: number, zero: number): number | string {
  const text = q.get(name);
  if (text === null || text === '') return zero;
  if (!/^-?\d+$/.test(text)) return `${name}: invalid integer '${text}'`;
  const n = Number(text);
  return n === 0 ? zero : n < 0 ? now + n : n;
}

export function serveWhiskerBackend(
  log: FlowLog,
  path: string,
  q: URLSearchParams,
  now = Date.now() / 1000,
): HttpAnswer {
  if (path !== '/flows' && path !== '/flows-filter-hints')
    return { status: 404, body: '404 page not found\n' };
  if (q.get('watch') === 'true')
    return bad('watch=true (the event stream) is not served by the lab flows stand-in');
  const filters = parseFilters(q.get('filters'));
  if (typeof filters === 'string') return bad(filters);
  const gte = seconds(q, 'startTimeGte', now, 0);
  const lt = seconds(q, 'startTimeLt', now, now + 1);
  if (typeof gte === 'string') return bad(gte);
  if (typeof lt === 'string') return bad(lt);
  const flows = log.window(gte, lt).filter((f) => matches(f, filters));
  const pageSize = Number(q.get('pageSize') ?? '0') || 0;
  const page = Number(q.get('page') ?? '0') || 0;
  if (path === '/flows-filter-hints') {
    const type = q.get('type');
    if (!type || !FILTER_TYPES.includes(type))
      return bad(
        `unknown filter type value ${type ?? ''}; allowed values are '${FILTER_TYPES.join("', '")}'`,
      );
    const values = new Set(
      flows.flatMap((f): string[] => {
        switch (type) {
          case 'DestName':
            return [f.dest_name];
          case 'SourceName':
            return [f.source_name];
          case 'DestNamespace':
            return [f.dest_namespace || 'Global'];
          case 'SourceNamespace':
            return [f.source_namespace || 'Global'];
          default: {
            const hits = [...(f.policies.enforced ?? []), ...(f.policies.pending ?? [])];
            const key = {
              PolicyTier: 'tier',
              PolicyName: 'name',
              PolicyKind: 'kind',
              PolicyNamespace: 'namespace',
            }[type] as 'tier';
            return hits.map((h) => h[key]).filter((v) => v !== '');
          }
        }
      }),
    );
    const items = [...values].sort().map((value) => ({ value }));
    return {
      status: 200,
      body: { total: { totalPages: pageSize > 0 ? Math.ceil(items.length / pageSize) : 1 }, items },
    };
  }
  const paged = pageSize > 0 ? flows.slice(page * pageSize, (page + 1) * pageSize) : flows;
  // An empty Go slice marshals as null.
  return {
    status: 200,
    body: {
      total: { totalPages: pageSize > 0 ? Math.ceil(flows.length / pageSize) : flows.length ? 1 : 0 },
      items: paged.length ? paged : null,
    },
  };
}
