// What `picocal verify` finds: one result per node and the cluster-side checks. Runtime facts only;
// nothing here is written back to the inventory.

export interface Check {
  /** Stable, kebab-case: felix-readiness, encapsulation-link, pod-ready, ... */
  name: string;
  ok: boolean;
  detail: string;
}

export type FelixState = 'ready' | 'not-ready' | 'not-live' | 'no-answer' | 'unknown';
export type PodState = 'Ready' | 'NotReady' | 'missing' | 'unknown';

export interface NodeHealth {
  name: string;
  address: string;
  role: 'control-plane' | 'worker';
  reachable: boolean;
  healthy: boolean;
  /** Calico version the node's calico-node pod runs (its image tag, e.g. v3.32.1). */
  version: string | null;
  arch: string | null;
  kernel: string | null;
  felix: FelixState;
  pod: PodState;
  checks: Check[];
  /** One line per failed check: what the table's PROBLEMS column shows. */
  problems: string[];
  /** Why the node could not be checked at all (SSH), with what to do about it. */
  error?: { code: string; message: string; hint?: string };
}

export interface ClusterSide {
  /** kubectl on the control plane answered (false: control plane unreachable or kubectl failed). */
  queried: boolean;
  /** Installation.status.calicoVersion: the version the operator finished rolling out. */
  installedVersion: string | null;
  checks: Check[];
  problems: string[];
  /**
   * Cluster-wide checks that do not decide the result: when only some nodes are verified, TigeraStatus
   * may be degraded because of a node nobody asked about.
   */
  advisory: boolean;
}

export interface HealthReport {
  healthy: boolean;
  /** `v` + the inventory's calico_version. */
  expectedVersion: string;
  /** Set when verify found the cluster on another version than the inventory's (boards judged against it). */
  runningVersion?: string;
  cluster: ClusterSide;
  nodes: NodeHealth[];
  durationMs: number;
}
