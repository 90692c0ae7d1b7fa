// LAB ONLY: part of the Kubernetes API stand-in. `?watch=true`: a chunked stream of JSON watch events
// (`{"type":"ADDED","object":{…}}`) with the real server's resourceVersion rules: no version or "0"
// starts with the current objects as ADDED; a version still in the change window resumes after it;
// an older one gets a 410 Gone ERROR event so the client relists. An object that stops matching the
// selectors is sent as DELETED, one that starts matching as ADDED. `kubectl wait` and
// `kubectl rollout status` depend on this.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { rk, type KubeApi } from './kube-api.js';
import type { KubeObject, StoreEvent, WatchEventType } from './object-store.js';
import type { ResourceType } from './resource-types.js';

export function serveWatch(
  api: KubeApi,
  type: ResourceType,
  namespace: string | undefined,
  matches: (o: KubeObject) => boolean,
  q: URLSearchParams,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const key = rk(type);
  const inScope = (o: KubeObject): boolean =>
    !type.namespaced || namespace === undefined || o.metadata.namespace === namespace;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  // Headers go out at once, as the real server sends them: clients block until they arrive.
  res.flushHeaders();
  const write = (t: WatchEventType | 'ERROR' | 'BOOKMARK', object: object): void => {
    res.write(JSON.stringify({ type: t, object }) + '\n');
  };
  const translate = (e: StoreEvent): void => {
    if (e.resource !== key || !inScope(e.object)) return;
    const now = e.type !== 'DELETED' && matches(e.object);
    const before = e.old !== undefined && matches(e.old);
    const obj = api.present(type, e.object);
    if (e.type === 'DELETED') {
      if (before) write('DELETED', obj);
    } else if (now && before) write('MODIFIED', obj);
    else if (now) write('ADDED', obj);
    else if (before) write('DELETED', obj);
  };

  const rvParam = q.get('resourceVersion');
  const sendInitial = q.get('sendInitialEvents') === 'true';
  if (!rvParam || rvParam === '0' || sendInitial) {
    for (const o of api.list(type, namespace)) if (matches(o)) write('ADDED', o);
    if (sendInitial) {
      write('BOOKMARK', {
        kind: type.kind,
        apiVersion: type.group ? `${type.group}/${type.version}` : type.version,
        metadata: {
          resourceVersion: String(api.store.resourceVersion),
          annotations: { 'k8s.io/initial-events-end': 'true' },
        },
      });
    }
  } else {
    const backlog = api.store.since(Number(rvParam));
    if (!backlog) {
      write('ERROR', {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `too old resource version: ${rvParam} (${api.store.oldestResumable})`,
        reason: 'Expired',
        code: 410,
      });
      res.end();
      return;
    }
    for (const e of backlog) translate(e);
  }

  const unsubscribe = api.store.subscribe(translate);
  const timeout = Number(q.get('timeoutSeconds') ?? 1800);
  const timer = setTimeout(() => res.end(), Math.max(1, timeout) * 1000);
  const close = (): void => {
    unsubscribe();
    clearTimeout(timer);
  };
  req.on('close', close);
  res.on('close', close);
}
