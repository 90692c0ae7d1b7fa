// Is going from the running Calico version to the requested one a step picocal may take? Decided from the
// version catalog alone, before anything is touched: unknown targets, downgrades (unless allowed) and
// skips over more minors than Calico supports in one step are refused, naming the version to use instead.
import {
  CATALOG,
  MAX_MINOR_STEP,
  compareVersions,
  normalizeVersion,
  type CalicoRelease,
} from '../catalog/versions.js';
import { InputError, type InputProblem } from '../errors.js';

export type StepKind = 'upgrade' | 'downgrade' | 'same';

export interface VersionStep {
  kind: StepKind;
  from: string;
  to: CalicoRelease;
}

export interface VersionStepInput {
  /** What the cluster runs (Installation.status.calicoVersion), with or without the `v`. */
  current: string;
  target: string;
  allowDowngrade: boolean;
  catalog?: readonly CalicoRelease[];
}

function parts(v: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(normalizeVersion(v));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** The newest catalog release of a minor, e.g. 3.31 → 3.31.7. */
export function newestOfMinor(
  major: number,
  minor: number,
  catalog: readonly CalicoRelease[],
): CalicoRelease | undefined {
  return [...catalog]
    .filter((r) => r.minor === `${major}.${minor}`)
    .sort((a, b) => compareVersions(b.version, a.version))[0];
}

function refuse(summary: string, problem: InputProblem): never {
  throw new InputError(summary, [problem]);
}

export function checkVersionStep(input: VersionStepInput): VersionStep {
  const catalog = input.catalog ?? CATALOG;
  const target = catalog.find((r) => r.version === normalizeVersion(input.target));
  if (!target) {
    refuse(`unknown Calico version '${input.target}'`, {
      field: '--to',
      message: `'${input.target}' is not in picocal's version catalog`,
      hint: `use one of: ${catalog.map((c) => c.version).join(', ')}`,
    });
  }
  const from = normalizeVersion(input.current);
  const cur = parts(from);
  const tgt = parts(target.version)!;
  if (!cur) {
    refuse(`the cluster reports Calico '${input.current}', which is not a release version`, {
      field: 'Installation.status.calicoVersion',
      message: `cannot compare '${input.current}' with ${target.version}`,
      hint: 'check `kubectl get installation default -o yaml`; picocal upgrades only from a released version',
    });
  }
  const order = compareVersions(from, target.version);
  if (order === 0) return { kind: 'same', from, to: target };
  const kind: StepKind = order < 0 ? 'upgrade' : 'downgrade';
  if (kind === 'downgrade' && !input.allowDowngrade) {
    refuse(`refusing to downgrade Calico from ${from} to ${target.version}`, {
      field: '--to',
      message: `${target.version} is older than the running ${from}`,
      hint: 'a downgrade can lose settings the newer version wrote; pass --allow-downgrade if you mean it',
    });
  }
  if (cur[0] !== tgt[0]) {
    refuse(`refusing to change Calico's major version (${from} → ${target.version})`, {
      field: '--to',
      message: 'Calico supports no upgrade across major versions in one step',
      hint: 'follow the release notes of the new major version by hand',
    });
  }
  const minorDistance = Math.abs(tgt[1] - cur[1]);
  if (minorDistance > MAX_MINOR_STEP) {
    const dir = kind === 'upgrade' ? 1 : -1;
    const nextMinor = cur[1] + dir * MAX_MINOR_STEP;
    const via = newestOfMinor(cur[0], nextMinor, catalog);
    refuse(`refusing to skip from Calico ${from} to ${target.version} in one step`, {
      field: '--to',
      message: `that crosses ${minorDistance} minor versions; Calico supports ${MAX_MINOR_STEP} per ${kind}`,
      hint: via
        ? `${kind} to ${via.version} first (picocal upgrade --to ${via.version} --write-inventory), then to ${target.version}`
        : `${kind} through ${cur[0]}.${nextMinor}.x first; picocal's catalog has no release of that minor`,
    });
  }
  return { kind, from, to: target };
}
