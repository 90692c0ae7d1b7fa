// Files a generator writes into a user's repository (pipelines, Flux objects, monitoring manifests):
// all or nothing, and never over a file the user already has unless they said --force.
import { lstatSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../core/atomic-write.js';

export interface GeneratedFile {
  /** Relative to the output folder. */
  path: string;
  text: string;
}

/** Writes every file under `outDir`; returns the paths written, as the user named the folder. */
export function writeNewFiles(
  files: readonly GeneratedFile[],
  outDir: string,
  cwd: string,
  force: boolean,
): string[] {
  const shown = (full: string) => (isAbsolute(outDir) ? full : relative(cwd, full) || full);
  const targets = files.map((f) => ({ full: resolve(cwd, outDir, f.path), text: f.text }));
  // lstat: a symbolic link (even one pointing nowhere) is something the user has, too.
  const present = targets.map((t) => ({ ...t, st: lstatSync(t.full, { throwIfNoEntry: false }) }));
  const folders = present.filter((t) => t.st?.isDirectory()).map((t) => shown(t.full));
  if (folders.length)
    throw new UsageError(
      `refusing to write ${folders.join(', ')}: a folder is in the way (--force replaces files, never folders)`,
      'move that folder away, or pass --out DIR to write elsewhere',
    );
  const existing = present.filter((t) => t.st !== undefined).map((t) => shown(t.full));
  if (existing.length && !force)
    throw new UsageError(
      `refusing to overwrite ${existing.join(', ')}`,
      'pass --force to replace it, or --out DIR to write elsewhere',
    );
  for (const t of targets) writeFileAtomic(t.full, t.text);
  return targets.map((t) => shown(t.full));
}
