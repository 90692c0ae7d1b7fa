// Put a rendered file set in place atomically: write everything to a sibling temp folder, then swap it
// in with renames. A failed render leaves the previous output exactly as it was.
//
// The swap deletes the previous folder, so it only ever replaces a folder picocal wrote itself: one that
// does not exist yet, is empty, or holds an earlier render of the same cluster (its render.json) and
// nothing else. `--out .` or `--out ~/repo` is refused with nothing changed (issue 13, review H1).
import { lstat, mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { INDEX_FILE, type RenderedFiles } from './render.js';

/** Folders inside a render folder that picocal itself fills after rendering (LAB ONLY manifests). */
const OWNED_SUBFOLDERS = ['lab-artifacts'];

/** Stages `files` in a temp folder next to `target`; refuses first (writing nothing) if `target` is not ours. */
export async function writeTreeToTemp(files: RenderedFiles, target: string): Promise<string> {
  await assertReplaceable(target, renderedCluster(files));
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

function clusterOf(index: string | undefined): string | undefined {
  try {
    const v: unknown = JSON.parse(index ?? '');
    const cluster = (v as { cluster?: unknown } | null)?.cluster;
    return typeof cluster === 'string' ? cluster : undefined;
  } catch {
    return undefined;
  }
}

async function filesUnder(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix + e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(join(dir, e.name), `${rel}/`)));
    else out.push(rel);
  }
  return out;
}

/**
 * Why `target` may not be replaced by a render of `cluster`, or undefined when it may: it is missing,
 * an empty folder, or an earlier render of this cluster holding only the files that render listed.
 */
export async function notReplaceable(target: string, cluster: string): Promise<string | undefined> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) return undefined;
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it is not a folder';
  const present = await filesUnder(target);
  if (present.length === 0 && (await readdir(target)).length === 0) return undefined;
  const indexText = await readFile(join(target, INDEX_FILE), 'utf8').catch(() => undefined);
  if (indexText === undefined) return `it is not empty and holds no ${INDEX_FILE} (not a picocal render)`;
  const previous = clusterOf(indexText);
  if (previous === undefined) return `its ${INDEX_FILE} is not one picocal wrote`;
  if (previous !== cluster) return `it holds the render of another cluster ('${previous}')`;
  const listed = new Set(Object.keys((JSON.parse(indexText) as { files?: object }).files ?? {}));
  const foreign = present.filter(
    (f) => f !== INDEX_FILE && !listed.has(f) && !OWNED_SUBFOLDERS.some((d) => f.startsWith(`${d}/`)),
  );
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, … (${foreign.length})` : '');
    return `it holds files the earlier render did not write: ${shown}`;
  }
  return undefined;
}

/** Throws (exit 2) unless `target` may be replaced by a render of `cluster`; see notReplaceable. */
export async function assertReplaceable(target: string, cluster: string): Promise<void> {
  const why = await notReplaceable(target, cluster);
  if (why === undefined) return;
  throw new UsageError(
    `refusing to replace ${target}: ${why}; nothing was changed`,
    `picocal only replaces a folder holding its own earlier render of cluster '${cluster}': ` +
      `pass --out with a new or empty folder (the default is build/${cluster}), or move that folder's content away yourself`,
  );
}

function renderedCluster(files: RenderedFiles): string {
  const cluster = clusterOf(files.get(INDEX_FILE));
  if (cluster === undefined) throw new Error(`internal: a render without ${INDEX_FILE}`);
  return cluster;
}

/** Replace `target` with the folder `staged` (made by writeTreeToTemp next to it from `files`). */
export async function swapInto(staged: string, target: string, files: RenderedFiles): Promise<void> {
  try {
    // Again, right before the swap: the folder may have changed while the render was written.
    await assertReplaceable(target, renderedCluster(files));
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
  const old = `${staged}.old`;
  const hadOld = (await lstat(target).catch(() => undefined)) !== undefined;
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
  await swapInto(await writeTreeToTemp(files, target), target, files);
}
