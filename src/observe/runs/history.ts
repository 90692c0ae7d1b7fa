// The run folders under `.picocal/runs/` as a history: which command ran, when it started and how it
// ended, read from the records the runs leave (summary.json of bootstrap and reprovision, report.json,
// rollback-report.json and state.json of an upgrade). A folder with none of them is a run that was
// refused or stopped before it wrote its record, and says so.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../errors.js';
import { closest } from '../../schema/did-you-mean.js';
import { runsDir } from '../../upgrade/run-state.js';

export interface RunRecord {
  id: string;
  dir: string;
  /** `bootstrap`, `reprovision pc-node3`, `upgrade 3.31.7 → 3.32.1`. */
  command: string;
  /** ISO time the run started, from its id (UTC). */
  startedAt: string | undefined;
  outcome: string;
  /** The record files the outcome was read from, and every file of the folder. */
  record: string | undefined;
  files: string[];
  /** The parsed record (summary.json, report.json, rollback-report.json or state.json). */
  data: Record<string, unknown> | undefined;
}

const ID = /^(\d{8})-(\d{6})-[0-9a-f]{4}-(.+)$/;
const RECORDS = ['rollback-report.json', 'report.json', 'summary.json', 'state.json'];

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function startedAt(id: string): string | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const [d, t] = [m[1] ?? '', m[2] ?? ''];
  return `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}Z`;
}

const EXIT_OUTCOME: Record<number, string> = {
  0: 'succeeded',
  1: 'failed',
  2: 'refused',
  3: 'partial',
  130: 'interrupted',
};

function outcomeOf(record: string | undefined, data: Record<string, unknown> | undefined): string {
  if (!record || !data) return 'no record (refused, or stopped before it finished)';
  if (record === 'state.json') return `stopped at stage ${String(data['stage'] ?? '?')}`;
  if (typeof data['result'] === 'string') return data['result'];
  if (data['interrupted'] === true) return 'interrupted';
  const code = data['exitCode'];
  return typeof code === 'number' ? (EXIT_OUTCOME[code] ?? `exit ${code}`) : 'unknown';
}

function commandOf(kind: string, data: Record<string, unknown> | undefined): string {
  if (!data) return kind;
  if (typeof data['from'] === 'string' && typeof data['to'] === 'string')
    return data['kind'] === 'rollback'
      ? `${kind} --rollback (back to ${data['to']})`
      : `${kind} ${data['from']} → ${data['to']}`;
  if (kind === 'reprovision' && Array.isArray(data['nodes']))
    return `reprovision ${data['nodes']
      .map((n) => (n && typeof n === 'object' ? String((n as { name?: unknown }).name ?? '') : ''))
      .join(' ')}`;
  return kind;
}

function readRun(base: string, id: string): RunRecord {
  const dir = join(base, id);
  const files = readdirSync(dir).sort();
  const record = RECORDS.find((f) => files.includes(f));
  const data = record ? readJson(join(dir, record)) : undefined;
  const kind = ID.exec(id)?.[3] ?? 'run';
  return {
    id,
    dir,
    command: commandOf(kind, data),
    startedAt: startedAt(id),
    outcome: outcomeOf(record, data),
    record,
    files,
    data,
  };
}

/** Every run folder, oldest first (run ids start with their UTC start time). */
export function listRuns(cwd: string): RunRecord[] {
  const base = runsDir(cwd);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .filter((id) => statSync(join(base, id)).isDirectory())
    .sort()
    .map((id) => readRun(base, id));
}

/** One run by id, a unique prefix of an id, or `last`. */
export function findRun(cwd: string, wanted: string): RunRecord {
  const runs = listRuns(cwd);
  if (!runs.length)
    throw new UsageError(
      `no runs in ${runsDir(cwd)}`,
      'runs are recorded by bootstrap, reprovision and upgrade in the folder they run from',
    );
  if (wanted === 'last') return runs[runs.length - 1] as RunRecord;
  const exact = runs.find((r) => r.id === wanted);
  if (exact) return exact;
  const matches = runs.filter((r) => r.id.startsWith(wanted));
  if (matches.length === 1) return matches[0] as RunRecord;
  if (matches.length > 1)
    throw new UsageError(
      `'${wanted}' matches ${matches.length} runs: ${matches.map((r) => r.id).join(', ')}`,
      'give more of the id',
    );
  const guess = closest(
    wanted,
    runs.map((r) => r.id),
  );
  throw new UsageError(
    `no run '${wanted}' in ${runsDir(cwd)}`,
    guess ? `did you mean '${guess}'?` : "run 'picocal runs list' to see the runs",
  );
}
