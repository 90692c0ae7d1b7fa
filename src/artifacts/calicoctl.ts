// calicoctl for the boards' architectures: the official release asset `calicoctl-linux-<arch>`, kept
// next to the manifests as <dir>/<tag>/bin/calicoctl-linux-<arch>. A pinned binary (catalog sha256) is
// downloaded into the cache or taken from --artifacts DIR and must match its pin. A release picocal has
// no pin for is installed only from a folder the user names. calicoctl is a tool for the operator, not
// part of the data path: when it cannot be had, provisioning goes on without it and says so.
import { existsSync } from 'node:fs';
import { chmod, copyFile, link, mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { BINARY_MAX_BYTES } from './download.js';
import type { CalicoctlArch, CalicoRelease } from '../catalog/versions.js';
import type { Inventory } from '../inventory/types.js';
import {
  ArtifactError,
  defaultCacheDir,
  downloadVerified,
  sha256,
  type ResolveOptions,
} from './artifacts.js';

export const CALICOCTL_ARCHES: readonly CalicoctlArch[] = ['arm64', 'amd64'];

export function calicoctlUrl(release: CalicoRelease, arch: CalicoctlArch): string {
  return `https://github.com/projectcalico/calico/releases/download/${release.tag}/calicoctl-linux-${arch}`;
}

export function calicoctlPath(dir: string, release: CalicoRelease, arch: CalicoctlArch): string {
  return join(dir, release.tag, 'bin', `calicoctl-linux-${arch}`);
}

/** uname -m → Go architecture name; undefined for architectures Calico has no calicoctl for. */
export function calicoctlArchOf(machine: string): CalicoctlArch | undefined {
  if (machine === 'aarch64' || machine === 'arm64') return 'arm64';
  if (machine === 'x86_64' || machine === 'amd64') return 'amd64';
  return undefined;
}

/**
 * The architectures to fetch calicoctl for: each board's declared `picocal_arch`, aarch64 when undeclared
 * (a PicoCluster is Raspberry Pis). A board that turns out otherwise is named by node prep, with the fix.
 */
export function calicoctlArches(hosts: Inventory['hosts']): CalicoctlArch[] {
  const set = new Set<CalicoctlArch>();
  for (const h of hosts) {
    const a = calicoctlArchOf(h.arch ?? 'aarch64');
    if (a) set.add(a);
  }
  return CALICOCTL_ARCHES.filter((a) => set.has(a));
}

export type CalicoctlSource = 'catalog' | 'user-supplied' | 'lab-only';

export interface CalicoctlSet {
  /**
   * Folder the files were found in. It may hold other files (an unpinned binary in the cache): Ansible is
   * only ever given stageCalicoctl()'s folder, which holds `files` and nothing else.
   */
  dir: string;
  tag: string;
  files: Array<{ arch: CalicoctlArch; path: string; sha256: string; source: CalicoctlSource }>;
  /** Architectures calicoctl will not be installed for, with why and what to do. */
  missing: Array<{ arch: CalicoctlArch; reason: string; hint: string }>;
  labOnly: boolean;
}

export type CalicoctlOptions = ResolveOptions;

export async function resolveCalicoctl(
  release: CalicoRelease,
  arches: readonly CalicoctlArch[],
  opts: CalicoctlOptions = {},
): Promise<CalicoctlSet> {
  const userDir = opts.artifactsDir ? resolve(opts.artifactsDir) : undefined;
  const dir = userDir ?? opts.cacheDir ?? defaultCacheDir();
  const set: CalicoctlSet = { dir, tag: release.tag, files: [], missing: [], labOnly: false };
  for (const arch of arches) {
    const path = calicoctlPath(dir, release, arch);
    const pin = release.calicoctl[arch];
    if (!existsSync(path)) {
      if (!pin) {
        set.missing.push({
          arch,
          reason: `picocal has no pinned sha256 for calicoctl ${release.tag} (${arch})`,
          hint: `download ${calicoctlUrl(release, arch)} yourself, check it against the release's SHA256SUMS, put it at ${calicoctlPath(userDir ?? 'DIR', release, arch)} and name ${userDir ?? 'DIR'} with --artifacts or PICOCAL_ARTIFACTS`,
        });
        continue;
      }
      if (userDir || opts.download === false) {
        set.missing.push({
          arch,
          reason: `calicoctl-linux-${arch} for ${release.tag} is not in ${dir}`,
          hint: userDir
            ? `put ${calicoctlUrl(release, arch)} at ${path}`
            : `run \`picocal artifacts fetch --version ${release.version}\` (needs internet access), or \`picocal artifacts import DIR\` with a copy of the release folder`,
        });
        continue;
      }
      await downloadVerified(calicoctlUrl(release, arch), pin, path, { ...opts, maxBytes: BINARY_MAX_BYTES });
    }
    const digest = sha256(await readFile(path));
    if (pin && digest !== pin) {
      throw new ArtifactError(
        `${path} has sha256 ${digest}, but calicoctl ${release.tag} for ${arch} is ${pin}`,
        userDir
          ? 'the file is altered or from another release: replace it'
          : `delete ${path} and fetch it again`,
      );
    }
    if (!pin && !userDir) {
      // Only picocal writes the cache, and only pinned files: anything else there was put by hand.
      set.missing.push({
        arch,
        reason: `${path} is not pinned by picocal's catalog`,
        hint: `picocal installs an unpinned calicoctl only from a folder you name: if you verified it, put it in DIR/${release.tag}/bin/ and name DIR with --artifacts or PICOCAL_ARTIFACTS`,
      });
      continue;
    }
    set.files.push({ arch, path, sha256: digest, source: pin ? 'catalog' : 'user-supplied' });
  }
  return set;
}

/**
 * The folder Ansible installs calicoctl from: a copy (or hard link) of exactly the files resolved and
 * sha256-checked in `set`, laid out as <target>/<tag>/bin/calicoctl-linux-<arch>, and their pins. An
 * architecture not in `set.files` has no file there and a null pin, so it is never installed, whatever
 * else lies in the cache. Returns undefined when there is nothing to install.
 */
export async function stageCalicoctl(
  set: CalicoctlSet,
  target: string,
): Promise<{ dir: string; sha256: Record<CalicoctlArch, string | null> } | undefined> {
  const pins: Record<CalicoctlArch, string | null> = { arm64: null, amd64: null };
  if (set.files.length === 0) return undefined;
  for (const f of set.files) {
    const to = join(target, set.tag, 'bin', `calicoctl-linux-${f.arch}`);
    await mkdir(dirname(to), { recursive: true });
    await rm(to, { force: true });
    await link(f.path, to).catch(() => copyFile(f.path, to));
    const digest = sha256(await readFile(to));
    if (digest !== f.sha256)
      throw new ArtifactError(
        `${f.path} changed while picocal used it (sha256 ${digest}, checked ${f.sha256})`,
        'run the command again; if it happens again, something else writes to that folder',
      );
    await chmod(to, 0o755);
    pins[f.arch] = f.sha256;
  }
  return { dir: target, sha256: pins };
}
