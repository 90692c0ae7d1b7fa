// Every run keeps its full record in `.picocal/runs/<id>/`: Ansible's events and log, and a summary,
// so that a failure can be read after the terminal is gone (and an upgrade can be resumed or rolled back).
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface RunFolder {
  id: string;
  dir: string;
  file(name: string): string;
  stream(name: string): WriteStream;
  writeJson(name: string, value: unknown): void;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/**
 * A new run folder, never an existing one (a same-second id clash draws a new id): a run only ever writes
 * into a folder it made. Private (0700): snapshots hold live cluster objects, logs hold remote stderr.
 */
export function createRunFolder(baseDir: string, kind: string): RunFolder {
  const runs = resolve(baseDir, '.picocal', 'runs');
  mkdirSync(runs, { recursive: true, mode: 0o700 });
  for (let attempt = 1; ; attempt++) {
    const id = `${newRunId()}-${kind}`;
    const dir = join(runs, id);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 50) continue;
      throw err;
    }
    return runFolderAt(dir, id);
  }
}

/** The RunFolder view of a run's folder (a new one, or an earlier run's to continue writing into). */
export function runFolderAt(dir: string, id: string): RunFolder {
  return {
    id,
    dir,
    file: (name) => join(dir, name),
    stream: (name) => createWriteStream(join(dir, name), { flags: 'a' }),
    writeJson: (name, value) => writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n'),
  };
}
