// A unified diff between the previous render and a new one, from the system's `diff` (GNU diffutils):
// the format every reviewer already reads.
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TreeDiff {
  changed: boolean;
  text: string;
}

/**
 * `exclude`: file names left out (diff -x), e.g. the render's index, whose sha256 lines would only repeat
 * the changes shown in the files they index.
 */
export async function diffTrees(
  previous: string,
  next: string,
  exclude: readonly string[] = [],
): Promise<TreeDiff> {
  const empty = existsSync(previous) ? undefined : await mkdtemp(join(tmpdir(), 'picocal-empty-'));
  try {
    const r = await execa('diff', ['-ruN', ...exclude.flatMap((x) => ['-x', x]), empty ?? previous, next], {
      reject: false,
      env: { LC_ALL: 'C' },
    });
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`diff failed: ${r.stderr}`);
    // Show paths relative to the output folder: a/<file> and b/<file>, as git does.
    const text = r.stdout
      .split('\n')
      .map((l) =>
        l
          .replace(`${empty ?? previous}/`, 'a/')
          .replace(`${next}/`, 'b/')
          .replace(/^(---|\+\+\+) (\S+)\t.*$/, '$1 $2'),
      )
      .filter((l) => !l.startsWith('diff -ruN'))
      .join('\n');
    return { changed: r.exitCode === 1, text };
  } finally {
    if (empty) await rm(empty, { recursive: true, force: true });
  }
}
