// The per-node gate as a pure state machine, fed one observation of the cluster at a time. A node is
// `waiting` while its calico-node pod still runs the old version and is Ready, `upgrading` from the moment
// that is no longer so, and `healthy` only when its pod runs the target version, is Ready, and Felix's
// /readiness answers on the node itself. A node upgrading for longer than the node timeout, or while the
// operator reports Degraded, has `failed`.

export type NodePhase = 'waiting' | 'upgrading' | 'healthy' | 'failed' | 'skipped';

export interface NodeGate {
  name: string;
  phase: NodePhase;
  /** Version the node ran when the gate started (pod image tag, e.g. v3.31.7). */
  fromVersion: string | null;
  /** Version its pod runs now. */
  version: string | null;
  startedAt: number | undefined;
  healthyAt: number | undefined;
  /**
   * Last observation that saw the node untouched on its old version. A node that goes from that to healthy
   * between two observations is timed from there: its time to healthy is then an upper bound (at most one
   * poll interval too long), never a 0 that was not measured.
   */
  seenOldAt?: number | undefined;
  /** Why it failed, or what it waits for. */
  reason: string | undefined;
}

export interface NodeObservation {
  reachable: boolean;
  /** undefined: no calico-node pod on the node right now (being replaced). */
  podReady: boolean | undefined;
  version: string | null;
  /** Every health check passed for the expected (target) version. */
  healthy: boolean;
  problems: string[];
}

export interface Observation {
  at: number;
  nodes: Map<string, NodeObservation>;
  /** TigeraStatus calico Degraded, with the operator's message. */
  degraded: string | undefined;
  installedVersion: string | null;
}

export interface GateSettings {
  target: string;
  nodeTimeoutMs: number;
  /** Fail a node that is upgrading while the operator says Degraded (off during a rollback: wait it out). */
  failOnDegraded: boolean;
}

export function startGate(name: string, skipped: boolean, fromVersion: string | null): NodeGate {
  return {
    name,
    phase: skipped ? 'skipped' : 'waiting',
    fromVersion,
    version: fromVersion,
    startedAt: undefined,
    healthyAt: undefined,
    reason: skipped ? 'skipped (--skip-node)' : undefined,
  };
}

const bare = (v: string | null) => (v ?? '').replace(/^v/, '');

export function stepNode(
  g: NodeGate,
  o: NodeObservation | undefined,
  obs: Observation,
  s: GateSettings,
): NodeGate {
  if (g.phase === 'skipped' || g.phase === 'failed' || g.phase === 'healthy') return g;
  const now = obs.at;
  const version = o?.version ?? g.version;
  const onTarget = bare(version) === bare(s.target);
  if (o && o.healthy && onTarget) {
    return {
      ...g,
      phase: 'healthy',
      version,
      // Neither seen upgrading nor seen old (rolled during the apply, before the first poll): not timed.
      startedAt: g.startedAt ?? g.seenOldAt,
      healthyAt: now,
      reason: undefined,
    };
  }
  const untouched =
    o !== undefined && o.podReady === true && !onTarget && bare(version) === bare(g.fromVersion);
  if (untouched && g.phase === 'waiting') return { ...g, version, seenOldAt: now };
  const startedAt = g.startedAt ?? now;
  const why = !o
    ? 'no answer from the node'
    : !o.reachable
      ? `unreachable: ${o.problems[0] ?? ''}`
      : o.podReady === undefined
        ? 'calico-node pod being replaced'
        : o.problems.join('; ') || 'not healthy yet';
  if (now - startedAt > s.nodeTimeoutMs) {
    return {
      ...g,
      phase: 'failed',
      version,
      startedAt,
      reason: `not healthy on ${s.target} within ${Math.round(s.nodeTimeoutMs / 1000)} s: ${why}`,
    };
  }
  if (s.failOnDegraded && obs.degraded !== undefined && onTarget) {
    return {
      ...g,
      phase: 'failed',
      version,
      startedAt,
      reason: `the operator reports Degraded while ${g.name} is not healthy on ${s.target} (${why}): ${obs.degraded}`,
    };
  }
  return { ...g, phase: 'upgrading', version, startedAt, reason: why };
}

/** Nodes whose calico-node is not Ready right now: what maxUnavailable bounds. */
export function unreadyNodes(gates: readonly NodeGate[], obs: Observation): string[] {
  return gates
    .filter((g) => g.phase !== 'skipped')
    .filter((g) => {
      const o = obs.nodes.get(g.name);
      return !o || o.podReady !== true;
    })
    .map((g) => g.name);
}

export type GateOutcome = 'running' | 'done' | 'failed';

export function outcome(
  gates: readonly NodeGate[],
  obs: Observation,
  target: string,
  requireInstalled: boolean,
): GateOutcome {
  if (gates.some((g) => g.phase === 'failed')) return 'failed';
  const all = gates.every((g) => g.phase === 'healthy' || g.phase === 'skipped');
  if (!all) return 'running';
  return !requireInstalled || bare(obs.installedVersion) === bare(target) ? 'done' : 'running';
}
