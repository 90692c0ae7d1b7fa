// `picocal runs list|show` as a person reads it: a kubectl-style table of runs, and one run's record.
import type { UpgradeReport } from '../../upgrade/report.js';
import { reportLines } from '../../upgrade/report.js';
import { table } from '../../core/table.js';
import type { RunRecord } from './history.js';

export function runsTable(runs: readonly RunRecord[]): string[] {
  return table(
    ['id', 'command', 'started', 'outcome'],
    runs.map((r) => [r.id, r.command, r.startedAt ?? '-', r.outcome]),
  );
}

export function runJson(r: RunRecord, withRecord: boolean): Record<string, unknown> {
  return {
    id: r.id,
    command: r.command,
    startedAt: r.startedAt ?? null,
    outcome: r.outcome,
    dir: r.dir,
    ...(withRecord ? { files: r.files, record: r.record ?? null, data: r.data ?? null } : {}),
  };
}

interface NodeRow {
  name?: unknown;
  status?: unknown;
  stats?: { ok?: unknown; changed?: unknown; failed?: unknown; unreachable?: unknown };
  failedTask?: unknown;
  message?: unknown;
}

/** A bootstrap or reprovision summary: one row per board. */
function provisionLines(data: Record<string, unknown>): string[] {
  const nodes = Array.isArray(data['nodes']) ? (data['nodes'] as NodeRow[]) : [];
  if (!nodes.length) return [];
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  return table(
    ['node', 'status', 'ok', 'changed', 'failed', 'unreachable', 'detail'],
    nodes.map((n) => [
      s(n.name),
      s(n.status),
      s(n.stats?.ok),
      s(n.stats?.changed),
      s(n.stats?.failed),
      s(n.stats?.unreachable),
      n.failedTask ? `${s(n.failedTask)}: ${s(n.message)}` : s(n.message),
    ]),
  );
}

/** The record as its own command printed it; a record of another shape as JSON. */
function recordLines(r: RunRecord): string[] {
  if (!r.data) return [];
  try {
    if (r.record === 'report.json' || r.record === 'rollback-report.json')
      return reportLines(r.data as unknown as UpgradeReport);
    if (r.record === 'summary.json') {
      const lines = provisionLines(r.data);
      if (lines.length) return lines;
    }
  } catch {
    // A record written by another picocal version: shown as it is below.
  }
  return JSON.stringify(r.data, null, 2).split('\n');
}

/** `kubectl describe` style: aligned `Key:  value` lines, then the run's own report. */
export function runText(r: RunRecord): string[] {
  const fields: Array<[string, string]> = [
    ['Run', r.id],
    ['Command', r.command],
    ['Started', r.startedAt ?? '-'],
    ['Outcome', r.outcome],
    ['Folder', r.dir],
    ['Files', r.files.join(', ') || '(empty)'],
  ];
  const body = recordLines(r);
  return [...fields.map(([k, v]) => `${`${k}:`.padEnd(10)}${v}`), ...(body.length ? ['', ...body] : [])];
}
