// An open SSH connection to one node and the one way to run something there: an argv array, quoted here,
// with an optional stdin. A command counts only if it reports an exit code: a channel that closes without
// one means the node died or the command was killed, and that is a failure, never an empty success.
import type { Client, ClientChannel } from 'ssh2';
import { shellCommand } from './shell-quote.js';
import { SshCommandError } from './ssh-failure.js';

export interface ExecOptions {
  stdin?: string;
  timeoutMs?: number;
  /** Output beyond this many bytes per stream fails the command instead of filling memory. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

const DEFAULT_MAX_OUTPUT = 32 * 1024 * 1024;

export class SshSession {
  private lost: Error | undefined;

  constructor(
    readonly node: string,
    readonly address: string,
    private readonly client: Client,
  ) {
    // After login, ssh2 reports keepalive timeouts and resets as 'error': remember them so running and
    // later commands fail with the reason instead of an unhandled event.
    client.on('error', (err) => {
      this.lost ??= err;
    });
    client.on('close', () => {
      this.lost ??= new Error('connection closed');
    });
  }

  get alive(): boolean {
    return this.lost === undefined;
  }

  /** The raw client, for opening a tunnel through this node when it is a jump host. */
  get ssh2(): Client {
    return this.client;
  }

  exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    const command = shellCommand(argv);
    const what = `'${argv[0] ?? ''}' on ${this.node}`;
    if (this.lost) {
      return Promise.reject(
        new SshCommandError('lost', `cannot run ${what}: connection lost (${this.lost.message})`, {
          node: this.node,
          hint: 'the node stopped answering; check its power and network link',
        }),
      );
    }
    const limit = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    return new Promise<ExecResult>((resolve, reject) => {
      this.client.exec(command, (err, stream) => {
        if (err) {
          const lost = this.lost;
          reject(
            lost
              ? new SshCommandError('lost', `cannot run ${what}: connection lost (${lost.message})`, {
                  node: this.node,
                  hint: 'the node stopped answering; check its power and network link',
                  cause: err,
                })
              : new SshCommandError('channel', `cannot run ${what}: ${err.message}`, {
                  node: this.node,
                  hint: 'sshd refused a session channel (MaxSessions?) or the connection dropped',
                  cause: err,
                }),
          );
          return;
        }
        collect(stream, what, this, limit, opts.timeoutMs).then(resolve, reject);
        stream.end(opts.stdin ?? '');
      });
    });
  }

  /** Why the connection is gone, if it is. */
  lostReason(): string | undefined {
    return this.lost?.message;
  }

  close(): void {
    this.client.end();
  }
}

function collect(
  stream: ClientChannel,
  what: string,
  session: SshSession,
  limit: number,
  timeoutMs: number | undefined,
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let code: number | undefined;
    let signal: string | undefined;
    let failure: SshCommandError | undefined;
    const node = session.node;
    const fail = (e: SshCommandError) => {
      failure ??= e;
      stream.close();
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            // Ask sshd to kill the command and drop the channel; the caller does not wait for either.
            failure ??= new SshCommandError(
              'timeout',
              `${what} did not finish within ${(timeoutMs / 1000).toFixed(1)} s`,
              {
                node,
                hint: 'the node is overloaded or the command hangs; raise --timeout or check the node',
              },
            );
            stream.signal('KILL');
            stream.close();
            reject(failure);
          }, timeoutMs);
    stream.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > limit)
        fail(new SshCommandError('channel', `${what} printed more than ${limit} bytes`, { node }));
      else out.push(chunk);
    });
    stream.stderr.on('data', (chunk: Buffer) => {
      errBytes += chunk.length;
      if (errBytes <= limit) err.push(chunk);
    });
    stream.on('exit', (c: number | null, sig?: string) => {
      if (typeof c === 'number') code = c;
      else signal = sig ?? 'unknown';
    });
    stream.on('close', () => {
      if (timer) clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (failure) return reject(failure);
      if (code !== undefined) return resolve({ code, stdout, stderr });
      if (signal !== undefined) {
        return reject(
          new SshCommandError('signal', `${what} was killed by signal ${signal}`, {
            node,
            hint: 'something on the node killed the command (OOM killer, a reboot, an operator)',
          }),
        );
      }
      const why = session.lostReason();
      reject(
        new SshCommandError(
          'lost',
          `${what} ended without an exit status${why ? ` (${why})` : ''}: the node died or dropped the connection`,
          {
            node,
            hint: 'check that the node is powered on and its network link is up, then rerun',
          },
        ),
      );
    });
  });
}
