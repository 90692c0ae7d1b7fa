// `picocal status`'s work: per node one SSH connection and one scrape of Felix's metrics on the node's
// loopback. A node that cannot be reached is a row, not an exception: the run ends within the timeout.
import type { NewHostKey } from '../../ssh/host-verifier.js';
import { PicocalError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import { SshPool } from '../../ssh/ssh-pool.js';
import { sshTargetFor, type SshTarget } from '../../ssh/ssh-target.js';
import { felixStatus } from './felix-status.js';
import { ExpositionError, parseExposition } from './prometheus-text.js';
import { SCRAPE_EXIT, scrapeArgv } from './scrape-script.js';
import type { NodeStatus, StatusReport } from './status-types.js';

export interface StatusOptions {
  nodes?: readonly string[];
  /** Per node: login and scrape together. */
  timeoutMs: number;
  acceptNewHostKeys?: boolean;
  /** Prints a host key recorded under --accept-new-host-keys. */
  onNewHostKey?: (k: NewHostKey) => void;
  signal?: AbortSignal;
}

function addressOf(t: SshTarget): string {
  return t.port === 22 ? t.host : `${t.host}:${t.port}`;
}

function metricsHint(inv: Inventory, port: number): string {
  return inv.cluster.metrics.enabled
    ? `Felix serves no metrics on 127.0.0.1:${port}: rerun picocal bootstrap (it sets FelixConfiguration prometheusMetricsEnabled) and check calico-node on this node`
    : `metrics are off in ${inv.file}: set metrics.enabled: true under the cluster settings and rerun picocal bootstrap`;
}

async function scrapeNode(
  pool: SshPool,
  target: SshTarget,
  inv: Inventory,
  timeoutMs: number,
): Promise<NodeStatus> {
  const deadline = Date.now() + timeoutMs;
  const port = inv.cluster.metrics.felix_port;
  const base = { name: target.node, address: addressOf(target) };
  const session = await pool.session(target);
  const limit = Math.max(1, Math.floor((deadline - Date.now()) / 1000) - 1);
  const r = await session.exec(scrapeArgv(port, limit), { timeoutMs: Math.max(1500, deadline - Date.now()) });
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop()?.trim() || `exit code ${r.code}`;
    const problem =
      r.code === SCRAPE_EXIT.noClient
        ? 'no curl, wget or python3 on the node to read the metrics with'
        : `no metrics on 127.0.0.1:${port} (${why})`;
    return {
      ...base,
      reachable: true,
      ok: false,
      felix: null,
      problems: [problem],
      hint:
        r.code === SCRAPE_EXIT.noClient
          ? 'install curl on the node (apt-get install curl)'
          : metricsHint(inv, port),
    };
  }
  try {
    const felix = felixStatus(parseExposition(r.stdout));
    return { ...base, reachable: true, ok: felix.problems.length === 0, felix, problems: felix.problems };
  } catch (err) {
    if (!(err instanceof ExpositionError)) throw err;
    return {
      ...base,
      reachable: true,
      ok: false,
      felix: null,
      problems: [`127.0.0.1:${port}/metrics is not Prometheus text: ${err.message}`],
      hint: `check that port ${port} on the node is Felix's metrics port (metrics.felix_port in the inventory)`,
    };
  }
}

function unreachable(target: SshTarget, err: unknown): NodeStatus {
  const message = err instanceof Error ? err.message : String(err);
  const hint = err instanceof PicocalError ? err.hint : undefined;
  return {
    name: target.node,
    address: addressOf(target),
    reachable: false,
    ok: false,
    felix: null,
    problems: [`unreachable: ${message}`],
    ...(hint ? { hint } : {}),
  };
}

export async function scrapeNodes(inv: Inventory, opts: StatusOptions): Promise<StatusReport> {
  const started = Date.now();
  const hosts = opts.nodes ? inv.hosts.filter((h) => opts.nodes?.includes(h.name)) : inv.hosts;
  const targets = hosts.map((h) => sshTargetFor(inv, h));
  const pool = new SshPool({
    connectTimeoutMs: opts.timeoutMs,
    acceptNewHostKeys: opts.acceptNewHostKeys ?? false,
    ...(opts.onNewHostKey ? { onNewHostKey: opts.onNewHostKey } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // Ctrl-C: closing the connections ends running scrapes now rather than at the timeout.
  const onAbort = () => pool.close();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const settled = await pool.forEach(targets, (t) => scrapeNode(pool, t, inv, opts.timeoutMs));
    return {
      metricsPort: inv.cluster.metrics.felix_port,
      metricsEnabled: inv.cluster.metrics.enabled,
      nodes: settled.map((s) => (s.ok ? s.value : unreachable(s.target, s.error))),
      durationMs: Date.now() - started,
    };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    pool.close();
  }
}
