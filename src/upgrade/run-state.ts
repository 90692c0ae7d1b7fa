// Where an upgrade run stands, in state.json of its run folder: enough to resume it (`--resume RUN`) or
// roll it back (`--rollback RUN`) from another terminal, after Ctrl-C or a lost connection.
import { createWriteStream, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { RunFolder } from '../runs/run-folder.js';

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

export function writeRunState(runDir: string, state: Omit<UpgradeRunState, 'updatedAt'>): void {
  const p = join(runDir, STATE_FILE);
  writeFileSync(
    `${p}.tmp`,
    JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2) + '\n',
  );
  renameSync(`${p}.tmp`, p);
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
  const state = JSON.parse(readFileSync(file, 'utf8')) as UpgradeRunState;
  return { dir, id: dir.split('/').pop() ?? run, state };
}

/** The newest run of this cluster that stopped before it finished (a re-run continues it). */
export function unfinishedRun(
  cwd: string,
  cluster: string,
  to: string,
): { dir: string; id: string; state: UpgradeRunState } | undefined {
  const base = runsDir(cwd);
  if (!existsSync(base)) return undefined;
  for (const id of readdirSync(base)
    .filter((d) => d.endsWith('-upgrade'))
    .sort()
    .reverse()) {
    const file = join(base, id, STATE_FILE);
    if (!existsSync(file)) continue;
    const state = JSON.parse(readFileSync(file, 'utf8')) as UpgradeRunState;
    if (state.cluster !== cluster) continue;
    if ((state.stage === 'interrupted' || state.stage === 'applied') && state.to === to)
      return { dir: join(base, id), id, state };
    return undefined;
  }
  return undefined;
}

/** The RunFolder of an earlier run, to continue writing into it (resume, rollback). */
export function existingRunFolder(dir: string, id: string): RunFolder {
  return {
    id,
    dir,
    file: (name) => join(dir, name),
    stream: (name) => createWriteStream(join(dir, name), { flags: 'a' }),
    writeJson: (name, value) => writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n'),
  };
}
