// Does a Calico release support the Kubernetes version a cluster runs? Decided from the catalog's tested
// range (Calico's "System requirements for Kubernetes", one page per minor: versions.ts), before bootstrap
// or upgrade change anything. Calico says other versions "may work, but we are not actively testing them":
// picocal refuses them unless the user overrides with --allow-unsupported-kubernetes.
import { CATALOG, compareVersions, type CalicoRelease } from './versions.js';
import { InputError, type SourceLocation } from '../errors.js';

export const ALLOW_UNSUPPORTED_KUBERNETES = '--allow-unsupported-kubernetes';

export interface KubernetesVersion {
  /** As the API server reports it (gitVersion), e.g. "v1.31.4+k3s1". */
  text: string;
  major: number;
  minor: number;
}

/**
 * The API server's gitVersion: "v1.31.4", "v1.31.4+k3s1" (k3s), "v1.32.0-rc.1", "v1.30.2-eks-1234"; also
 * "1.31" as a user writes it. Undefined when it is none of those.
 */
export function parseKubernetesVersion(text: string): KubernetesVersion | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?(?:[-+][0-9A-Za-z.+-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  return { text: text.trim(), major: Number(m[1]), minor: Number(m[2]) };
}

/** "1.31" */
export function minorOf(v: KubernetesVersion): string {
  return `${v.major}.${v.minor}`;
}

export function supportsKubernetes(release: CalicoRelease, v: KubernetesVersion): boolean {
  const m = minorOf(v);
  return compareVersions(m, release.kubernetes.min) >= 0 && compareVersions(m, release.kubernetes.max) <= 0;
}

/** "1.34–1.36" */
export function kubernetesRange(release: CalicoRelease): string {
  return `${release.kubernetes.min}–${release.kubernetes.max}`;
}

/** The catalog's releases tested with that Kubernetes version, newest first. */
export function releasesSupporting(
  v: KubernetesVersion,
  catalog: readonly CalicoRelease[] = CATALOG,
): CalicoRelease[] {
  return catalog.filter((r) => supportsKubernetes(r, v));
}

export interface SupportInput {
  /** What the run would install: 'bootstrap', 'reprovision' or 'upgrade'. */
  kind: string;
  release: CalicoRelease;
  /** The API server's gitVersion. */
  server: string;
  /** --allow-unsupported-kubernetes was given. */
  allow: boolean;
  /**
   * Why an untested combination is only warned about even without the flag (reprovision: the cluster runs
   * that Calico already and the run installs no other version, so refusing would only block a repair).
   */
  warnOnly?: string;
  /** Where the Calico version came from, for the problem's field (calico_version or --to). */
  field: string;
  /** Where that field is in the user's file, when it is in one. */
  location?: SourceLocation | undefined;
  /** How to pick another Calico version, e.g. `set calico_version: "3.31.7" in inv.yaml`. */
  pick: (version: string) => string;
  /** Which catalog releases the hint may offer (an upgrade: only newer than the running one); default all. */
  consider?: (release: CalicoRelease) => boolean;
}

export type SupportVerdict =
  /** Tested: a line for the log. */
  | { ok: true; line: string }
  /** Not tested, and the user overrode it: a loud warning for the log. */
  | { ok: false; overridden: true; warning: string }
  /** Not tested (or not readable): the refusal, exit 2, nothing changed. */
  | { ok: false; overridden: false; error: InputError };

export function checkKubernetesSupport(input: SupportInput): SupportVerdict {
  const { release } = input;
  const v = parseKubernetesVersion(input.server);
  const range = kubernetesRange(release);
  if (v && supportsKubernetes(release, v)) {
    return {
      ok: true,
      line: `Kubernetes ${v.text} is supported by Calico ${release.version} (tested ${range})`,
    };
  }
  const what = v
    ? `Calico ${release.version} is not tested with Kubernetes ${v.text}: Calico ${release.minor} supports Kubernetes ${range}`
    : `the API server reports Kubernetes version '${input.server}', which picocal cannot read: Calico ${release.minor} supports Kubernetes ${range}`;
  if (input.allow || input.warnOnly) {
    const because = input.allow ? `because of ${ALLOW_UNSUPPORTED_KUBERNETES}` : input.warnOnly;
    return {
      ok: false,
      overridden: true,
      warning: `UNSUPPORTED: ${what}; going on ${because} (see ${release.kubernetes.source})`,
    };
  }
  const others = v ? releasesSupporting(v).filter((r) => input.consider?.(r) ?? true) : [];
  const choice = others[0]
    ? `pick a Calico version that supports Kubernetes ${minorOf(v!)} (${others.map((r) => r.version).join(', ')}): ${input.pick(others[0].version)}`
    : `no Calico version picocal could ${input.kind} to supports Kubernetes ${v ? minorOf(v) : input.server}; move Kubernetes into ${range} first`;
  return {
    ok: false,
    overridden: false,
    error: new InputError(`refusing to ${input.kind}: ${what}`, [
      {
        ...(input.location ? { location: input.location } : {}),
        field: input.field,
        message: `Calico ${release.version} supports Kubernetes ${range} (${release.kubernetes.source}); the cluster runs ${v ? v.text : `'${input.server}'`}`,
        hint: `${choice}, or pass ${ALLOW_UNSUPPORTED_KUBERNETES} to proceed on an untested combination`,
      },
    ]),
  };
}
