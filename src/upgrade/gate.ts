// Follows the operator's rollout from outside, one observation every poll interval: the calico-node pods,
// Felix /readiness on each board (verifyCluster over SSH, expecting the target version), TigeraStatus and
// the Installation's reported version. Feeds gate-state.ts and stops at the first failed node, when every
// node is healthy, when the rollout stalls, or at Ctrl-C (a safe point: picocal only watches here).
import type { NewHostKey } from '../ssh/host-verifier.js';
import { verifyCluster } from '../health/verify-cluster.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { Inventory } from '../inventory/types.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import {
  outcome,
  startGate,
  stepNode,
  unreadyNodes,
  type GateSettings,
  type NodeGate,
  type NodeObservation,
  type Observation,
} from './gate-state.js';

export interface GateRun {
  inventory: Inventory;
  shell: ClusterShell;
  nodes: readonly string[];
  skipped: readonly string[];
  fromVersions: ReadonlyMap<string, string | null>;
  settings: GateSettings;
  /** Installation.status.calicoVersion must report the target (false when nodes are skipped). */
  requireInstalled: boolean;
  pollMs: number;
  sshTimeoutMs: number;
  acceptNewHostKeys: boolean;
  /** Prints a host key recorded under --accept-new-host-keys. */
  onNewHostKey?: (k: NewHostKey) => void;
  signal: AbortSignal;
  /** The run's SSH pool: every poll reuses its sessions (no new login per board per poll). */
  pool?: SshPool;
  onNode?: (g: NodeGate) => void;
  onUnready?: (names: string[], at: number) => void;
}

export interface GateResult {
  outcome: 'done' | 'failed' | 'interrupted';
  gates: NodeGate[];
  startedAt: number;
  finishedAt: number;
  maxUnready: number;
  /** Nodes unready at the moment the most were. */
  maxUnreadyNodes: string[];
  /** The first node that failed, and why (a stalled rollout names `cluster`). */
  failure: { node: string; reason: string; at: number } | undefined;
  lastDegraded: string | undefined;
}

interface TigeraStatusDoc {
  status?: { conditions?: { type?: string; status?: string; message?: string; reason?: string }[] };
}

async function degradedMessage(shell: ClusterShell): Promise<string | undefined> {
  const r = await shell.kubectlRaw(['get', 'tigerastatus', 'calico', '-o', 'json'], { timeoutMs: 20_000 });
  if (r.code !== 0) return undefined;
  try {
    const c = ((JSON.parse(r.stdout) as TigeraStatusDoc).status?.conditions ?? []).find(
      (x) => x.type === 'Degraded',
    );
    return c?.status === 'True' ? c.message || c.reason || 'Degraded' : undefined;
  } catch {
    return undefined;
  }
}

export async function observe(
  run: Pick<
    GateRun,
    | 'inventory'
    | 'shell'
    | 'nodes'
    | 'settings'
    | 'sshTimeoutMs'
    | 'acceptNewHostKeys'
    | 'onNewHostKey'
    | 'pool'
  >,
): Promise<Observation> {
  const inv = {
    ...run.inventory,
    cluster: { ...run.inventory.cluster, calico_version: run.settings.target.replace(/^v/, '') },
  };
  const [report, degraded] = await Promise.all([
    verifyCluster(inv, {
      nodes: run.nodes,
      timeoutMs: run.sshTimeoutMs,
      acceptNewHostKeys: run.acceptNewHostKeys,
      ...(run.onNewHostKey ? { onNewHostKey: run.onNewHostKey } : {}),
      ...(run.pool ? { pool: run.pool } : {}),
      // Boards get the new calicoctl after the rollout; it is not part of the data path being gated.
      calicoctlVersion: null,
    }),
    degradedMessage(run.shell).catch(() => undefined),
  ]);
  const nodes = new Map<string, NodeObservation>();
  for (const n of report.nodes) {
    nodes.set(n.name, {
      reachable: n.reachable,
      podReady: n.pod === 'missing' || n.pod === 'unknown' ? undefined : n.pod === 'Ready',
      version: n.version,
      healthy: n.healthy,
      problems: n.problems,
    });
  }
  return { at: Date.now(), nodes, degraded, installedVersion: report.cluster.installedVersion };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export async function runGate(run: GateRun): Promise<GateResult> {
  const startedAt = Date.now();
  let gates = [...run.nodes, ...run.skipped].map((n) =>
    startGate(n, run.skipped.includes(n), run.fromVersions.get(n) ?? null),
  );
  for (const g of gates) run.onNode?.(g);
  let maxUnready = 0;
  let maxUnreadyNodes: string[] = [];
  let lastProgress = startedAt;
  let lastDegraded: string | undefined;
  const finish = (o: GateResult['outcome'], failure?: GateResult['failure']): GateResult => ({
    outcome: o,
    gates,
    startedAt,
    finishedAt: Date.now(),
    maxUnready,
    maxUnreadyNodes,
    failure,
    lastDegraded,
  });
  for (;;) {
    if (run.signal.aborted) return finish('interrupted');
    const obs = await observe(run);
    if (run.signal.aborted) return finish('interrupted');
    lastDegraded = obs.degraded ?? lastDegraded;
    const unready = unreadyNodes(gates, obs);
    run.onUnready?.(unready, obs.at);
    if (unready.length > maxUnready) {
      maxUnready = unready.length;
      maxUnreadyNodes = unready;
    }
    const next = gates.map((g) => stepNode(g, obs.nodes.get(g.name), obs, run.settings));
    next.forEach((g, i) => {
      if (g.phase !== gates[i]!.phase || g.version !== gates[i]!.version) {
        lastProgress = obs.at;
        run.onNode?.(g);
      }
    });
    gates = next;
    const o = outcome(gates, obs, run.settings.target, run.requireInstalled);
    if (o === 'done') return finish('done');
    if (o === 'failed') {
      const f = gates.find((g) => g.phase === 'failed')!;
      return finish('failed', { node: f.name, reason: f.reason ?? 'failed', at: obs.at });
    }
    if (obs.at - lastProgress > run.settings.nodeTimeoutMs) {
      const waiting = gates.filter((g) => g.phase === 'waiting').map((g) => g.name);
      const reason = waiting.length
        ? `the rollout to ${run.settings.target} stalled: no node changed for ${Math.round(run.settings.nodeTimeoutMs / 1000)} s (still waiting: ${waiting.join(', ')})`
        : `every node is healthy, but the Installation still reports ${obs.installedVersion ?? 'no version'} instead of ${run.settings.target}`;
      return finish('failed', { node: 'cluster', reason, at: obs.at });
    }
    await sleep(Math.max(0, run.pollMs - (Date.now() - obs.at)), run.signal);
  }
}
