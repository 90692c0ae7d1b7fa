// `picocal policy denied`'s work: per node one SSH connection and one read of the kernel log's
// `calico-packet` lines, and on the control plane one `kubectl get pods -A` to put pod names on the
// addresses. An unreachable node is a result with its error; the others still show their packets.
import type { NewHostKey } from '../../ssh/host-verifier.js';
import { PicocalError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import type { LoadedObject } from '../../policy/load/read-objects.js';
import { SshPool } from '../../ssh/ssh-pool.js';
import { sshTargetFor, type SshTarget } from '../../ssh/ssh-target.js';
import { ClusterShell } from '../../cluster/cluster-shell.js';
import { collectArgv, parseCollectOutput } from './collect-script.js';
import { logEpoch } from './log-time.js';
import { mapToPods, podAddresses, type MappedEntry, type PodAddress } from './map-pods.js';
import { parseDeniedLines } from './parse.js';

/** Lines read per node per call: a flood of denies must not fill the SSH channel or the terminal. */
export const MAX_LINES = 5000;

export interface NodeLog {
  name: string;
  reachable: boolean;
  /** `journalctl`, the log file read, or `none` when the node has neither. */
  source: string | null;
  error?: string;
  hint?: string;
}

export interface DeniedBatch {
  nodes: NodeLog[];
  /** New packets only: in follow mode, lines already returned are not returned again. */
  entries: MappedEntry[];
  /** Why pod names are missing, when the cluster could not be asked. */
  podsError?: string;
}

export interface CollectorOptions {
  nodes?: readonly string[];
  timeoutMs: number;
  acceptNewHostKeys?: boolean;
  /** Prints a host key recorded under --accept-new-host-keys. */
  onNewHostKey?: (k: NewHostKey) => void;
  signal?: AbortSignal;
}

function toObjects(list: unknown): LoadedObject[] {
  const items = (list as { items?: unknown })?.items;
  if (!Array.isArray(items)) return [];
  const location = { file: 'kubectl get pods -A', line: 1, column: 1 };
  return items
    .filter((i): i is Record<string, unknown> => typeof i === 'object' && i !== null)
    .map((value) => ({
      apiVersion: typeof value['apiVersion'] === 'string' ? value['apiVersion'] : 'v1',
      kind: typeof value['kind'] === 'string' ? value['kind'] : 'Pod',
      value,
      location,
      at: () => location,
    }));
}

export class DeniedCollector {
  private readonly pool: SshPool;
  private readonly targets: SshTarget[];
  private readonly cluster: ClusterShell;
  /** Lines already returned, per node (follow mode re-reads an overlapping window). */
  private readonly seen = new Map<string, Set<string>>();

  constructor(
    private readonly inv: Inventory,
    private readonly opts: CollectorOptions,
  ) {
    const hosts = opts.nodes ? inv.hosts.filter((h) => opts.nodes?.includes(h.name)) : inv.hosts;
    this.targets = hosts.map((h) => sshTargetFor(inv, h));
    this.pool = new SshPool({
      connectTimeoutMs: opts.timeoutMs,
      acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
      ...(opts.onNewHostKey ? { onNewHostKey: opts.onNewHostKey } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    this.cluster = new ClusterShell(this.pool, inv, opts.timeoutMs);
  }

  /** Packets logged in the last `sinceSeconds` (by each node's clock) that were not returned before. */
  async collect(sinceSeconds: number): Promise<DeniedBatch> {
    const [settled, pods] = await Promise.all([
      this.pool.forEach(this.targets, (t) => this.readNode(t, sinceSeconds)),
      this.podAddresses(),
    ]);
    const nodes: NodeLog[] = [];
    const fresh = [];
    for (const s of settled) {
      if (s.ok) {
        nodes.push(s.value.log);
        fresh.push(...s.value.entries);
      } else {
        const e = s.error;
        nodes.push({
          name: s.target.node,
          reachable: false,
          source: null,
          error: e instanceof Error ? e.message : String(e),
          ...(e instanceof PicocalError && e.hint ? { hint: e.hint } : {}),
        });
      }
    }
    return {
      nodes,
      entries: mapToPods(fresh, 'addresses' in pods ? pods.addresses : []),
      ...('error' in pods ? { podsError: pods.error } : {}),
    };
  }

  close(): void {
    this.pool.close();
  }

  private async podAddresses(): Promise<{ addresses: PodAddress[] } | { error: string }> {
    try {
      return { addresses: podAddresses(toObjects(await this.cluster.kubectlJson(['get', 'pods', '-A']))) };
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  private async readNode(target: SshTarget, sinceSeconds: number) {
    const session = await this.pool.session(target);
    const sudo = target.user !== 'root';
    const r = await session.exec(collectArgv(sinceSeconds, MAX_LINES, sudo), {
      timeoutMs: this.opts.timeoutMs,
    });
    if (r.code !== 0) {
      const why = r.stderr.trim().split('\n').pop()?.trim() || `exit code ${r.code}`;
      return {
        log: {
          name: target.node,
          reachable: true,
          source: null,
          error: `cannot read the kernel log: ${why}`,
          hint: sudo
            ? `let ${target.user} run sudo without a password on ${target.node}, or log in as root`
            : 'read it by hand: journalctl -k | grep calico-packet',
        } satisfies NodeLog,
        entries: [],
      };
    }
    const out = parseCollectOutput(r.stdout);
    const now = out.nowEpoch ?? Date.now() / 1000;
    const seen = this.seen.get(target.node) ?? new Set<string>();
    this.seen.set(target.node, seen);
    const lines = out.text.split('\n');
    const entries = parseDeniedLines(out.text, target.node).filter((e) => {
      const raw = lines[e.line - 1] ?? '';
      if (seen.has(raw)) return false;
      seen.add(raw);
      // The journal was asked for the window already; a log file holds everything, so judge each line.
      if (out.source === 'journalctl' || e.time === undefined) return true;
      const at = logEpoch(e.time, now, out.offsetMinutes);
      return at === undefined || at >= now - sinceSeconds;
    });
    const log: NodeLog = {
      name: target.node,
      reachable: true,
      source: out.source,
      ...(out.source === 'none'
        ? {
            error: 'no kernel log found (no journal, /var/log/kern.log or /var/log/messages)',
            hint: 'install rsyslog or keep a systemd journal on the node',
          }
        : {}),
    };
    return { log, entries };
  }
}
