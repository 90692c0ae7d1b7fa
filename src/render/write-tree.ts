// Put a rendered file set in place atomically: write everything to a sibling temp folder, then swap it
// in with renames. A failed render leaves the previous output exactly as it was.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RenderedFiles } from './render.js';

export async function writeTreeToTemp(files: RenderedFiles, target: string): Promise<string> {
  await mkdir(dirname(target), { recursive: true });
  const tmp = await mkdtemp(join(dirname(target), `.${basename(target)}.tmp-`));
  try {
    for (const [rel, content] of [...files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const p = join(tmp, rel);
      await mkdir(dirname(p), { recursive: true });
      await writeFile(p, content, { mode: 0o644 });
    }
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
  return tmp;
}

/** Replace `target` with the folder `staged` (made by writeTreeToTemp next to it). */
export async function swapInto(staged: string, target: string): Promise<void> {
  const old = `${staged}.old`;
  const hadOld = existsSync(target);
  if (hadOld) await rename(target, old);
  try {
    await rename(staged, target);
  } catch (err) {
    if (hadOld) await rename(old, target);
    throw err;
  }
  if (hadOld) await rm(old, { recursive: true, force: true });
}

export async function writeTreeAtomically(files: RenderedFiles, target: string): Promise<void> {
  await swapInto(await writeTreeToTemp(files, target), target);
}
