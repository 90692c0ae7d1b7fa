// `picocal artifacts import DIR`: copy a release folder (the release tree's layout, DIR/<tag>/manifests/<file>
// and DIR/<tag>/bin/calicoctl-linux-<arch>) into the download cache, so that later runs find the files
// offline. Only files whose sha256 is the catalog's pin are copied; every file is checked before anything is
// copied, and one that differs from its pin refuses the whole import. Files picocal has no pin for stay out
// of the cache (the cache holds only pinned files): name their folder with PICOCAL_ARTIFACTS instead.
import { createHash } from 'node:crypto';
import { constants, createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { temporarySibling } from '../core/atomic-write.js';
import { InputError, type InputProblem } from '../errors.js';
import { CATALOG, releaseManifests, type CalicoRelease } from '../catalog/versions.js';
import { manifestPath } from './artifacts.js';
import { CALICOCTL_ARCHES, calicoctlPath } from './calicoctl.js';

export interface ImportedFile {
  version: string;
  name: string;
  from: string;
  to: string;
  sha256: string;
}

export interface ImportResult {
  cacheDir: string;
  imported: ImportedFile[];
  /** Files found but not imported, with why (no pin, unknown release). */
  skipped: Array<{ path: string; reason: string }>;
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function candidates(release: CalicoRelease, from: string, cacheDir: string) {
  return [
    ...releaseManifests(release).map((m) => ({
      name: m.name,
      pin: m.sha256,
      from: manifestPath(from, release, m),
      to: manifestPath(cacheDir, release, m),
    })),
    ...CALICOCTL_ARCHES.map((a) => ({
      name: `calicoctl-linux-${a}`,
      pin: release.calicoctl[a],
      from: calicoctlPath(from, release, a),
      to: calicoctlPath(cacheDir, release, a),
    })),
  ];
}

export async function importReleaseFolder(
  dir: string,
  cacheDir: string,
  opts: { versions?: readonly CalicoRelease[] } = {},
): Promise<ImportResult> {
  const from = resolve(dir);
  if (!existsSync(from) || !statSync(from).isDirectory())
    throw new InputError(`cannot import ${from}: not a folder`, [
      { message: `${from} does not exist or is not a folder`, hint: 'name a copy of the release folder' },
    ]);
  const releases = opts.versions ?? CATALOG;
  const result: ImportResult = { cacheDir, imported: [], skipped: [] };
  const known = new Set(CATALOG.map((r) => r.tag));
  for (const entry of readdirSync(from)) {
    if (/^v\d+\.\d+\.\d+$/.test(entry) && !known.has(entry))
      result.skipped.push({ path: join(from, entry), reason: `Calico ${entry} is not in picocal's catalog` });
  }
  const problems: InputProblem[] = [];
  const plan: ImportedFile[] = [];
  for (const release of releases) {
    for (const c of candidates(release, from, cacheDir)) {
      if (!existsSync(c.from)) continue;
      if (!c.pin) {
        result.skipped.push({
          path: c.from,
          reason: `picocal has no sha256 pin for ${c.name} of Calico ${release.version}: not copied into the cache (to use a file you verified, name its folder with PICOCAL_ARTIFACTS=${from} or --artifacts ${from})`,
        });
        continue;
      }
      const digest = await fileSha256(c.from);
      if (digest !== c.pin) {
        problems.push({
          field: `${release.tag}/${c.name}`,
          message: `${c.from} has sha256 ${digest}, but ${c.name} of Calico ${release.version} is ${c.pin}`,
          hint: 'the file is altered or from another release: replace it with the official one',
        });
        continue;
      }
      plan.push({ version: release.version, name: c.name, from: c.from, to: c.to, sha256: digest });
    }
  }
  if (problems.length)
    throw new InputError(
      `refusing to import ${from}: ${problems.length} file(s) differ from their pins`,
      problems,
      {
        hint: 'nothing was copied',
      },
    );
  if (plan.length === 0)
    throw new InputError(`nothing to import from ${from}`, [
      {
        message: `no file of a release picocal has pins for was found (layout DIR/<tag>/manifests/<file>, DIR/<tag>/bin/calicoctl-linux-<arch>; tags ${releases.map((r) => r.tag).join(', ')})`,
        hint: 'name the folder that holds the v3.x.y folders',
      },
    ]);
  for (const f of plan) {
    await mkdir(dirname(f.to), { recursive: true });
    const part = temporarySibling(f.to, 'part');
    try {
      await copyFile(f.from, part, constants.COPYFILE_EXCL);
      // Checked again after the copy: what lands in the cache is exactly the pinned bytes.
      if ((await fileSha256(part)) !== f.sha256) throw new Error(`${f.from} changed while it was copied`);
      await rename(part, f.to);
    } catch (err) {
      await rm(part, { force: true });
      throw err;
    }
    result.imported.push(f);
  }
  return result;
}
