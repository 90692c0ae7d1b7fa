// Replace a file in one step: write a temporary sibling, then rename it over the target, so a reader
// (or a crash) never sees half a policy file. The temporary name is random and created exclusively
// (`wx`): a file that happens to have that name is never written through, renamed or removed.
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../../errors.js';

export function writeFileAtomic(path: string, text: string): void {
  if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory())
    throw new UsageError(`${path} is a folder, not a file: nothing was written`, 'name a file to write');
  mkdirSync(dirname(path), { recursive: true });
  for (;;) {
    const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      writeFileSync(tmp, text, { flag: 'wx' });
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
