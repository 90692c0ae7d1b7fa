// Files a generator writes into a user's repository (pipelines, Flux objects, monitoring manifests):
// all or nothing, and never over a file the user already has unless they said --force.
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../policy/convert/atomic-write.js';

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
  const existing = targets.filter((t) => existsSync(t.full)).map((t) => shown(t.full));
  if (existing.length && !force)
    throw new UsageError(
      `refusing to overwrite ${existing.join(', ')}`,
      'pass --force to replace it, or --out DIR to write elsewhere',
    );
  for (const t of targets) writeFileAtomic(t.full, t.text);
  return targets.map((t) => shown(t.full));
}
