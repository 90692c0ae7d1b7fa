// One SSH login to one endpoint, optionally through an already open jump connection. Transient failures
// (refused, reset, handshake timeout) are retried with backoff until the deadline; failures that cannot
// succeed on retry (host key, auth, bad key file) stop at once.
import type { Duplex } from 'node:stream';
import { Client, type ConnectConfig, type ServerHostKeyAlgorithm } from 'ssh2';
import { InterruptedError } from '../errors.js';
import { credentialsFor } from './auth.js';
import { algorithmsForKeyType, HOST_KEY_ALGORITHMS } from './host-key.js';
import { createHostVerifier, type NewHostKey } from './host-verifier.js';
import type { KnownHostsFile } from './known-hosts-file.js';
import { knownHostName } from './known-hosts.js';
import { classifyConnectError } from './ssh-failure.js';
import type { SshEndpoint } from './ssh-target.js';

export interface ConnectOptions {
  /** Absolute time (ms since epoch) by which the login must be complete, retries included. */
  deadline: number;
  acceptNewHostKeys: boolean;
  knownHosts: (path: string) => Promise<KnownHostsFile>;
  onNewHostKey?: (info: NewHostKey) => void;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  maxAttempts?: number;
  signal?: AbortSignal;
  /** Opens the transport through a jump host instead of a TCP socket (ssh2 forwardOut). */
  tunnel?: (host: string, port: number, timeoutMs: number) => Promise<Duplex>;
}

/** Like OpenSSH: ask first for the key types known_hosts already has for this host. */
export function hostKeyOrder(knownTypes: readonly string[]): string[] {
  const preferred = knownTypes
    .flatMap(algorithmsForKeyType)
    .filter((a) => (HOST_KEY_ALGORITHMS as readonly string[]).includes(a));
  return [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])];
}

export function addressOf(ep: SshEndpoint): string {
  return ep.port === 22 ? ep.host : `${ep.host}:${ep.port}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function connectEndpoint(node: string, ep: SshEndpoint, opts: ConnectOptions): Promise<Client> {
  const address = addressOf(ep);
  const maxAttempts = opts.maxAttempts ?? 3;
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw new InterruptedError(`interrupted while connecting to ${node}`, { node });
    const remaining = opts.deadline - Date.now();
    if (remaining <= 0) {
      throw classifyConnectError(new Error('timed out'), node, address, Date.now() - started);
    }
    try {
      return await connectOnce(node, ep, opts, remaining);
    } catch (err) {
      if (err instanceof InterruptedError) throw err;
      const failure = classifyConnectError(err, node, address, Date.now() - started);
      const backoff = 200 * 2 ** (attempt - 1);
      if (!failure.retryable || attempt >= maxAttempts || Date.now() + backoff >= opts.deadline)
        throw failure;
      await sleep(backoff);
    }
  }
}

async function connectOnce(
  node: string,
  ep: SshEndpoint,
  opts: ConnectOptions,
  timeoutMs: number,
): Promise<Client> {
  const address = addressOf(ep);
  const name = knownHostName(ep.host, ep.port);
  const file = await opts.knownHosts(ep.knownHosts);
  const verifier = createHostVerifier({
    node,
    address,
    name,
    file,
    acceptNew: opts.acceptNewHostKeys,
    ...(opts.onNewHostKey ? { onNewHostKey: opts.onNewHostKey } : {}),
  });
  const creds = await credentialsFor(node, address, ep.privateKey);
  const sock = opts.tunnel ? await opts.tunnel(ep.host, ep.port, timeoutMs) : undefined;
  const config: ConnectConfig = {
    host: ep.host,
    port: ep.port,
    username: ep.user,
    ...creds,
    ...(sock ? { sock } : {}),
    readyTimeout: Math.max(1, timeoutMs),
    keepaliveInterval: opts.keepaliveIntervalMs ?? 2000,
    keepaliveCountMax: opts.keepaliveCountMax ?? 3,
    hostVerifier: verifier.verify,
    algorithms: { serverHostKey: hostKeyOrder(file.keyTypes(name)) as ServerHostKeyAlgorithm[] },
  };

  return new Promise<Client>((resolve, reject) => {
    const client = new Client();
    let settled = false;
    const finish = (err: unknown | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      if (err === undefined) {
        resolve(client);
      } else {
        client.destroy();
        sock?.destroy();
        reject(verifier.refusal() ?? err);
      }
    };
    // ssh2's readyTimeout does not cover a jump tunnel that never answers: this timer does.
    const timer = setTimeout(
      () =>
        finish(
          Object.assign(new Error('Timed out while waiting for handshake'), { level: 'client-timeout' }),
        ),
      timeoutMs + 250,
    );
    const onAbort = () => finish(new InterruptedError(`interrupted while connecting to ${node}`, { node }));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => finish(undefined));
    client.on('error', (err) => finish(err));
    client.once('close', () => finish(new Error('connection closed before the SSH handshake finished')));
    try {
      client.connect(config);
    } catch (err) {
      finish(err);
    }
  });
}
