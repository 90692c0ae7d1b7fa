// Replace a file in one step: write a temporary sibling, then rename it over the target, so a reader
// (or a crash) never sees half a file. The temporary name is random and created exclusively (`wx`):
// a file that happens to have that name, or a link planted under it, is never written through, renamed
// or removed. The one atomic writer of the project; downloads that verify a digest before they commit
// take their temporary name from temporarySibling and create it exclusively the same way.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

/** A fresh random name beside `path` (`.name.<12 hex>.tmp`), hidden, in the same folder so rename is atomic. */
export function temporarySibling(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.${suffix}`);
}

export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`${path} is a folder, not a file: nothing was written`, 'name a file to write');
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    const tmp = temporarySibling(path);
    try {
      writeFileSync(tmp, data, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    try {
      renameSync(tmp, path);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    return;
  }
}
