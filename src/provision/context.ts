// What the provisioning phases share during one run. Runtime results (Ansible's outcome per board, health)
// are kept here, apart from the inventory, and never written back to it.
import type { ProgressTracker } from '../ansible/node-progress.js';
import type { ArtifactSet } from '../artifacts/artifacts.js';
import type { CalicoctlSet } from '../artifacts/calicoctl.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import type { Output } from '../cli/output.js';
import type { HealthReport } from '../health/health-types.js';
import type { Inventory } from '../inventory/types.js';
import type { RunFolder } from '../core/run-folder.js';

export interface ProvisionContext {
  inventory: Inventory;
  out: Output;
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
  /** Extra environment for child processes (tests). */
  env?: Record<string, string>;
}

export function targetHosts(ctx: ProvisionContext) {
  return ctx.inventory.hosts.filter((h) => !ctx.limit || ctx.limit.includes(h.name));
}
