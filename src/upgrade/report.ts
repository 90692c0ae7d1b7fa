// The upgrade's record, written to report.json in the run folder and printed at the end: the outcome,
// per node the old and new version and the time it took to become healthy, the most nodes seen unready
// at once, and, when it failed, which node, why, and how the rollback went.
import { table } from '../core/table.js';
import type { NodeGate } from './gate-state.js';

export type UpgradeResult =
  'upgraded' | 'unchanged' | 'rolled-back' | 'rollback-failed' | 'failed' | 'interrupted';

export interface NodeRecord {
  name: string;
  batch: number | undefined;
  status: NodeGate['phase'] | 'rolled-back' | 'untouched';
  oldVersion: string | null;
  /** The version the node became healthy on during the upgrade (null: it did not). */
  newVersion: string | null;
  /** What it runs at the end (after a rollback: the previous version again). */
  finalVersion: string | null;
  timeToHealthyMs: number | null;
  detail: string | undefined;
}

export interface UpgradeReport {
  /** `rollback`: `--rollback RUN`, putting back the snapshot of an earlier run on request. */
  kind: 'upgrade' | 'rollback';
  runId: string;
  runDir: string;
  cluster: string;
  from: string;
  to: string;
  result: UpgradeResult;
  maxUnavailable: number;
  maxUnreadySeen: number;
  maxUnreadyNodes: string[];
  startedAt: string;
  durationMs: number;
  upgradeMs: number | null;
  failure: { node: string; reason: string; detectedAfterMs: number } | undefined;
  rollback: { durationMs: number; healthy: boolean; version: string; detail: string | undefined } | undefined;
  nodes: NodeRecord[];
  /** Boards left out with --skip-node: not gated, so not known to run the new version. */
  skipped: string[];
  /**
   * calicoctl for the version the boards end on: what was installed (after the rollout), which architectures
   * had none, and the boards where installing it failed. Absent when the run did not get that far.
   */
  calicoctl:
    | {
        files: Array<{ arch: string; sha256: string; source: string }>;
        missing: string[];
        failed: string[];
      }
    | undefined;
  /** What the person should do next. */
  next: string[];
}

export function nodeRecords(gates: readonly NodeGate[], batches: ReadonlyMap<string, number>): NodeRecord[] {
  return gates.map((g) => ({
    name: g.name,
    batch: batches.get(g.name),
    status: g.phase,
    oldVersion: g.fromVersion,
    newVersion: g.phase === 'healthy' ? g.version : null,
    finalVersion: g.version,
    timeToHealthyMs:
      g.healthyAt !== undefined && g.startedAt !== undefined ? g.healthyAt - g.startedAt : null,
    detail: g.reason,
  }));
}

const short = (text: string) => (text.length > 70 ? `${text.slice(0, 67)}...` : text);

const seconds = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? '-' : `${(ms / 1000).toFixed(1)} s`;

export function reportLines(r: UpgradeReport): string[] {
  const skipped = r.skipped.length ? ` except the skipped ${r.skipped.join(', ')}` : '';
  const head: Record<UpgradeResult, string> =
    r.kind === 'rollback' ? rollbackHeads(r) : upgradeHeads(r, skipped);
  const lines = [head[r.result], ''];
  lines.push(
    ...table(
      ['NODE', 'BATCH', 'STATUS', 'OLD', 'NEW', 'TO HEALTHY', 'NOW', 'DETAIL'],
      r.nodes.map((n) => [
        n.name,
        n.batch === undefined ? '-' : String(n.batch),
        n.status,
        n.oldVersion ?? '-',
        n.newVersion ?? '-',
        seconds(n.timeToHealthyMs),
        n.finalVersion ?? '-',
        short(n.detail ?? ''),
      ]),
    ),
  );
  lines.push('');
  lines.push(`most nodes unready at once: ${r.maxUnreadySeen} (maxUnavailable ${r.maxUnavailable})`);
  if (r.failure)
    lines.push(
      `failed: [${r.failure.node}] ${r.failure.reason} (detected after ${seconds(r.failure.detectedAfterMs)})`,
    );
  if (r.rollback) {
    lines.push(
      `rollback to ${r.rollback.version}: ${r.rollback.healthy ? 'every node healthy' : `NOT complete: ${r.rollback.detail ?? ''}`} in ${seconds(r.rollback.durationMs)}`,
    );
  }
  if (r.calicoctl) {
    const installed = r.calicoctl.files.map((f) => `${f.arch} (${f.source})`).join(', ');
    lines.push(
      r.calicoctl.failed.length
        ? `calicoctl: NOT updated on ${r.calicoctl.failed.join('; ')}`
        : installed
          ? `calicoctl: ${installed} installed on the gated boards`
          : `calicoctl: not installed (${r.calicoctl.missing.join('; ') || 'none available'})`,
    );
  }
  lines.push(
    `run folder: ${r.runDir} (${r.kind === 'rollback' ? 'rollback-report.json' : 'report.json'}, snapshot/)`,
  );
  for (const n of r.next) lines.push(`next: ${n}`);
  return lines;
}

function upgradeHeads(r: UpgradeReport, skipped: string): Record<UpgradeResult, string> {
  return {
    upgraded: `Calico upgraded from ${r.from} to ${r.to} on every node${skipped}`,
    unchanged: `Calico already runs ${r.to}: nothing to do`,
    'rolled-back': `upgrade to ${r.to} FAILED and was rolled back to ${r.from}`,
    'rollback-failed': `upgrade to ${r.to} FAILED and the rollback to ${r.from} did not finish`,
    failed: `upgrade to ${r.to} FAILED (no rollback: the cluster is left as it is)`,
    interrupted: `upgrade to ${r.to} interrupted`,
  };
}

function rollbackHeads(r: UpgradeReport): Record<UpgradeResult, string> {
  const back = `rollback of run ${r.runId} (${r.from} → ${r.to}) to ${r.from}`;
  return {
    upgraded: back,
    unchanged: back,
    'rolled-back': `Calico rolled back to ${r.from} (run ${r.runId}, which went to ${r.to}): every node healthy`,
    'rollback-failed': `${back} did not finish`,
    failed: `${back} did not finish`,
    interrupted: `${back} interrupted`,
  };
}
