// SSH failures by class. The class decides whether a retry can help: a refused or timed-out connection
// may succeed a moment later (a board rebooting); bad credentials or a wrong host key never will.
import { SshError, type ErrorDetails } from '../errors.js';
import { HOST_KEY_ALGORITHMS } from './host-key.js';

export type ConnectFailureKind = 'refused' | 'timeout' | 'network' | 'dns' | 'auth' | 'host-key' | 'config';

const RETRYABLE: ReadonlySet<ConnectFailureKind> = new Set(['refused', 'timeout', 'network']);

export class SshConnectError extends SshError {
  readonly kind: ConnectFailureKind;
  readonly address: string;
  constructor(kind: ConnectFailureKind, address: string, message: string, details: ErrorDetails = {}) {
    super(message, details);
    this.kind = kind;
    this.address = address;
  }
  get retryable(): boolean {
    return RETRYABLE.has(this.kind);
  }
  /** The node could not be talked to at all (as opposed to: it answered and we refused it). */
  get unreachable(): boolean {
    return (
      this.kind === 'refused' || this.kind === 'timeout' || this.kind === 'network' || this.kind === 'dns'
    );
  }
}

export type CommandFailureKind = 'lost' | 'signal' | 'timeout' | 'channel';

/** A remote command that did not finish with an exit code: the node died, or the command was killed. */
export class SshCommandError extends SshError {
  readonly kind: CommandFailureKind;
  constructor(kind: CommandFailureKind, message: string, details: ErrorDetails = {}) {
    super(message, details);
    this.kind = kind;
  }
}

interface Ssh2LikeError extends Error {
  code?: string | number;
  level?: string;
}

const NETWORK_CODES = new Set([
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTDOWN',
]);

/** Turns what ssh2 or the socket reports into one classified error naming the node and address. */
export function classifyConnectError(
  err: unknown,
  node: string,
  address: string,
  timeoutMs: number,
): SshConnectError {
  if (err instanceof SshConnectError) return err;
  const e = (err instanceof Error ? err : new Error(String(err))) as Ssh2LikeError;
  const where = `${node} (${address})`;
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code === 'ECONNREFUSED') {
    return new SshConnectError(
      'refused',
      address,
      `cannot reach ${where}: connection refused (is sshd running?)`,
      {
        node,
        hint: 'check that the board is powered on and sshd is running, and that the inventory address and port are right',
        cause: err,
      },
    );
  }
  if (e.level === 'client-timeout' || /timed out/i.test(e.message)) {
    return new SshConnectError(
      'timeout',
      address,
      `cannot reach ${where}: no SSH handshake within ${(timeoutMs / 1000).toFixed(1)} s`,
      {
        node,
        hint: 'the board is off, partitioned or overloaded: check its power and network link, or raise --timeout',
        cause: err,
      },
    );
  }
  if (code && NETWORK_CODES.has(code)) {
    return new SshConnectError('network', address, `cannot reach ${where}: ${code}`, {
      node,
      hint: 'check the board network link and the route from this machine to it',
      cause: err,
    });
  }
  if (e.level === 'client-dns' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new SshConnectError('dns', address, `cannot resolve ${where}`, {
      node,
      hint: 'use an IP address or a name this machine resolves in the inventory (ansible_host)',
      cause: err,
    });
  }
  if (e.level === 'client-authentication') {
    return new SshConnectError('auth', address, `${where} refused the login: ${e.message}`, {
      node,
      hint: 'check ansible_user and ansible_ssh_private_key_file (or the keys in your ssh-agent) for this node',
      cause: err,
    });
  }
  if (/no matching host key format/i.test(e.message)) {
    // The server signs only with algorithms picocal does not offer: in practice `ssh-rsa` (SHA-1), which
    // OpenSSH >= 8.8 refuses by default too. Not retryable: the board's sshd configuration must change.
    return new SshConnectError(
      'host-key',
      address,
      `${where} offers no host key algorithm picocal accepts (${HOST_KEY_ALGORITHMS.join(', ')}); ` +
        'picocal refuses ssh-rsa (RSA with SHA-1 signatures) and ssh-dss host keys, as OpenSSH 8.8 and later do',
      {
        node,
        hint:
          'check what the board offers (ssh-keyscan -p PORT ADDRESS); on the board, give sshd an ed25519 host key ' +
          "(ssh-keygen -A creates the missing ones, then 'HostKey /etc/ssh/ssh_host_ed25519_key' in sshd_config) " +
          'or remove a HostKeyAlgorithms line that allows only ssh-rsa, restart sshd, and record the new key',
        cause: err,
      },
    );
  }
  if (/privateKey|passphrase|private key/i.test(e.message)) {
    return new SshConnectError('config', address, `cannot use the private key for ${where}: ${e.message}`, {
      node,
      hint: 'use an unencrypted key in ansible_ssh_private_key_file, or load the key into ssh-agent (SSH_AUTH_SOCK)',
      cause: err,
    });
  }
  return new SshConnectError('network', address, `SSH connection to ${where} failed: ${e.message}`, {
    node,
    hint: 'check the board network link and sshd; rerun with --debug for details',
    cause: err,
  });
}
