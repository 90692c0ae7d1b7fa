// A loaded, validated inventory: what every workflow works from. Runtime facts about hosts (kernel,
// arch as detected) live elsewhere and are never written back here.
import type { ClusterSettings } from './schema.js';

export type NodeRole = 'control-plane' | 'worker';

export interface InventoryHost {
  name: string;
  address: string;
  role: NodeRole;
  groups: string[];
  ssh: {
    user: string;
    port: number;
    privateKey: string | undefined;
    knownHosts: string;
    jumpHost: string | undefined;
  };
  board: string | undefined;
  /** Declared architecture, when the inventory says; preflight detects the real one. */
  arch: string | undefined;
  cmdlinePath: string;
  labels: Record<string, string>;
}

export interface Inventory {
  /** Absolute path of the inventory file. */
  file: string;
  cluster: ClusterSettings & { kubernetes: { kubeconfig: string } };
  hosts: InventoryHost[];
  /** The host kubectl runs on: the first control-plane host. */
  controlPlane: InventoryHost;
}
