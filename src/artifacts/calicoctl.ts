// calicoctl for the boards' architectures: the official release asset `calicoctl-linux-<arch>`, kept
// next to the manifests as <dir>/<tag>/bin/calicoctl-linux-<arch>. A pinned binary (catalog sha256) is
// downloaded into the cache or taken from --artifacts DIR and must match its pin. A release picocal has
// no pin for is installed only from a folder the user names. calicoctl is a tool for the operator, not
// part of the data path: when it cannot be had, provisioning goes on without it and says so.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
  /** Folder laid out as <dir>/<tag>/bin/calicoctl-linux-<arch>. */
  dir: string;
  files: Array<{ arch: CalicoctlArch; path: string; sha256: string; source: CalicoctlSource }>;
  /** Architectures calicoctl will not be installed for, with why and what to do. */
  missing: Array<{ arch: CalicoctlArch; reason: string; hint: string }>;
  labOnly: boolean;
}

export interface CalicoctlOptions extends ResolveOptions {
  /**
   * LAB ONLY: where to write the virtual PicoCluster's calicoctl stand-in, and its text for a release.
   * Used only when the real binary is not at hand (the lab has no internet); never for a real cluster.
   */
  lab?: { targetDir: string; script: (release: CalicoRelease) => string };
}

export async function resolveCalicoctl(
  release: CalicoRelease,
  arches: readonly CalicoctlArch[],
  opts: CalicoctlOptions = {},
): Promise<CalicoctlSet> {
  const userDir = opts.artifactsDir ? resolve(opts.artifactsDir) : undefined;
  const dir = userDir ?? opts.cacheDir ?? defaultCacheDir();
  const present = arches.filter((a) => existsSync(calicoctlPath(dir, release, a)));
  if (opts.lab && present.length < arches.length) return labStandIn(release, opts.lab);

  const set: CalicoctlSet = { dir, files: [], missing: [], labOnly: false };
  for (const arch of arches) {
    const path = calicoctlPath(dir, release, arch);
    const pin = release.calicoctl[arch];
    if (!existsSync(path)) {
      if (!pin) {
        set.missing.push({
          arch,
          reason: `picocal has no pinned sha256 for calicoctl ${release.tag} (${arch})`,
          hint: `download ${calicoctlUrl(release, arch)} yourself, check it against the release's SHA256SUMS, put it at ${calicoctlPath(userDir ?? '<DIR>', release, arch)} and pass --artifacts ${userDir ?? 'DIR'}`,
        });
        continue;
      }
      if (userDir || opts.download === false) {
        set.missing.push({
          arch,
          reason: `calicoctl-linux-${arch} for ${release.tag} is not in ${dir}`,
          hint: userDir
            ? `put ${calicoctlUrl(release, arch)} at ${path}`
            : `run \`picocal artifacts fetch --version ${release.version}\` on a machine with internet access`,
        });
        continue;
      }
      await downloadVerified(calicoctlUrl(release, arch), pin, path, opts);
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
        hint: `if you verified it yourself, pass its folder with --artifacts DIR (layout DIR/${release.tag}/bin/)`,
      });
      continue;
    }
    set.files.push({ arch, path, sha256: digest, source: pin ? 'catalog' : 'user-supplied' });
  }
  return set;
}

/** LAB ONLY: the calicoctl stand-in for every architecture (it is a shell script). */
async function labStandIn(
  release: CalicoRelease,
  lab: NonNullable<CalicoctlOptions['lab']>,
): Promise<CalicoctlSet> {
  const text = lab.script(release);
  const files: CalicoctlSet['files'] = [];
  for (const arch of CALICOCTL_ARCHES) {
    const path = calicoctlPath(lab.targetDir, release, arch);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    await chmod(path, 0o755);
    files.push({ arch, path, sha256: sha256(text), source: 'lab-only' });
  }
  return { dir: lab.targetDir, files, missing: [], labOnly: true };
}

/** What --dry-run says about calicoctl, without downloading or writing anything. */
export function calicoctlPlan(
  release: CalicoRelease,
  arches: readonly CalicoctlArch[],
  opts: { artifactsDir?: string | undefined; lab?: boolean },
): { installs: boolean; text: string } {
  const dir = opts.artifactsDir ? resolve(opts.artifactsDir) : undefined;
  const have = arches.filter((a) => dir && existsSync(calicoctlPath(dir, release, a)));
  if (have.length === arches.length && dir)
    return { installs: true, text: `calicoctl ${release.tag} (${arches.join(', ')}) from ${dir}` };
  if (opts.lab)
    return {
      installs: true,
      text: `calicoctl ${release.tag}: the LAB-ONLY stand-in (no real binary at hand)`,
    };
  const unpinned = arches.filter((a) => !release.calicoctl[a]);
  if (unpinned.length === 0)
    return {
      installs: true,
      text: `calicoctl ${release.tag} (${arches.join(', ')}) from ${dir ?? 'the download cache'}, sha256-pinned`,
    };
  return {
    installs: false,
    text: `no calicoctl for ${unpinned.join(', ')} boards: ${release.tag} has no sha256 pin and none is in --artifacts DIR`,
  };
}
