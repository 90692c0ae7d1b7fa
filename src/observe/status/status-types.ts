// `picocal status`'s report: one row per node, as the table and `--output json` show it.
import type { FelixStatus } from './felix-status.js';

export interface NodeStatus {
  name: string;
  address: string;
  reachable: boolean;
  /** The scrape answered and Felix is in sync. */
  ok: boolean;
  felix: FelixStatus | null;
  problems: string[];
  hint?: string;
}

export interface StatusReport {
  metricsPort: number;
  metricsEnabled: boolean;
  nodes: NodeStatus[];
  durationMs: number;
}
