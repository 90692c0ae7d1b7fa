// LAB ONLY: the API server's service proxy (`GET /api/v1/namespaces/NS/services/[SCHEME:]NAME[:PORT]/proxy/PATH`,
// https://kubernetes.io/docs/tasks/access-application-cluster/access-cluster-services/#manually-constructing-apiserver-proxy-urls),
// for the one Service the lab has something behind: Calico's `whisker` in calico-system, port 8081, which
// the operator creates for the `Whisker` resource named default (tigera/operator pkg/render/whisker.go)
// and whose nginx sends /whisker-backend/ to whisker-backend (projectcalico/calico
// whisker/docker-image/default.conf). Without that resource the Service does not exist (404, the real
// server's NotFound); without a `Goldmane` named default whisker-backend cannot list (500, its own
// `{"error":"Internal Server Error"}`). Any other Service answers NotFound: the lab runs no other server.
import type { ServerResponse } from 'node:http';
import { rk, type KubeApi } from '../kube-api/kube-api.js';
import type { FlowLog } from './flow-log.js';
import { serveWhiskerBackend } from './whisker-api.js';

const PROXY = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)?$/;

export function isServiceProxyPath(pathname: string): boolean {
  return PROXY.test(pathname);
}

function status(res: ServerResponse, code: number, reason: string, message: string, details?: object): void {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function operatorResource(api: KubeApi, plural: string): boolean {
  const t = api.registry.find('operator.tigera.io', 'v1', plural);
  return t !== undefined && api.store.get(rk(t), undefined, 'default') !== undefined;
}

export function serveServiceProxy(
  api: KubeApi,
  log: FlowLog,
  url: URL,
  method: string,
  res: ServerResponse,
): void {
  const [, namespace = '', spec = '', rest = '/'] = PROXY.exec(url.pathname) ?? [];
  const parts = decodeURIComponent(spec).split(':');
  const [scheme, name, port] = parts.length === 3 ? parts : ['', parts[0] ?? '', parts[1] ?? ''];
  const exists = namespace === 'calico-system' && name === 'whisker' && operatorResource(api, 'whiskers');
  if (!exists)
    return status(res, 404, 'NotFound', `services "${name}" not found`, { name, kind: 'services' });
  if (scheme !== '' && scheme !== 'http')
    return status(
      res,
      503,
      'ServiceUnavailable',
      `error trying to reach service: the whisker port 8081 serves http`,
    );
  if (port !== '' && port !== '8081')
    return status(res, 503, 'ServiceUnavailable', `no endpoints available for service "whisker"`);
  if (method !== 'GET') return status(res, 405, 'MethodNotAllowed', 'the lab flows stand-in serves GET only');
  if (!rest.startsWith('/whisker-backend/')) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    return void res.end('404 page not found\n');
  }
  const answer = operatorResource(api, 'goldmanes')
    ? serveWhiskerBackend(log, rest.slice('/whisker-backend'.length), url.searchParams)
    : { status: 500, body: { error: 'Internal Server Error' } };
  if (answer.stream) {
    // lib/httpmachinery/pkg/apiutil: eventStreamResponseWriter's headers, then jsonEventStream's
    // `data: <json>` and a blank line per flow, flushed one by one, until the client goes away.
    const { backfill, matches } = answer.stream;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    const send = (f: unknown) => void res.write(`data: ${JSON.stringify(f)}\n\n`);
    for (const f of backfill) send(f);
    const stop = log.subscribe((f) => {
      if (matches(f)) send(f);
    });
    res.on('close', stop);
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body) + '\n';
  res.writeHead(answer.status, {
    'Content-Type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}
