// Where an upgrade run stands, in state.json of its run folder: enough to resume it (`--resume RUN`) or
// roll it back (`--rollback RUN`) from another terminal, after Ctrl-C or a lost connection.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError, UsageError } from '../errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';
import { runFolderAt, type RunFolder } from '../core/run-folder.js';

export type RunStage =
  'checked' | 'snapshotted' | 'applied' | 'done' | 'failed' | 'rolled-back' | 'interrupted';

export interface UpgradeRunState {
  kind: 'upgrade';
  cluster: string;
  inventory: string;
  from: string;
  to: string;
  maxUnavailable: number;
  skipped: string[];
  /** Decisions the user made when starting the run, kept for --resume. */
  allowDowngrade: boolean;
  rollback: boolean;
  stage: RunStage;
  updatedAt: string;
}

export const STATE_FILE = 'state.json';

const STAGES: readonly RunStage[] = [
  'checked',
  'snapshotted',
  'applied',
  'done',
  'failed',
  'rolled-back',
  'interrupted',
];

/** A state.json's content, or why it is not one picocal wrote (bad JSON, a field missing or of the wrong type). */
export function parseRunState(text: string): UpgradeRunState | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return `not valid JSON (${(err as Error).message})`;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not a JSON object';
  const o = v as Record<string, unknown>;
  if (o['kind'] !== 'upgrade') return "kind is not 'upgrade'";
  for (const k of ['cluster', 'inventory', 'from', 'to', 'updatedAt'])
    if (typeof o[k] !== 'string') return `${k} is not a string`;
  if (typeof o['maxUnavailable'] !== 'number' || !Number.isInteger(o['maxUnavailable']))
    return 'maxUnavailable is not an integer';
  if (!Array.isArray(o['skipped']) || !o['skipped'].every((x) => typeof x === 'string'))
    return 'skipped is not a list of board names';
  for (const k of ['allowDowngrade', 'rollback'])
    if (typeof o[k] !== 'boolean') return `${k} is not true or false`;
  if (!STAGES.includes(o['stage'] as RunStage)) return `stage is not one of ${STAGES.join(', ')}`;
  return o as unknown as UpgradeRunState;
}

function readStateFile(file: string): UpgradeRunState | string {
  try {
    return parseRunState(readFileSync(file, 'utf8'));
  } catch (err) {
    return `cannot be read (${(err as Error).message})`;
  }
}

export function writeRunState(runDir: string, state: Omit<UpgradeRunState, 'updatedAt'>): void {
  const p = join(runDir, STATE_FILE);
  // An exclusive, random temporary name: never a file (or link) someone left at a predictable one.
  writeFileAtomic(p, JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n');
}

export function runsDir(cwd: string): string {
  return resolve(cwd, '.picocal', 'runs');
}

/** A run folder by id (or path), with its state; a usage error naming the runs there when it is not one. */
export function readRunState(cwd: string, run: string): { dir: string; id: string; state: UpgradeRunState } {
  const dir = run.includes('/') ? resolve(cwd, run) : join(runsDir(cwd), run);
  const file = join(dir, STATE_FILE);
  if (!existsSync(file)) {
    const known = existsSync(runsDir(cwd))
      ? readdirSync(runsDir(cwd))
          .filter((d) => d.endsWith('-upgrade'))
          .slice(-5)
      : [];
    throw new UsageError(
      `no upgrade run '${run}' (${file} is missing)`,
      known.length
        ? `upgrade runs here: ${known.join(', ')}`
        : 'run ids are the folder names under .picocal/runs/',
    );
  }
  const state = readStateFile(file);
  if (typeof state === 'string')
    throw new InputError(`${file}: ${state}`, [{ location: { file, line: 1, column: 1 }, message: state }], {
      hint: 'this run cannot be resumed or rolled back by picocal; start a new upgrade (or roll back from another run)',
    });
  return { dir, id: dir.split('/').pop() ?? run, state };
}

/**
 * The newest run of this cluster that stopped before it finished (a re-run continues it). A run folder
 * whose state.json is unreadable (any cluster's: it cannot tell) is named through `warn` and skipped.
 */
export function unfinishedRun(
  cwd: string,
  cluster: string,
  to: string,
  warn: (line: string) => void = () => undefined,
): { dir: string; id: string; state: UpgradeRunState } | undefined {
  const base = runsDir(cwd);
  if (!existsSync(base)) return undefined;
  for (const id of readdirSync(base)
    .filter((d) => d.endsWith('-upgrade'))
    .sort()
    .reverse()) {
    const file = join(base, id, STATE_FILE);
    if (!existsSync(file)) continue;
    const state = readStateFile(file);
    if (typeof state === 'string') {
      warn(`skipped upgrade run ${id}: ${file}: ${state} (delete that run folder if it is of no use)`);
      continue;
    }
    if (state.cluster !== cluster) continue;
    if ((state.stage === 'interrupted' || state.stage === 'applied') && state.to === to)
      return { dir: join(base, id), id, state };
    return undefined;
  }
  return undefined;
}

/** The RunFolder of an earlier run, to continue writing into it (resume, rollback). */
export function existingRunFolder(dir: string, id: string): RunFolder {
  return runFolderAt(dir, id);
}
