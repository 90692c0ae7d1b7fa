// LAB ONLY: the flows stand-in. Serves whisker-backend's HTTP API (projectcalico/calico
// whisker-backend/pkg/handlers/v1/flows.go, pkg/apis/v1/flows.go), as the whisker Service's nginx
// exposes it under /whisker-backend/ (whisker/docker-image/default.conf), from the FlowLog the lab's
// probes fill. `GET /flows` with ListFlowsParams (startTimeGte, startTimeLt, sortBy, filters as one JSON
// value; page and pageSize are decoded but whisker-backend does not pass them on to Goldmane's
// FlowListRequest, so they change nothing here either) answers a List `{"total":{"totalPages":N},
// "items":[...]}` (lib/httpmachinery/pkg/apiutil/response.go); with `watch=true` an event stream
// (apiutil/eventstream.go: `data: <FlowResponse>` and a blank line per flow), which the service proxy
// writes. `GET /flows-filter-hints?type=...` the hints, paged. Errors as upstream: a value the codec
// cannot decode is 400 `{"error": ...}`; what Goldmane refuses (two sort orders, a sort it has no index
// for, an empty time window) whisker-backend answers 500 `{"error":"Internal Server Error"}`.
// Time values follow the proto: 0 = oldest / now, > 0 absolute seconds, < 0 relative to now; for a
// stream 0 means now (no backfill: goldmane/pkg/goldmane/goldmane.go Stream, backfill).
import { FLOW_ACTIONS, REPORTERS } from '../../policy/goldmane/flow.js';
import type { FlowLog, FlowResponseJson } from './flow-log.js';

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** `watch=true`: the records to send first (backfill), and which later records the stream carries. */
  stream?: { backfill: FlowResponseJson[]; matches: (f: FlowResponseJson) => boolean };
}

const internal: HttpAnswer = { status: 500, body: { error: 'Internal Server Error' } };

/** goldmane/proto/api.proto `enum SortBy`; Goldmane keeps an index for the first five only (storage/bucket_ring.go). */
const SORT_BYS = [
  'Time',
  'DestName',
  'DestNamespace',
  'DestType',
  'SourceName',
  'SourceNamespace',
  'SourceType',
];
const SORT_FIELDS: Record<string, keyof FlowResponseJson | undefined> = {
  DestName: 'dest_name',
  DestNamespace: 'dest_namespace',
  SourceName: 'source_name',
  SourceNamespace: 'source_namespace',
};

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

/** lib/httpmachinery codec: an int query value Go's strconv.Atoi reads, else 400. */
function intParam(q: URLSearchParams, name: string): number | string {
  const text = q.get(name);
  if (text === null || text === '') return 0;
  if (!/^[+-]?\d+$/.test(text)) return `${name}: invalid integer '${text}'`;
  return Number(text);
}

export function serveWhiskerBackend(
  log: FlowLog,
  path: string,
  q: URLSearchParams,
  now = Date.now() / 1000,
): HttpAnswer {
  if (path !== '/flows' && path !== '/flows-filter-hints')
    return { status: 404, body: '404 page not found\n' };
  const watchText = q.get('watch');
  if (watchText !== null && !['true', 'false', '1', '0', ''].includes(watchText))
    return bad(`watch: invalid boolean '${watchText}'`);
  const watch = watchText === 'true' || watchText === '1';
  const sortBys = q.getAll('sortBy');
  for (const v of sortBys) if (!SORT_BYS.includes(v)) return bad(`unknown sortBy value: ${v}`);
  const filters = parseFilters(q.get('filters'));
  if (typeof filters === 'string') return bad(filters);
  const gte = seconds(q, 'startTimeGte', now, 0);
  const lt = seconds(q, 'startTimeLt', now, now + 1);
  if (typeof gte === 'string') return bad(gte);
  if (typeof lt === 'string') return bad(lt);
  const pageSize = intParam(q, 'pageSize');
  const page = intParam(q, 'page');
  if (typeof pageSize === 'string') return bad(pageSize);
  if (typeof page === 'string') return bad(page);
  if (path === '/flows' && watch) {
    // FlowStreamRequest has start_time_gte and filter only; 0 is now: no backfill.
    const raw = q.get('startTimeGte');
    const from = raw === null || raw === '' || Number(raw) === 0 ? undefined : gte;
    return {
      status: 200,
      body: null,
      stream: {
        backfill:
          from === undefined
            ? []
            : log
                .window(from, now + 1)
                .filter((f) => matches(f, filters))
                .reverse(),
        matches: (f) => matches(f, filters),
      },
    };
  }
  // goldmane.go validateTimeRange, validateListRequest; bucket_ring.go List: refused by Goldmane,
  // whisker-backend logs it and answers 500.
  if (gte >= lt) return internal;
  if (path === '/flows' && sortBys.length > 1) return internal;
  if (path === '/flows' && sortBys[0] !== undefined && sortBys[0] !== 'Time' && !SORT_FIELDS[sortBys[0]])
    return internal;
  const flows = log.window(gte, lt).filter((f) => matches(f, filters));
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
    const paged = pageSize > 0 ? items.slice(page * pageSize, (page + 1) * pageSize) : items;
    return {
      status: 200,
      body: {
        total: { totalPages: pageSize > 0 ? Math.ceil(items.length / pageSize) : items.length ? 1 : 0 },
        items: paged,
      },
    };
  }
  // Goldmane's default order is newest first (storage/ring_index.go); a name order is its index's,
  // ascending (storage/index.go).
  const field = sortBys[0] ? SORT_FIELDS[sortBys[0]] : undefined;
  const sorted = field
    ? [...flows].sort((a, b) => {
        // Go compares strings byte by byte.
        const x = String(a[field]);
        const y = String(b[field]);
        return x < y ? -1 : x > y ? 1 : 0;
      })
    : flows;
  // pageSize and page are not passed on (handlers/v1/flows.go ListOrStream): the whole list, and
  // Goldmane's ListMetadata for a query without page_size (storage/index.go calculateListMeta).
  return {
    status: 200,
    body: { total: { totalPages: sorted.length ? 1 : 0 }, items: sorted.length ? sorted : null },
  };
}
