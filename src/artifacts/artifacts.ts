// Calico release files a cluster needs, from a cache filled by download from the official URLs, or from
// a folder the user names (--artifacts DIR, for offline clusters). Layout: <dir>/<tag>/manifests/<file>,
// the same as the release tree, so a copy of it works as is. Every file is sha256-checked against the
// version catalog before use; a file the catalog has no checksum for is refused unless it came from a
// folder the user named.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { ArtifactError, downloadVerified, MANIFEST_MAX_BYTES } from './download.js';
import { manifestUrl, releaseManifests, type CalicoRelease, type ManifestFile } from '../catalog/versions.js';

export { ArtifactError, downloadVerified } from './download.js';

export function defaultCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.cache'), 'picocal', 'artifacts');
}

export function manifestPath(dir: string, release: CalicoRelease, file: ManifestFile): string {
  return join(dir, release.tag, 'manifests', file.name);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export interface ArtifactSet {
  dir: string;
  release: CalicoRelease;
  files: Array<{ name: string; path: string; sha256: string; verified: boolean }>;
  /** LAB ONLY stand-ins (src/lab/lab-release-source.ts), pinned by the lab, not Calico's files. */
  labOnly?: boolean;
}

export interface ResolveOptions {
  /** A folder the user named: used as is, never downloaded into. */
  artifactsDir?: string;
  cacheDir?: string;
  /** Download what the cache lacks (default true). */
  download?: boolean;
  fetchImpl?: typeof fetch;
  log?: (line: string) => void;
}

/** Makes sure every manifest of `release` is present and sha256-verified; returns where they are. */
export async function resolveArtifacts(
  release: CalicoRelease,
  opts: ResolveOptions = {},
): Promise<ArtifactSet> {
  const userDir = opts.artifactsDir ? resolve(opts.artifactsDir) : undefined;
  const dir = userDir ?? opts.cacheDir ?? defaultCacheDir();
  const files: ArtifactSet['files'] = [];
  for (const m of releaseManifests(release).filter((f) => f.role !== 'custom-resources')) {
    const path = manifestPath(dir, release, m);
    if (!existsSync(path)) {
      if (userDir || opts.download === false) {
        throw new ArtifactError(
          `${m.name} for Calico ${release.version} is missing from ${dir}`,
          userDir
            ? `put the release files at ${join(userDir, release.tag, 'manifests')}/ (download ${manifestUrl(release, m)})`
            : `run \`picocal artifacts fetch --version ${release.version}\` (needs internet access), or \`picocal artifacts import DIR\` with a copy of the release folder`,
        );
      }
      await download(release, m, path, opts);
    }
    const digest = sha256(await readFile(path));
    if (m.sha256 && digest !== m.sha256) {
      throw new ArtifactError(
        `${path} has sha256 ${digest}, but Calico ${release.version}'s ${m.name} is ${m.sha256}`,
        userDir
          ? 'the file is altered or from another release: replace it'
          : `delete ${path} and fetch it again`,
      );
    }
    if (!m.sha256 && !userDir) {
      throw new ArtifactError(
        `picocal has no pinned sha256 for ${m.name} of Calico ${release.version}`,
        `verify the file yourself and name its folder with --artifacts DIR or PICOCAL_ARTIFACTS=DIR (layout DIR/${release.tag}/manifests/)`,
      );
    }
    files.push({ name: m.name, path, sha256: digest, verified: Boolean(m.sha256) });
  }
  return { dir, release, files };
}

async function download(
  release: CalicoRelease,
  m: ManifestFile,
  path: string,
  opts: ResolveOptions,
): Promise<void> {
  if (!m.sha256) {
    throw new ArtifactError(
      `picocal has no pinned sha256 for ${m.name} of Calico ${release.version}, so it will not download it`,
      `download ${manifestUrl(release, m)} yourself, verify it, and name its folder with --artifacts DIR or PICOCAL_ARTIFACTS=DIR`,
    );
  }
  await downloadVerified(manifestUrl(release, m), m.sha256, path, { ...opts, maxBytes: MANIFEST_MAX_BYTES });
}
