// What the provisioning phases share during one run. Runtime results (Ansible's outcome per board, health)
// are kept here, apart from the inventory, and never written back to it.
import type { ProgressTracker } from '../ansible/node-progress.js';
import type { ArtifactSet } from '../artifacts/artifacts.js';
import type { CalicoctlSet } from '../artifacts/calicoctl.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import type { Changes } from '../core/changes.js';
import type { Reporter } from '../core/reporter.js';
import type { RunFolder } from '../core/run-folder.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import type { HealthReport } from '../health/health-types.js';
import type { Inventory } from '../inventory/types.js';

export interface ProvisionContext {
  inventory: Inventory;
  out: Reporter;
  /** The one path every change of this run takes (a dry run plans instead). */
  changes: Changes;
  /** The run's SSH connections (one pool per run, closed by the workflow). */
  pool: SshPool;
  /** kubectl and files on the control plane, over `pool`. */
  shell: ClusterShell;
  /** The dry run's lock check could reach the control plane (checks against it are worth running). */
  controlPlaneReached: boolean;
  signal: AbortSignal;
  run: RunFolder;
  renderDir: string;
  /** Where Calico's release files come from (chosen once, by the CLI). */
  releaseSource: ReleaseSource;
  /** Boards this run may touch; undefined = all. */
  limit: string[] | undefined;
  artifacts?: ArtifactSet;
  /** calicoctl binaries for the boards' architectures (and which could not be had). */
  calicoctl?: CalicoctlSet;
  tracker?: ProgressTracker;
  ansibleExitCode?: number;
  health?: HealthReport;
  /** --allow-unsupported-kubernetes: go on (loudly) when Calico is not tested with the cluster's Kubernetes. */
  allowUnsupportedKubernetes?: boolean;
  /** Extra environment for child processes (tests). */
  env?: Record<string, string>;
}

export function targetHosts(ctx: ProvisionContext) {
  return ctx.inventory.hosts.filter((h) => !ctx.limit || ctx.limit.includes(h.name));
}
