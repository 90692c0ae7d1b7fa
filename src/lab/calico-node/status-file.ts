// LAB ONLY: the files through which the operator stand-in and the calico-node stand-ins talk, in
// `<lab dir>/calico-node/`: the operator writes `<node>.config.json` (what Calico config says the
// node should do), the stand-in writes `<node>.status.json` twice a second (its health: what a
// kubelet readiness probe would see).
import { join } from 'node:path';

export interface NodeConfig {
  /** Felix Prometheus port when metrics are enabled, else null. */
  metricsPort: number | null;
  /** The first IP pool's encapsulation (VXLAN, VXLANCrossSubnet, IPIP, …, None). */
  encapsulation: string;
  clusterNumHosts: number;
}

export interface NodeStatus {
  node: string;
  pod: string;
  version: string;
  pid: number;
  live: boolean;
  ready: boolean;
  detail: string;
  /** ms since the epoch; a status older than a few seconds means the stand-in is gone. */
  at: number;
}

export const CALICO_NODE_DIR = 'calico-node';

export function statusFile(labDir: string, node: string): string {
  return join(labDir, CALICO_NODE_DIR, `${node}.status.json`);
}

export function configFile(labDir: string, node: string): string {
  return join(labDir, CALICO_NODE_DIR, `${node}.config.json`);
}

export function logFile(labDir: string, node: string): string {
  return join(labDir, CALICO_NODE_DIR, `${node}.log`);
}
