// The control plane as every workflow uses it: kubectl, a few file operations and the server-side apply
// of a manifest, over the run's one SSH
// connection to that board. Commands are argv arrays (quoted by the SSH layer); a non-root login runs them
// through `sudo -n`, because k3s keeps its kubeconfig and /var/lib/picocal root-only.
import type { Inventory } from '../inventory/types.js';
import type { ExecResult } from '../ssh/ssh-session.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { sshTargetFor, type SshTarget } from '../ssh/ssh-target.js';
import { ClusterCommandError } from './errors.js';

export const STATE_DIR = '/var/lib/picocal';

export interface ShellOptions {
  stdin?: string;
  timeoutMs?: number;
}

export class ClusterShell {
  readonly target: SshTarget;
  readonly node: string;
  private readonly sudo: boolean;

  constructor(
    private readonly pool: SshPool,
    private readonly inv: Inventory,
    private readonly commandTimeoutMs = 60_000,
  ) {
    this.target = sshTargetFor(inv, inv.controlPlane);
    this.node = inv.controlPlane.name;
    this.sudo = inv.controlPlane.ssh.user !== 'root';
  }

  async exec(argv: readonly string[], opts: ShellOptions = {}): Promise<ExecResult> {
    const session = await this.pool.session(this.target);
    return session.exec(this.sudo ? ['sudo', '-n', ...argv] : argv, {
      ...(opts.stdin !== undefined ? { stdin: opts.stdin } : {}),
      timeoutMs: opts.timeoutMs ?? this.commandTimeoutMs,
    });
  }

  /** Runs kubectl; resolves with its result whatever the exit code. */
  kubectlRaw(args: readonly string[], opts: ShellOptions = {}): Promise<ExecResult> {
    const k = this.inv.cluster.kubernetes;
    const limit = Math.max(5, Math.floor((opts.timeoutMs ?? this.commandTimeoutMs) / 1000) - 2);
    return this.exec([k.kubectl, '--kubeconfig', k.kubeconfig, `--request-timeout=${limit}s`, ...args], opts);
  }

  /** Runs kubectl and throws, naming the command and kubectl's first error line, unless it exits 0. */
  async kubectl(args: readonly string[], opts: ShellOptions = {}): Promise<string> {
    const r = await this.kubectlRaw(args, opts);
    if (r.code !== 0) throw this.kubectlError(args, r);
    return r.stdout;
  }

  /** The error for a kubectl run that failed: the command, kubectl's first error line, what to do. */
  kubectlError(args: readonly string[], r: ExecResult): ClusterCommandError {
    const why = r.stderr.trim().split('\n')[0] ?? `exit code ${r.code}`;
    return new ClusterCommandError(
      `kubectl ${args.filter((a) => a !== '-').join(' ')} failed on ${this.node}: ${why}`,
      {
        node: this.node,
        hint:
          r.code === 127
            ? `install kubectl on ${this.node}`
            : 'look at the cluster with kubectl on the control plane',
      },
    );
  }

  async kubectlJson<T>(args: readonly string[]): Promise<T> {
    const text = await this.kubectl([...args, '-o', 'json']);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ClusterCommandError(`kubectl ${args.join(' ')} on ${this.node} did not print JSON`, {
        node: this.node,
      });
    }
  }

  /** A file's content, or undefined when it does not exist. */
  async readFile(path: string): Promise<string | undefined> {
    const r = await this.exec(['sh', '-c', 'if [ -f "$1" ]; then cat "$1"; else exit 3; fi', 'sh', path]);
    if (r.code === 3) return undefined;
    if (r.code !== 0)
      throw new ClusterCommandError(`cannot read ${path} on ${this.node}: ${r.stderr.trim()}`, {
        node: this.node,
      });
    return r.stdout;
  }

  /** Writes a file whole (temporary file, then rename): a reader never sees half of it. */
  async writeFile(path: string, content: string): Promise<void> {
    const r = await this.exec(
      ['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"', 'sh', path],
      { stdin: content },
    );
    if (r.code !== 0)
      throw new ClusterCommandError(`cannot write ${path} on ${this.node}: ${r.stderr.trim()}`, {
        node: this.node,
      });
  }

  /**
   * A manifest's one way onto the cluster: staged under /var/lib/picocal/staged, applied with `kubectl
   * apply --server-side --force-conflicts`, then recorded under applied/ exactly as the operator role records
   * it, so a later `picocal bootstrap` sees what is really installed.
   */
  async applyManifest(name: string, content: string): Promise<void> {
    const staged = `${STATE_DIR}/staged/${name}`;
    await this.writeFile(staged, content);
    // The real API server takes a while for a big CRD bundle on a Pi: give kubectl room.
    await this.kubectl(['apply', '--server-side', '--force-conflicts', '-f', staged], { timeoutMs: 180_000 });
    await this.writeFile(`${STATE_DIR}/applied/${name}`, content);
  }
}
