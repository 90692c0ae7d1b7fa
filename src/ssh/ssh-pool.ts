// One SSH connection per node for a whole run, opened on first use and shared by every check on that
// node; jump hosts are connected once and tunnel for all nodes behind them. Work fans out with bounded
// concurrency and each node gets its own deadline from the moment its turn starts.
import type { Duplex } from 'node:stream';
import { SshConnectError } from './ssh-failure.js';
import { addressOf, connectEndpoint, type ConnectOptions } from './ssh-connect.js';
import type { NewHostKey } from './host-verifier.js';
import { KnownHostsFile } from './known-hosts-file.js';
import { SshSession } from './ssh-session.js';
import type { SshEndpoint, SshTarget } from './ssh-target.js';

export interface SshPoolOptions {
  /** Budget for one node's login (retries included); work on the node has its own. */
  connectTimeoutMs: number;
  acceptNewHostKeys: boolean;
  /** Nodes worked on at once. */
  concurrency?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  maxAttempts?: number;
  onNewHostKey?: (info: NewHostKey) => void;
  signal?: AbortSignal;
}

/** What a run does with host keys: --accept-new-host-keys, and who prints a key it records. */
export type HostKeyPolicy = Pick<SshPoolOptions, 'acceptNewHostKeys' | 'onNewHostKey'>;

export type Settled<T> =
  { target: SshTarget; ok: true; value: T } | { target: SshTarget; ok: false; error: unknown };

export class SshPool {
  private readonly sessions = new Map<string, Promise<SshSession>>();
  private readonly knownHostsFiles = new Map<string, Promise<KnownHostsFile>>();
  private readonly opened: SshSession[] = [];

  constructor(private readonly opts: SshPoolOptions) {}

  /** The node's connection, opened on first call (the same promise for every caller). */
  session(target: SshTarget): Promise<SshSession> {
    return this.cached(`node:${target.node}`, () => this.open(target.node, target, target.jump));
  }

  /** Runs `work` for every target, at most `concurrency` at a time, and never rejects. */
  async forEach<T>(
    targets: readonly SshTarget[],
    work: (target: SshTarget) => Promise<T>,
  ): Promise<Settled<T>[]> {
    const results: Settled<T>[] = new Array(targets.length);
    let next = 0;
    const worker = async () => {
      for (;;) {
        const i = next++;
        const target = targets[i];
        if (target === undefined) return;
        try {
          results[i] = { target, ok: true, value: await work(target) };
        } catch (error) {
          results[i] = { target, ok: false, error };
        }
      }
    };
    const n = Math.max(1, Math.min(this.opts.concurrency ?? 32, targets.length));
    await Promise.all(Array.from({ length: n }, worker));
    return results;
  }

  close(): void {
    for (const s of this.opened) s.close();
    this.opened.length = 0;
    this.sessions.clear();
  }

  private knownHosts = (path: string): Promise<KnownHostsFile> => {
    let p = this.knownHostsFiles.get(path);
    if (!p) {
      p = KnownHostsFile.open(path);
      this.knownHostsFiles.set(path, p);
    }
    return p;
  };

  private connectOptions(deadline: number, tunnel?: ConnectOptions['tunnel']): ConnectOptions {
    const o = this.opts;
    return {
      deadline,
      acceptNewHostKeys: o.acceptNewHostKeys,
      knownHosts: this.knownHosts,
      ...(o.onNewHostKey ? { onNewHostKey: o.onNewHostKey } : {}),
      ...(o.keepaliveIntervalMs !== undefined ? { keepaliveIntervalMs: o.keepaliveIntervalMs } : {}),
      ...(o.keepaliveCountMax !== undefined ? { keepaliveCountMax: o.keepaliveCountMax } : {}),
      ...(o.maxAttempts !== undefined ? { maxAttempts: o.maxAttempts } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
      ...(tunnel ? { tunnel } : {}),
    };
  }

  private async open(node: string, ep: SshEndpoint, jump: SshTarget['jump']): Promise<SshSession> {
    const deadline = Date.now() + this.opts.connectTimeoutMs;
    let tunnel: ConnectOptions['tunnel'];
    if (jump) {
      const via = await this.jumpSession(node, jump, deadline);
      tunnel = (host, port, timeoutMs) => forwardThrough(via, node, host, port, timeoutMs);
    }
    const client = await connectEndpoint(node, ep, this.connectOptions(deadline, tunnel));
    const session = new SshSession(node, addressOf(ep), client);
    this.opened.push(session);
    return session;
  }

  private jumpSession(
    node: string,
    jump: NonNullable<SshTarget['jump']>,
    deadline: number,
  ): Promise<SshSession> {
    return this.cached(`jump:${jump.user}@${jump.host}:${jump.port}`, async () => {
      const client = await connectEndpoint(
        `${node} via jump host ${jump.label}`,
        jump,
        this.connectOptions(deadline),
      );
      const session = new SshSession(jump.label, addressOf(jump), client);
      this.opened.push(session);
      return session;
    });
  }

  /**
   * One connection per key. Neither a failed login nor a connection that has since died is reused:
   * the next caller gets a fresh try.
   */
  private async cached(key: string, open: () => Promise<SshSession>): Promise<SshSession> {
    const existing = this.sessions.get(key);
    if (existing) {
      const s = await existing.catch(() => undefined);
      if (s?.alive) return s;
      if (this.sessions.get(key) === existing) this.sessions.delete(key);
      if (!s) return existing;
    }
    const p = open();
    this.sessions.set(key, p);
    p.catch(() => {
      if (this.sessions.get(key) === p) this.sessions.delete(key);
    });
    return p;
  }
}

function forwardThrough(
  via: SshSession,
  node: string,
  host: string,
  port: number,
  timeoutMs: number,
): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    const address = port === 22 ? host : `${host}:${port}`;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      reject(
        new SshConnectError(
          'timeout',
          address,
          `cannot reach ${node} (${address}) through jump host ${via.node}: no answer`,
          {
            node,
            hint: 'the board is off or partitioned from the jump host',
          },
        ),
      );
    }, timeoutMs);
    via.ssh2.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      clearTimeout(timer);
      if (timedOut) {
        stream?.destroy();
      } else if (err) {
        reject(
          new SshConnectError(
            'refused',
            address,
            `jump host ${via.node} could not open a tunnel to ${node} (${address}): ${err.message}`,
            {
              node,
              hint: 'check that the board is up and that the jump host may forward to it (AllowTcpForwarding)',
              cause: err,
            },
          ),
        );
      } else resolve(stream);
    });
  });
}
