// LAB ONLY: the Kubernetes API stand-in of picocal's virtual PicoCluster. It follows the documented
// Kubernetes API contract closely enough for the real kubectl (1.32) to work against it: discovery,
// OpenAPI v3 (server-side field validation), CRUD, selectors, server-side apply, status
// subresources, watch, and the real server's error wording. It serves plain HTTP (no TLS, no
// authentication): it listens only on the lab bridge or loopback, and it is never pointed at or used
// in place of a real cluster.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { load } from 'js-yaml';
import { ApiStatusError, badRequest, routeNotFound } from './api-status.js';
import { coreVersions, group, groupList, resourceList, serverVersion } from './discovery.js';
import { isExecPath, serveExec, type ExecBackend } from './exec.js';
import { KubeApi, rk, type PatchType } from './kube-api.js';
import type { KubeObject } from './object-store.js';
import { toTable } from './object-table.js';
import { openapiGroupVersion, openapiIndex, openapiV2 } from './openapi.js';
import { decodeProtobufBody, isProtobuf } from './protobuf-body.js';
import type { ResourceType } from './resource-types.js';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors.js';
import { serveWatch } from './watch.js';
import type { FlowLog } from '../flows-api/flow-log.js';
import { isServiceProxyPath, serveServiceProxy } from '../flows-api/service-proxy.js';

const MAX_BODY = 64 * 1024 * 1024;

interface ResourceRoute {
  type: ResourceType;
  namespace: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new ApiStatusError(413, 'RequestEntityTooLarge', 'Request entity too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(body: Buffer, contentType: string): unknown {
  // kubectl's typed generators (`kubectl create configmap|secret|namespace …`) send protobuf.
  if (isProtobuf(contentType)) return decodeProtobufBody(body);
  const text = body.toString('utf8');
  try {
    if (/yaml/.test(contentType)) return load(text);
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding request body: ${(e as Error).message}`);
  }
}

function patchType(contentType: string): PatchType {
  if (contentType.startsWith('application/apply-patch')) return 'apply';
  if (contentType.startsWith('application/merge-patch+json')) return 'merge';
  if (contentType.startsWith('application/strategic-merge-patch+json')) return 'strategic';
  if (contentType.startsWith('application/json-patch+json')) return 'json';
  throw new ApiStatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`,
  );
}

/** The manager name the real server derives from a User-Agent: `kubectl/v1.32.4 (…)` → `kubectl`. */
function managerOf(req: IncomingMessage, q: URLSearchParams): string {
  return q.get('fieldManager') ?? (req.headers['user-agent'] ?? 'unknown').split('/')[0] ?? 'unknown';
}

export class ApiServer {
  readonly api: KubeApi;
  readonly http: Server;

  constructor(
    api: KubeApi,
    private readonly serverAddress: string,
    /** Where pods/exec runs (see exec.ts); without it exec answers that the pod's node is unknown. */
    exec?: ExecBackend,
    /** The lab's flows stand-in, served behind the whisker Service's proxy (flows-api/service-proxy.ts). */
    private readonly flows?: FlowLog,
    /** The gitVersion GET /version reports (lab.json's kubernetesVersion); default LAB_KUBERNETES_VERSION. */
    private readonly kubernetesVersion?: () => string | undefined,
  ) {
    this.api = api;
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        const err =
          e instanceof ApiStatusError
            ? e
            : new ApiStatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
        if (!res.headersSent) send(res, err.code, err.toStatus());
        else res.end();
      });
    });
    this.http.keepAliveTimeout = 65_000;
    // kubectl exec: an upgrade request (WebSocket, or SPDY as its fallback) to pods/NAME/exec.
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://lab').pathname;
      if (isExecPath(path)) return serveExec(this.api, exec, req, socket, head);
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    });
  }

  private route(segs: string[]): ResourceRoute | undefined {
    let group = '';
    let version: string;
    let rest: string[];
    if (segs[0] === 'api' && segs[1]) {
      version = segs[1];
      rest = segs.slice(2);
    } else if (segs[0] === 'apis' && segs[1] && segs[2]) {
      group = segs[1];
      version = segs[2];
      rest = segs.slice(3);
    } else return undefined;
    let namespace: string | undefined;
    const nsSub =
      rest[0] === 'namespaces' && rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize');
    if (rest[0] === 'namespaces' && rest.length >= 3 && !nsSub) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = rest[0] ? this.api.registry.find(group, version, rest[0]) : undefined;
    if (!type || rest.length > 3) return undefined;
    if (namespace !== undefined && !type.namespaced) return undefined;
    const subresource = rest[2];
    if (
      subresource !== undefined &&
      !type.subresources.includes(subresource) &&
      !(nsSub && subresource === 'finalize')
    )
      return undefined;
    return { type, namespace, name: rest[1], subresource };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://lab');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    const registry = this.api.registry;

    if (method === 'GET') {
      if (path === '/version') return send(res, 200, serverVersion(this.kubernetesVersion?.()));
      if (['/healthz', '/livez', '/readyz'].includes(path)) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        return void res.end('ok');
      }
      if (path === '/api') return send(res, 200, coreVersions(this.serverAddress));
      if (path === '/apis') return send(res, 200, groupList(registry));
      if (path === '/openapi/v3') return send(res, 200, openapiIndex(registry));
      if (path === '/openapi/v2') {
        const { contentType, body } = openapiV2(String(req.headers.accept ?? ''));
        res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': body.length });
        return void res.end(body);
      }
      if (path.startsWith('/openapi/v3/')) {
        const doc = openapiGroupVersion(registry, path.slice('/openapi/v3/'.length));
        return doc ? send(res, 200, doc) : send(res, 404, routeNotFound().toStatus());
      }
      const gv = /^\/(?:api\/(v1)|apis\/([^/]+)(?:\/([^/]+))?)$/.exec(path);
      if (gv) {
        const doc = gv[1]
          ? resourceList(registry, '', gv[1])
          : gv[3]
            ? resourceList(registry, gv[2]!, gv[3])
            : group(registry, gv[2]!);
        return doc ? send(res, 200, doc) : send(res, 404, routeNotFound().toStatus());
      }
    }

    if (this.flows && isServiceProxyPath(url.pathname))
      return serveServiceProxy(this.api, this.flows, url, method, res);
    const r = this.route(path.split('/').filter(Boolean));
    if (!r) return send(res, 404, routeNotFound().toStatus());
    const { type, namespace, name, subresource } = r;
    const dryRun = q.getAll('dryRun').includes('All');
    const manager = managerOf(req, q);
    const wantsTable = /as=Table/.test(String(req.headers.accept ?? ''));

    let labels, fields;
    try {
      labels = parseLabelSelector(q.get('labelSelector'));
      fields = parseFieldSelector(q.get('fieldSelector'));
    } catch (e) {
      if (e instanceof SelectorError) throw badRequest(e.message);
      throw e;
    }
    const matches = (o: KubeObject): boolean => labels(o) && fields(o);

    switch (method) {
      case 'GET': {
        if (name === undefined && (q.get('watch') === 'true' || q.get('watch') === '1')) {
          return serveWatch(this.api, type, namespace, matches, q, req, res);
        }
        if (name !== undefined) {
          const o = this.api.get(type, namespace, name);
          return send(res, 200, wantsTable ? toTable(type, [o], o.metadata.resourceVersion ?? '') : o);
        }
        const items = this.api.list(type, namespace).filter(matches);
        const rv = String(this.api.store.resourceVersion);
        if (wantsTable) return send(res, 200, toTable(type, items, rv));
        return send(res, 200, {
          kind: `${type.kind}List`,
          apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
          metadata: { resourceVersion: rv },
          items,
        });
      }
      case 'POST': {
        if (name !== undefined)
          throw new ApiStatusError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const body = parseBody(await readBody(req), String(req.headers['content-type'] ?? ''));
        return send(res, 201, this.api.create(type, namespace, body as KubeObject, manager, dryRun));
      }
      case 'PUT': {
        if (name === undefined)
          throw new ApiStatusError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const body = parseBody(await readBody(req), String(req.headers['content-type'] ?? ''));
        return send(
          res,
          200,
          this.api.update(type, namespace, name, body as KubeObject, subresource, manager, dryRun),
        );
      }
      case 'PATCH': {
        if (name === undefined)
          throw new ApiStatusError(
            405,
            'MethodNotAllowed',
            'the server does not allow this method on the requested resource',
          );
        const ct = String(req.headers['content-type'] ?? '');
        const pt = patchType(ct);
        if (pt === 'apply' && !q.get('fieldManager')) {
          throw badRequest('PATCH /apply requests require a fieldManager query parameter');
        }
        const body = parseBody(await readBody(req), pt === 'apply' ? 'yaml' : 'json');
        const existed =
          this.api.store.get(rk(type), type.namespaced ? namespace : undefined, name) !== undefined;
        const out = this.api.patch(
          type,
          namespace,
          name,
          pt,
          body,
          subresource,
          manager,
          q.get('force') === 'true',
          dryRun,
        );
        return send(res, existed ? 200 : 201, out);
      }
      case 'DELETE': {
        if (name === undefined) {
          const gone = this.api
            .list(type, namespace)
            .filter(matches)
            .map((o) => this.api.remove(type, o.metadata.namespace, o.metadata.name ?? ''));
          return send(res, 200, {
            kind: `${type.kind}List`,
            apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
            metadata: {},
            items: gone,
          });
        }
        return send(res, 200, this.api.remove(type, namespace, name));
      }
      default:
        throw new ApiStatusError(
          405,
          'MethodNotAllowed',
          'the server does not allow this method on the requested resource',
        );
    }
  }
}
