// Where a run gets Calico's release files from: ONE object, chosen once by the CLI (--artifacts DIR, else
// PICOCAL_ARTIFACTS, else the inventory's `picocal.artifacts_dir`, else the download cache) and handed to
// the workflows, which never choose themselves. A folder the user named is used as is (files picocal has
// no pin for count as user-supplied); the cache holds only files that matched a catalog pin and may be
// filled by download. The lab's stand-ins are one more source (src/lab/lab-release-source.ts, LAB ONLY).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CalicoctlArch, CalicoRelease } from '../catalog/versions.js';
import { defaultCacheDir, resolveArtifacts, type ArtifactSet } from './artifacts.js';
import { calicoctlPath, resolveCalicoctl, type CalicoctlSet } from './calicoctl.js';

export type SourceOrigin = '--artifacts' | 'PICOCAL_ARTIFACTS' | 'inventory' | 'cache' | 'lab';

export interface ReleaseSource {
  readonly origin: SourceOrigin;
  /** Folder laid out as <dir>/<tag>/manifests/ and <dir>/<tag>/bin/. */
  readonly dir: string;
  /** How messages and plans name it, e.g. "the download cache (/root/.cache/picocal/artifacts)". */
  readonly description: string;
  /** Release manifests, sha256-checked (throws ArtifactError when they cannot be had). */
  manifests(release: CalicoRelease, log?: (line: string) => void): Promise<ArtifactSet>;
  /** calicoctl per architecture; what cannot be had is listed in `missing`, never installed. */
  calicoctl(
    release: CalicoRelease,
    arches: readonly CalicoctlArch[],
    log?: (line: string) => void,
  ): Promise<CalicoctlSet>;
  /** The same source, never downloading (for --dry-run's checks: what is at hand, sha256-checked). */
  readOnly(): ReleaseSource;
  /** Would calicoctl be installed, and from where (for --dry-run; reads, never downloads). */
  planCalicoctl(
    release: CalicoRelease,
    arches: readonly CalicoctlArch[],
  ): { installs: boolean; text: string };
}

/** A folder the user named: used as is, never downloaded into. */
export function folderSource(dir: string, origin: Exclude<SourceOrigin, 'cache' | 'lab'>): ReleaseSource {
  const abs = resolve(dir);
  const description =
    origin === '--artifacts'
      ? `--artifacts ${abs}`
      : origin === 'PICOCAL_ARTIFACTS'
        ? `PICOCAL_ARTIFACTS=${abs}`
        : `the inventory's artifacts_dir (${abs})`;
  const source: ReleaseSource = {
    origin,
    dir: abs,
    description,
    readOnly: () => source,
    manifests: (release, log) => resolveArtifacts(release, { artifactsDir: abs, ...(log ? { log } : {}) }),
    calicoctl: (release, arches, log) =>
      resolveCalicoctl(release, arches, { artifactsDir: abs, ...(log ? { log } : {}) }),
    planCalicoctl(release, arches) {
      const missing = arches.filter((a) => !existsSync(calicoctlPath(abs, release, a)));
      if (missing.length === 0)
        return {
          installs: true,
          text: `calicoctl ${release.tag} (${arches.join(', ')}) from ${description}`,
        };
      return {
        installs: missing.length < arches.length,
        text: `no calicoctl for ${missing.join(', ')} boards: not in ${description}`,
      };
    },
  };
  return source;
}

/** picocal's download cache: only catalog-pinned files, downloaded when missing unless `download` is false. */
export function cacheSource(
  opts: { dir?: string; download?: boolean; fetchImpl?: typeof fetch } = {},
): ReleaseSource {
  const dir = resolve(opts.dir ?? defaultCacheDir());
  const common = {
    cacheDir: dir,
    ...(opts.download === false ? { download: false } : {}),
    ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
  };
  return {
    origin: 'cache',
    dir,
    description: `the download cache (${dir})`,
    readOnly: () => cacheSource({ ...opts, download: false }),
    manifests: (release, log) => resolveArtifacts(release, { ...common, ...(log ? { log } : {}) }),
    calicoctl: (release, arches, log) =>
      resolveCalicoctl(release, arches, { ...common, ...(log ? { log } : {}) }),
    planCalicoctl(release, arches) {
      const unpinned = arches.filter((a) => !release.calicoctl[a]);
      if (unpinned.length === 0)
        return {
          installs: true,
          text: `calicoctl ${release.tag} (${arches.join(', ')}) from the download cache, sha256-pinned`,
        };
      return {
        installs: unpinned.length < arches.length,
        text: `no calicoctl for ${unpinned.join(', ')} boards: ${release.tag} has no sha256 pin and no folder of verified files was named (--artifacts DIR or PICOCAL_ARTIFACTS)`,
      };
    },
  };
}
