// LAB ONLY: the virtual PicoCluster's own release files as a release source, the one seam through which
// they reach a run (the CLI picks it, for an inventory with `lab.enabled`, in src/cli/release-source-option.ts).
// The lab has no internet and no real calicoctl: its calicoctl stand-in (a shell script) and, with
// --lab-manifests, the operator stand-in's small manifest set are used in place of Calico's. They are pinned
// like Calico's files, in LAB_PINS below (a test checks the pins against the files), and the roles check them
// against those pins as they check Calico's: no switch turns a check off. Real files the base source has
// (the user's folder or the cache) always win over the stand-ins.
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ArtifactError, manifestPath, sha256, type ArtifactSet } from '../artifacts/artifacts.js';
import { CALICOCTL_ARCHES, calicoctlPath, type CalicoctlSet } from '../artifacts/calicoctl.js';
import type { ReleaseSource } from '../artifacts/release-source.js';
import { releaseManifests, type CalicoRelease } from '../catalog/versions.js';
import { PACKAGE_ROOT } from '../paths.js';
import { calicoctlStandIn } from './calico-node/calicoctl-standin.js';

export const LAB_MANIFESTS_ROOT = join(PACKAGE_ROOT, 'src/lab/operator/lab-manifests');

/** sha256 of each stand-in file per release tag: what the lab source hands out and Ansible checks. */
export const LAB_PINS: Record<string, { crds?: string; operator?: string; calicoctl: string }> = {
  'v3.32.1': {
    crds: '3ff871a59805ca85d992a902ed17baccbbf345bb8e7dc2c5aff724e50c646fdd',
    operator: '0be100ad43fa3d2a1a8c0278faa331483adc460513d13f7488431d91f6e00810',
    calicoctl: 'aa2d14185f5226457ce38377251375de88c25513d82fb7a2f3fdeae3da50dadf',
  },
  'v3.31.7': {
    crds: '9fbea9d0c50678d15837bec9ce255aa085e7d8cbdabb1e0303ec40de514d5103',
    operator: 'fc1223e79c07bc467442f43b54454ee97bcae6794f3512d7f07a232c2131f165',
    calicoctl: '02f837267f6cafbf64e4ff3f1ea531586ab47202615a25978e6aac5b9c0e160d',
  },
  'v3.30.7': { calicoctl: '64d2ee0bbee97d34608cac347c2e5e10984e4bcefdab67165fa3c97f2bc0c7cf' },
  'v3.29.7': { calicoctl: '8a7426ee6d2c58de1640bec83a467a41ff54b29f118332f45cd440571a6b5d3e' },
};

export interface LabSourceOptions {
  /**
   * --lab-manifests: the operator stand-in's manifests instead of Calico's. Without it they are used only
   * when no folder was named and the cache cannot provide Calico's (offline, nothing imported).
   */
  standInManifests: boolean;
  /** Where the stand-ins are written (a folder of the lab's own). */
  workDir: string;
  /** Never fall back to the stand-in manifests (a dry run's read-only view). */
  noFallback?: boolean;
}

export function labReleaseSource(base: ReleaseSource, opts: LabSourceOptions): ReleaseSource {
  const hasCalicoctl = (release: CalicoRelease, arches: readonly string[]) =>
    arches.every((a) => existsSync(calicoctlPath(base.dir, release, a as 'arm64')));
  return {
    origin: opts.standInManifests ? 'lab' : base.origin,
    dir: opts.standInManifests ? opts.workDir : base.dir,
    description: opts.standInManifests
      ? 'the LAB-ONLY stand-in manifests'
      : `${base.description} (calicoctl: the LAB-ONLY stand-in unless it is there)`,
    // A dry run reports what the base source has (an empty cache: the run would download); the fallback
    // to the stand-ins is the real run's, when that download fails.
    readOnly: () => labReleaseSource(base.readOnly(), { ...opts, noFallback: true }),
    async manifests(release, log) {
      if (opts.standInManifests) return standInManifests(release, opts.workDir);
      try {
        return await base.manifests(release, log);
      } catch (err) {
        // Nothing named and the cache cannot have them (offline): the lab still runs, on its stand-ins,
        // and says so. A folder the user named is never silently replaced.
        if (!(err instanceof ArtifactError) || base.origin !== 'cache' || opts.noFallback) throw err;
        log?.(
          `Calico ${release.version}'s manifests are not at hand (${err.message}): the lab uses its stand-ins`,
        );
        return standInManifests(release, opts.workDir);
      }
    },
    async calicoctl(release, arches, log) {
      if (hasCalicoctl(release, arches)) return base.calicoctl(release, arches, log);
      return standInCalicoctl(release, opts.workDir);
    },
    planCalicoctl(release, arches) {
      if (hasCalicoctl(release, arches)) return base.planCalicoctl(release, arches);
      return {
        installs: true,
        text: `calicoctl ${release.tag}: the LAB-ONLY stand-in (no real binary at hand)`,
      };
    },
  };
}

function pinsFor(release: CalicoRelease) {
  const pins = LAB_PINS[release.tag];
  if (!pins)
    throw new ArtifactError(
      `the lab has no stand-in files for Calico ${release.version}`,
      `use one of ${Object.keys(LAB_PINS).join(', ')}, or name the real release files with --artifacts DIR`,
    );
  return pins;
}

function checked(text: string | Buffer, pin: string | undefined, what: string): string {
  const digest = sha256(text);
  if (digest !== pin)
    throw new ArtifactError(
      `LAB ONLY: ${what} has sha256 ${digest}, but its lab pin is ${pin ?? 'missing'}`,
      'the stand-in changed without its pin: update LAB_PINS in src/lab/lab-release-source.ts',
    );
  return digest;
}

async function standInManifests(release: CalicoRelease, workDir: string): Promise<ArtifactSet> {
  const pins = pinsFor(release);
  const files: ArtifactSet['files'] = [];
  for (const m of releaseManifests(release).filter((f) => f.role !== 'custom-resources')) {
    const from = join(
      LAB_MANIFESTS_ROOT,
      release.tag,
      m.role === 'crds' ? 'crds.yaml' : 'tigera-operator.yaml',
    );
    if (!existsSync(from))
      throw new ArtifactError(
        `the lab has no stand-in manifests for Calico ${release.version}`,
        `use Calico 3.32.1 or 3.31.7 in the lab, or name the real release files with --artifacts DIR`,
      );
    const data = await readFile(from);
    const digest = checked(data, m.role === 'crds' ? pins.crds : pins.operator, from);
    const path = manifestPath(workDir, release, m);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
    files.push({ name: m.name, path, sha256: digest, verified: false });
  }
  return { dir: workDir, release, files, labOnly: true };
}

async function standInCalicoctl(release: CalicoRelease, workDir: string): Promise<CalicoctlSet> {
  const text = calicoctlStandIn(release);
  const digest = checked(text, pinsFor(release).calicoctl, `the calicoctl stand-in for ${release.tag}`);
  const files: CalicoctlSet['files'] = [];
  for (const arch of CALICOCTL_ARCHES) {
    const path = calicoctlPath(workDir, release, arch);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    await chmod(path, 0o755);
    files.push({ arch, path, sha256: digest, source: 'lab-only' });
  }
  return { dir: workDir, tag: release.tag, files, missing: [], labOnly: true };
}
