// What the upgrade phases share during one run: the user's settings, the connections, and the runtime
// facts found on the way (versions, manifests, snapshot, gate result), never written back to the inventory.
import type { CalicoctlSet } from '../artifacts/calicoctl.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import type { Inventory } from '../inventory/types.js';
import type { RunFolder } from '../core/run-folder.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { Changes } from '../core/changes.js';
import type { Reporter } from '../core/reporter.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import type { GateResult } from './gate.js';
import type { Manifest } from './manifests.js';
import type { Snapshot } from './snapshot.js';
import type { VersionStep } from './version-step.js';

export interface UpgradeSettings {
  to: string;
  /** After a successful upgrade, set calico_version in the inventory file to `to`. */
  writeInventory?: boolean;
  maxUnavailable: number;
  nodeTimeoutMs: number;
  skip: string[];
  allowDowngrade: boolean;
  /** --allow-unsupported-kubernetes: go on (loudly) when the target is not tested with the cluster's Kubernetes. */
  allowUnsupportedKubernetes?: boolean;
  rollback: boolean;
  /** Where Calico's release files come from (chosen once, by the CLI). */
  releaseSource: ReleaseSource;
  acceptNewHostKeys: boolean;
  breakLock: boolean;
  pollMs: number;
  sshTimeoutMs: number;
  /** Skip the Ansible preflight of the target version (tests of the gate alone). */
  skipPreflight: boolean;
  /** Extra environment for child processes (tests). */
  env?: Record<string, string>;
}

/** What a rollback came to: its gate on the previous version (none in a dry run), and how long it took. */
export interface RollbackResult {
  gate: GateResult | undefined;
  durationMs: number;
}

export interface UpgradeContext {
  inventory: Inventory;
  settings: UpgradeSettings;
  out: Reporter;
  signal: AbortSignal;
  run: RunFolder;
  changes: Changes;
  pool: SshPool;
  shell: ClusterShell;
  /** Nodes the upgrade gates (inventory order, --skip-node removed). */
  nodes: string[];
  /** Continuing an interrupted run: its snapshot and version step are reused. */
  resume: { from: string } | undefined;
  step?: VersionStep;
  fromVersions?: Map<string, string | null>;
  target?: Manifest[];
  snapshot?: Snapshot;
  gate?: GateResult;
  /** calicoctl for the version the boards end on (the target; the snapshot's after --rollback RUN). */
  calicoctl?: CalicoctlSet;
  /** calicoctl update per board after the rollout: where it failed (named with the step and message). */
  calicoctlFailed?: string[];
  /** When the run started changing things (after the lock), for the report's durations. */
  started: number;
  /** Applying the new manifests failed: where, and why. */
  applyFailure?: { node: string; reason: string; detectedAfterMs: number };
  /** The rollback made (the apply's cleanUp, or --rollback RUN). */
  rollback?: RollbackResult;
}

/** The inventory as if it named another Calico version: what rendering and health checks expect. */
export function inventoryAt(inv: Inventory, version: string, maxUnavailable?: number): Inventory {
  return {
    ...inv,
    cluster: {
      ...inv.cluster,
      calico_version: version.replace(/^v/, ''),
      ...(maxUnavailable !== undefined ? { max_unavailable: maxUnavailable } : {}),
    },
  };
}
