// Reading flow records through the user's own kubectl and kubeconfig: no new credentials, no port left
// open. Calico's operator runs Whisker as the `whisker` Service in `calico-system`: its nginx (port 8081)
// proxies `/whisker-backend/` to whisker-backend, which asks Goldmane (projectcalico/calico
// whisker/docker-image/default.conf, whisker-backend/pkg/handlers/v1/flows.go). picocal reaches that
// port through the API server's service proxy, `kubectl get --raw
// /api/v1/namespaces/calico-system/services/whisker:8081/proxy/whisker-backend/flows?...` (the same
// request `kubectl port-forward -n calico-system service/whisker 8081:8081` then `curl
// localhost:8081/whisker-backend/flows` makes, in one kubectl call, without a local port). Always an argv
// array; the query is built here, never from a shell string.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  KubectlError,
  kubectl,
  kubectlFailure,
  targetArgs,
  type KubectlResult,
  type KubectlTarget,
} from '../../policy/live/kubectl.js';
import type { FlowAction, ObservedFlow } from '../../policy/goldmane/flow.js';
import { FlowsApiAbsentError, FlowsApiError } from '../../policy/goldmane/flows-error.js';
import { parseFlow, parseFlowList } from './parse-flows.js';

export const WHISKER_NAMESPACE = 'calico-system';
export const WHISKER_SERVICE = 'whisker';
export const WHISKER_PORT = 8081;
/** whisker/docker-image/default.conf: `location /whisker-backend/` → whisker-backend's `/`. */
export const WHISKER_BACKEND_PREFIX = '/whisker-backend';

/** What the flows API filters on (whisker-backend/pkg/apis/v1/flows.go ListFlowsParams, Filters). */
export interface FlowQuery {
  /** Flows that started at most this many seconds ago (`startTimeGte=-N`: relative to the server's now). */
  sinceSeconds: number;
  /** `filters.actions`: the action the dataplane took. */
  actions?: readonly FlowAction[] | undefined;
  /** `filters.pending_actions`: the action once the staged policies are enforced. */
  pendingActions?: readonly FlowAction[] | undefined;
  /** Both ends' namespaces are filtered here, after reading: the API ANDs its fields, "either end" is OR. */
  namespace?: string | undefined;
  /** A pod name, or the start of one (flow names aggregate the pods of one generateName). */
  pod?: string | undefined;
  /** `sortBy`: Goldmane's order (api.proto SortOption); default Time, newest first. */
  sortBy?: FlowSortBy | undefined;
}

/**
 * The orders Goldmane can list in (api.proto `enum SortBy`, those it keeps an index for:
 * goldmane/pkg/storage/bucket_ring.go; DestType and SourceType it refuses).
 */
export const FLOW_SORT_BYS = ['Time', 'DestName', 'DestNamespace', 'SourceName', 'SourceNamespace'] as const;
export type FlowSortBy = (typeof FLOW_SORT_BYS)[number];

/** The URL path and query of `GET /flows` for a query, exactly as whisker-backend decodes it. */
export function flowsPath(q: FlowQuery): string {
  const params = new URLSearchParams();
  params.set('startTimeGte', String(-Math.abs(Math.trunc(q.sinceSeconds))));
  const filters: Record<string, unknown> = {};
  if (q.actions?.length) filters['actions'] = [...q.actions];
  if (q.pendingActions?.length) filters['pending_actions'] = [...q.pendingActions];
  // `filters` is one JSON value in the query (lib/httpmachinery codec.RegisterURLQueryJSONType[Filters]).
  if (Object.keys(filters).length) params.set('filters', JSON.stringify(filters));
  if (q.sortBy && q.sortBy !== 'Time') params.set('sortBy', q.sortBy);
  return `/flows?${params.toString()}`;
}

/**
 * `GET /flows?watch=true`: whisker-backend's event stream over Goldmane's Stream RPC
 * (handlers/v1/flows.go ListOrStream). FlowStreamRequest carries the filter and start_time_gte only (no
 * sort, no end); its start 0 means now, a negative one backfills that far.
 */
export function watchPath(q: FlowQuery, backfill: boolean): string {
  const params = new URLSearchParams();
  params.set('watch', 'true');
  if (backfill) params.set('startTimeGte', String(-Math.abs(Math.trunc(q.sinceSeconds))));
  const filters: Record<string, unknown> = {};
  if (q.actions?.length) filters['actions'] = [...q.actions];
  if (q.pendingActions?.length) filters['pending_actions'] = [...q.pendingActions];
  if (Object.keys(filters).length) params.set('filters', JSON.stringify(filters));
  return `/flows?${params.toString()}`;
}

export function proxyPath(apiPath: string): string {
  return `/api/v1/namespaces/${WHISKER_NAMESPACE}/services/${WHISKER_SERVICE}:${WHISKER_PORT}/proxy${WHISKER_BACKEND_PREFIX}${apiPath}`;
}

/** A flow end matches a pod when the names are equal or the flow's aggregated `prefix-*` covers it. */
export function nameMatches(flowName: string, pod: string): boolean {
  if (flowName === pod) return true;
  if (flowName.endsWith('*')) return pod.startsWith(flowName.slice(0, -1));
  return flowName.startsWith(pod);
}

export function filterFlows(flows: readonly ObservedFlow[], q: FlowQuery): ObservedFlow[] {
  return flows.filter((f) => {
    if (q.namespace !== undefined && f.sourceNamespace !== q.namespace && f.destNamespace !== q.namespace)
      return false;
    if (q.pod !== undefined) {
      const src =
        (q.namespace === undefined || f.sourceNamespace === q.namespace) && nameMatches(f.sourceName, q.pod);
      const dst =
        (q.namespace === undefined || f.destNamespace === q.namespace) && nameMatches(f.destName, q.pod);
      if (!src && !dst) return false;
    }
    return true;
  });
}

export interface FlowsSource {
  /** How the records were read, for the user: the kubectl argv. */
  command: string[];
  flows: ObservedFlow[];
}

/** The error for a failed read of the flow API: absent, forbidden, or kubectl's own failure. */
function flowsFailure(args: string[], r: KubectlResult, target: KubectlTarget): Error {
  if (/NotFound|not found|\(404\)|no endpoints available|services "whisker"/i.test(r.stderr))
    return new FlowsApiAbsentError(
      `no flow API in this cluster: the service ${WHISKER_NAMESPACE}/${WHISKER_SERVICE} does not answer`,
      {
        hint:
          'Goldmane and Whisker come with Calico 3.30+ installed by the operator (kubectl get goldmane,whisker); ' +
          'enable them with the operator resources `Goldmane` and `Whisker` named default',
      },
    );
  if (/forbidden/i.test(r.stderr))
    return new FlowsApiError(
      `kubectl may not read the flow API: ${r.stderr.trim().split('\n').pop() ?? ''}`,
      {
        hint: `reading flows needs "get" on services/proxy in ${WHISKER_NAMESPACE} for your kubeconfig's user`,
      },
    );
  return kubectlFailure(args, r, target);
}

/** Lists the flows of a window through kubectl; FlowsApiAbsentError when the cluster has no Whisker. */
export async function listFlows(target: KubectlTarget, q: FlowQuery): Promise<FlowsSource> {
  const args = ['get', '--raw', proxyPath(flowsPath(q))];
  const r = await kubectl(target, args);
  if (r.exitCode !== 0) throw flowsFailure(args, r, target);
  const { flows } = parseFlowList(r.stdout);
  return { command: ['kubectl', ...args], flows: filterFlows(flows, q) };
}

/**
 * One line of whisker-backend's event stream (lib/httpmachinery/pkg/apiutil/eventstream.go): `data: JSON`
 * is a flow, `error: MSG` the server giving up, a blank line ends an event. Anything else is not that
 * stream (a proxy's page, a List from a server that ignored watch): an error, never a guess.
 */
export function streamLine(line: string): ObservedFlow | undefined {
  if (line === '') return undefined;
  if (line.startsWith('data: ')) {
    let doc: unknown;
    try {
      doc = JSON.parse(line.slice('data: '.length));
    } catch (e) {
      throw new FlowsApiError(`the flow stream sent an event that is not JSON: ${(e as Error).message}`);
    }
    return parseFlow(doc);
  }
  if (line.startsWith('error: '))
    throw new FlowsApiError(`the flow stream stopped with an error: ${line.slice('error: '.length)}`);
  throw new FlowsApiError(`the flow API did not answer an event stream: '${line.slice(0, 80)}'`, {
    hint: 'check that whisker-backend is Calico 3.30 or later (GET /flows?watch=true streams flows)',
  });
}

/**
 * Streams flows as Goldmane sends them, through `kubectl get --raw` (kubectl copies the response body
 * to its stdout as it arrives; the API server's service proxy and Whisker's nginx pass an event stream
 * unbuffered: whisker/docker-image/default.conf `proxy_buffering off`). Each flow that passes the
 * query's namespace and pod filters goes to `onFlow`; returning false stops the stream. Resolves when
 * the stream ends: stopped, the signal aborted, or the server closed it.
 */
export async function watchFlows(
  target: KubectlTarget,
  q: FlowQuery,
  backfill: boolean,
  onFlow: (f: ObservedFlow) => boolean,
): Promise<{ command: string[] }> {
  const args = ['get', '--raw', proxyPath(watchPath(q, backfill))];
  const binary = target.binary ?? 'kubectl';
  const child = spawn(binary, [...targetArgs(target), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(target.cwd ? { cwd: target.cwd } : {}),
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.once('error', (error) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  let stopped = false;
  const stop = () => {
    stopped = true;
    child.kill('SIGTERM');
  };
  target.signal?.addEventListener('abort', stop, { once: true });
  if (target.signal?.aborted) stop();
  let failure: unknown;
  try {
    for await (const line of createInterface({ input: child.stdout, crlfDelay: Infinity })) {
      if (stopped) break;
      const flow = streamLine(line);
      if (flow && filterFlows([flow], q).length && !onFlow(flow)) {
        stop();
        break;
      }
    }
  } catch (e) {
    failure = e;
    stop();
  } finally {
    target.signal?.removeEventListener('abort', stop);
  }
  const end = await exited;
  if (failure) throw failure;
  if (end.error) {
    const missing = (end.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new KubectlError(
      missing ? `${binary} was not found` : `kubectl did not run: ${end.error.message}`,
      {
        hint: 'install kubectl (https://kubernetes.io/docs/tasks/tools/)',
      },
    );
  }
  if (!stopped && end.code !== 0)
    throw flowsFailure(args, { exitCode: end.code ?? -1, stdout: '', stderr }, target);
  return { command: ['kubectl', ...args] };
}
