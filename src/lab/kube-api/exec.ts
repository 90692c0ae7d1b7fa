// LAB ONLY: part of the Kubernetes API stand-in. `kubectl exec` against the lab: the pods/exec
// subresource over WebSocket with the remote command channel protocol v5.channel.k8s.io (v4 too).
// Every binary message starts with its stream id: 0 stdin, 1 stdout, 2 stderr, 3 error (one
// metav1.Status at the end, from which kubectl takes its exit code), 4 resize; v5 adds 255 = "close
// stream <id>". SPDY, kubectl's fallback when the WebSocket upgrade fails, is not served.
//
// This is a stand-in, not a container runtime. The lab's pods are API objects only: a pod whose
// spec.nodeName names a lab node shares that node's network namespace, and exec runs the argv with
// the host's programs there (`ip netns exec <netns> argv...`, no shell). A real exec runs in the pod's
// own container with its image's programs. And the lab has no Felix dataplane: no policy is enforced,
// so a probe in the lab tells about reachability only, never about policy.
import { existsSync, statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { delimiter, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { LabError } from '../../errors.js';
import { readLabState } from '../lab-state.js';
import { runInNode } from '../node-exec.js';
import { ApiStatusError, badRequest, notFound } from './api-status.js';
import { acceptWebSocket, isWebSocketUpgrade, offeredProtocols, refuseUpgrade } from './exec-websocket.js';
import type { KubeApi } from './kube-api.js';

export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
const STREAM = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;
/** A probe ends in seconds; this only stops a forgotten interactive command. */
const EXEC_TIMEOUT_MS = 120_000;

export interface ExecBackend {
  /** The lab directory: lab.json names each node's network namespace and run state. */
  labDir: string;
  /** Told of every exec that ran to its end (the lab's flows stand-in records probes from it). */
  onExit?: (run: { namespace: string; pod: string; argv: string[] }, exitCode: number | null) => void;
}

const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/;

export function isExecPath(pathname: string): boolean {
  return EXEC_PATH.test(pathname);
}

interface PodView {
  spec?: { nodeName?: string; containers?: { name?: string }[] };
}

interface ExecRequest {
  namespace: string;
  pod: string;
  /** The lab node the pod is scheduled to (spec.nodeName). */
  node: string;
  argv: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

/** The checks the real API server makes before it proxies the upgrade to the kubelet. */
function admit(api: KubeApi, pathname: string, q: URLSearchParams): ExecRequest {
  const [, namespace = '', name = ''] = EXEC_PATH.exec(pathname) ?? [];
  const podType = api.registry.find('', 'v1', 'pods');
  if (!podType) throw new ApiStatusError(500, 'InternalError', 'Internal error occurred: no pods type');
  const pod = api.store.get('/pods', namespace, name) as (PodView & object) | undefined;
  if (!pod) throw notFound(podType, name);
  const containers = (pod.spec?.containers ?? []).map((c) => c.name ?? '');
  const container = q.get('container') ?? (containers.length === 1 ? containers[0] : undefined);
  if (container === undefined)
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`,
    );
  if (!containers.includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  const argv = q.getAll('command');
  if (!argv.length) throw badRequest('you must specify at least 1 command');
  const node = pod.spec?.nodeName;
  if (!node) throw badRequest(`pod ${name} does not have a host assigned`);
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  return {
    namespace,
    pod: name,
    node,
    argv,
    stdin: flag('stdin'),
    stdout: flag('stdout'),
    stderr: flag('stderr'),
  };
}

/** Where the program would be found: a container runtime looks argv[0] up on $PATH the same way. */
function findProgram(program: string): boolean {
  const executable = (p: string) => {
    try {
      return statSync(p).isFile() && (statSync(p).mode & 0o111) !== 0;
    } catch {
      return false;
    }
  };
  if (program.includes('/')) return executable(program);
  return (process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin')
    .split(delimiter)
    .some((dir) => dir && executable(join(dir, program)));
}

function status(s: object): Buffer {
  return Buffer.concat([Buffer.from([STREAM.error]), Buffer.from(JSON.stringify({ metadata: {}, ...s }))]);
}

const SUCCESS = { status: 'Success' };

function exitFailure(argv: string[], code: number): object {
  return {
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${argv.join(' ')}], exit code ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

function internalError(message: string): object {
  return {
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}

/** The handler for an upgrade request to pods/NAME/exec. */
export function serveExec(
  api: KubeApi,
  backend: ExecBackend | undefined,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  try {
    const url = new URL(req.url ?? '/', 'http://lab');
    const request = admit(api, url.pathname, url.searchParams);
    const state = backend ? readLabState(backend.labDir) : undefined;
    const node = state?.nodes.find((n) => n.name === request.node);
    if (!state || !node) throw new ApiStatusError(404, 'NotFound', `nodes "${request.node}" not found`);
    if (node.state !== 'running' || !existsSync(`/run/netns/${node.netns}`))
      throw new ApiStatusError(
        500,
        'InternalError',
        `error dialing backend: lab node ${node.name} is ${node.state === 'running' ? 'not up' : node.state}`,
      );
    if (!isWebSocketUpgrade(req))
      throw badRequest(
        'the lab API stand-in serves exec over WebSocket only (v5.channel.k8s.io, v4.channel.k8s.io), not SPDY',
      );
    const offered = offeredProtocols(req);
    const chosen = EXEC_PROTOCOLS.find((p) => offered.includes(p));
    if (!chosen)
      throw badRequest(
        `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${EXEC_PROTOCOLS.join(' ')}]`,
      );
    startExec(state, node.name, request, req, socket, head, chosen, backend?.onExit);
  } catch (e) {
    const err =
      e instanceof ApiStatusError
        ? e
        : new ApiStatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
    refuseUpgrade(socket, err.code, err.toStatus());
  }
}

function startExec(
  state: NonNullable<ReturnType<typeof readLabState>>,
  node: string,
  r: ExecRequest,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  protocol: string,
  onExit?: ExecBackend['onExit'],
): void {
  let child: ReturnType<typeof runInNode> | undefined;
  const ws = acceptWebSocket(req, socket, head, protocol, {
    message(data) {
      const id = data[0];
      if (id === STREAM.stdin) child?.stdin?.write(data.subarray(1));
      else if (id === STREAM.close && data[1] === STREAM.stdin) child?.stdin?.end();
      // resize: no terminal here
    },
    closed() {
      if (child && child.exitCode === null) child.kill('SIGKILL');
    },
  });
  const end = (s: object) => {
    ws.send(status(s));
    ws.close();
  };
  const program = r.argv[0] ?? '';
  if (!findProgram(program))
    return end(
      internalError(
        `error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "${program}": executable file not found in $PATH: unknown`,
      ),
    );
  try {
    child = runInNode(state, node, r.argv, { stdio: [r.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  } catch (e) {
    return end(internalError(e instanceof LabError ? e.message : String(e)));
  }
  const forward = (id: number, wanted: boolean) => (chunk: Buffer) => {
    if (wanted) ws.send(Buffer.concat([Buffer.from([id]), chunk]));
  };
  child.stdout?.on('data', forward(STREAM.stdout, r.stdout));
  child.stderr?.on('data', forward(STREAM.stderr, r.stderr));
  const timer = setTimeout(() => child?.kill('SIGKILL'), EXEC_TIMEOUT_MS);
  timer.unref();
  child.on('error', (e) => {
    clearTimeout(timer);
    end(internalError(`error executing command in container: ${e.message}`));
  });
  // 'close' comes after stdout and stderr are drained, so the status is the last message.
  child.on('close', (code, signal) => {
    clearTimeout(timer);
    onExit?.({ namespace: r.namespace, pod: r.pod, argv: r.argv }, code);
    if (code === 0) end(SUCCESS);
    else if (code !== null) end(exitFailure(r.argv, code));
    else end(internalError(`error executing command in container: killed by ${signal ?? 'a signal'}`));
  });
}
