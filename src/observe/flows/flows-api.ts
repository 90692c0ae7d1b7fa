// Reading flow records through the user's own kubectl and kubeconfig: no new credentials, no port left
// open. Calico's operator runs Whisker as the `whisker` Service in `calico-system`: its nginx (port 8081)
// proxies `/whisker-backend/` to whisker-backend, which asks Goldmane (projectcalico/calico
// whisker/docker-image/default.conf, whisker-backend/pkg/handlers/v1/flows.go). picocal reaches that
// port through the API server's service proxy, `kubectl get --raw
// /api/v1/namespaces/calico-system/services/whisker:8081/proxy/whisker-backend/flows?...` (the same
// request `kubectl port-forward -n calico-system service/whisker 8081:8081` then `curl
// localhost:8081/whisker-backend/flows` makes, in one kubectl call, without a local port). Always an argv
// array; the query is built here, never from a shell string.
import { kubectl, kubectlFailure, type KubectlTarget } from '../../policy/live/kubectl.js';
import type { FlowAction, ObservedFlow } from '../../policy/goldmane/flow.js';
import { FlowsApiAbsentError, FlowsApiError } from '../../policy/goldmane/flows-error.js';
import { parseFlowList } from './parse-flows.js';

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
}

/** The URL path and query of `GET /flows` for a query, exactly as whisker-backend decodes it. */
export function flowsPath(q: FlowQuery): string {
  const params = new URLSearchParams();
  params.set('startTimeGte', String(-Math.abs(Math.trunc(q.sinceSeconds))));
  const filters: Record<string, unknown> = {};
  if (q.actions?.length) filters['actions'] = [...q.actions];
  if (q.pendingActions?.length) filters['pending_actions'] = [...q.pendingActions];
  // `filters` is one JSON value in the query (lib/httpmachinery codec.RegisterURLQueryJSONType[Filters]).
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

/** Lists the flows of a window through kubectl; FlowsApiAbsentError when the cluster has no Whisker. */
export async function listFlows(target: KubectlTarget, q: FlowQuery): Promise<FlowsSource> {
  const args = ['get', '--raw', proxyPath(flowsPath(q))];
  const r = await kubectl(target, args);
  if (r.exitCode !== 0) {
    if (/NotFound|not found|\(404\)|no endpoints available|services "whisker"/i.test(r.stderr))
      throw new FlowsApiAbsentError(
        `no flow API in this cluster: the service ${WHISKER_NAMESPACE}/${WHISKER_SERVICE} does not answer`,
        {
          hint:
            'Goldmane and Whisker come with Calico 3.30+ installed by the operator (kubectl get goldmane,whisker); ' +
            'enable them with the operator resources `Goldmane` and `Whisker` named default',
        },
      );
    if (/forbidden/i.test(r.stderr))
      throw new FlowsApiError(
        `kubectl may not read the flow API: ${r.stderr.trim().split('\n').pop() ?? ''}`,
        {
          hint: `reading flows needs "get" on services/proxy in ${WHISKER_NAMESPACE} for your kubeconfig's user`,
        },
      );
    throw kubectlFailure(args, r, target);
  }
  const { flows } = parseFlowList(r.stdout);
  return { command: ['kubectl', ...args], flows: filterFlows(flows, q) };
}
