// The Calico releases picocal knows. A version not listed here is refused, never guessed: the manifest
// layout differs per minor (calico-facts.md "Install and upgrade"), and a wrong layout half-installs.
import { InputError } from '../errors.js';

export interface ManifestFile {
  /** File name under https://raw.githubusercontent.com/projectcalico/calico/<tag>/manifests/ */
  name: string;
  /** sha256 of the file at that tag, where picocal has verified it; undefined = not yet pinned. */
  sha256?: string;
  role: 'crds' | 'operator' | 'custom-resources';
}

export interface CalicoRelease {
  version: string; // "3.32.1"
  tag: string; // "v3.32.1"
  minor: string; // "3.32"
  operatorVersion: string; // "v1.42.3"
  /** CRDs that `kubectl create` installs before the operator; absent when tigera-operator.yaml holds them. */
  crds?: ManifestFile;
  operator: ManifestFile;
  customResources: ManifestFile;
  /**
   * Kubernetes minors this release is tested with (Calico's "System requirements for Kubernetes",
   * "Supported versions"), and the page that says so. Checked before bootstrap and upgrade change anything
   * (kubernetes-support.ts).
   */
  kubernetes: KubernetesRange;
  /** Operator CRs the release's default custom-resources.yaml creates. */
  goldmaneAndWhisker: boolean;
  /** Name of the tier the operator uses for its own policies. */
  systemTier: 'allow-tigera' | 'calico-system';
  /** sha256 of the release's calicoctl-linux-<arch> binaries, where picocal has a pin (see calicoctl.ts). */
  calicoctl: Partial<Record<CalicoctlArch, string>>;
}

export interface KubernetesRange {
  min: string; // "1.34"
  max: string; // "1.36"
  /** Calico's documentation page that lists the tested Kubernetes versions for this minor. */
  source: string;
}

/** calicoctl's release asset names use Go's architecture names. */
export type CalicoctlArch = 'arm64' | 'amd64';

const RAW_BASE = 'https://raw.githubusercontent.com/projectcalico/calico';

export function manifestUrl(release: CalicoRelease, file: ManifestFile): string {
  return `${RAW_BASE}/${release.tag}/manifests/${file.name}`;
}

/**
 * Calico's "System requirements for Kubernetes" page of one minor; its "Supported versions" list is the
 * catalog's kubernetes range. The lists were read from the page's source, tigera/docs
 * calico_versioned_docs/version-<minor>/_includes/partials/_system-requirements.mdx (commit f2a2762,
 * 2026-08-21): 3.29 → v1.29–v1.32, 3.30 → v1.31–v1.35, 3.31 → 1.32–1.35, 3.32 → 1.34–1.36.
 */
export function requirementsUrl(minor: string): string {
  return `https://docs.tigera.io/calico/${minor}/getting-started/kubernetes/requirements#supported-versions`;
}

function release(
  version: string,
  operatorVersion: string,
  kubernetes: { min: string; max: string },
  sums: { crds?: string; operator?: string; customResources?: string } = {},
  calicoctl: Partial<Record<CalicoctlArch, string>> = {},
): CalicoRelease {
  const [maj, min] = version.split('.');
  const minor = `${maj}.${min}`;
  const minorNum = Number(min);
  const crdsName =
    minorNum >= 32 ? 'v1_crd_projectcalico_org.yaml' : minorNum >= 30 ? 'operator-crds.yaml' : undefined;
  return {
    version,
    tag: `v${version}`,
    minor,
    operatorVersion,
    crds: crdsName ? { name: crdsName, sha256: sums.crds, role: 'crds' } : undefined,
    operator: { name: 'tigera-operator.yaml', sha256: sums.operator, role: 'operator' },
    customResources: {
      name: 'custom-resources.yaml',
      sha256: sums.customResources,
      role: 'custom-resources',
    },
    kubernetes: { ...kubernetes, source: requirementsUrl(minor) },
    goldmaneAndWhisker: minorNum >= 30,
    systemTier: minorNum >= 32 ? 'calico-system' : 'allow-tigera',
    calicoctl,
  };
}

/**
 * Newest first. Manifest sha256 values for 3.32.1 and 3.31.7 come from the files at those tags. calicoctl
 * sha256 values are those of the official release assets (calicoctl-linux-<arch>) as published in
 * kubespray's download checksums (roles/kubespray_defaults/vars/main/checksums.yml, 2026-08); picocal has
 * none for 3.32.1 yet, so that release installs calicoctl only from a folder the user names.
 */
export const CATALOG: readonly CalicoRelease[] = [
  release(
    '3.32.1',
    'v1.42.3',
    // https://docs.tigera.io/calico/3.32/getting-started/kubernetes/requirements#supported-versions
    { min: '1.34', max: '1.36' },
    {
      crds: '192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71',
      operator: 'f18e073794207d372606bc3ea6f8fd73972f86d6828f4ba666dfe0d4aa8ab07f',
      customResources: '4fb598a7fce1ad1f8bbfb9004f5efcdb835082e92e06323cb7b8ce60260ed891',
    },
  ),
  release(
    '3.31.7',
    'v1.40.15',
    // https://docs.tigera.io/calico/3.31/getting-started/kubernetes/requirements#supported-versions
    { min: '1.32', max: '1.35' },
    {
      crds: '380414d5756e9a1af29ddb1ad70cada07aa344ae7a2680ba7355248621f8adbf',
      operator: '092c10b3d0cb73617aca51367ca59755348f4647e6d2e63fa4e5b81266203214',
      customResources: '4fb598a7fce1ad1f8bbfb9004f5efcdb835082e92e06323cb7b8ce60260ed891',
    },
    {
      arm64: 'd7adff41398cb77b97451bf238022376382725ff231228f78b3ebc35d9fb9fda',
      amd64: '1b91928adc39861ba5e04d8d15c4ce489731269b07a8e7444c0fdf677f041113',
    },
  ),
  release(
    '3.30.7',
    'v1.38.13',
    // https://docs.tigera.io/calico/3.30/getting-started/kubernetes/requirements#supported-versions
    { min: '1.31', max: '1.35' },
    {},
    {
      arm64: 'e62d6f909d72bfd8876a363c3f49cda722d7bfdb282a4bbdeca38dd7e26e7578',
      amd64: '087e1547878913587ebaa756686f38184a730e9af9b71f3d91b92f6c99b60c11',
    },
  ),
  release(
    '3.29.7',
    'v1.36.16',
    // https://docs.tigera.io/calico/3.29/getting-started/kubernetes/requirements#supported-versions
    { min: '1.29', max: '1.32' },
    {},
    {
      arm64: '484479aa441401adf0db2effb911562d25a4c9a3f022aa6a3b082d027108edec',
      amd64: 'c4e281a404d14da561c65838195b2a4bcf18aebca1bede5ef6b99e0bf78cb8a0',
    },
  ),
];

/** Calico supports upgrading across at most this many minors in one step. */
export const MAX_MINOR_STEP = 1;

export function normalizeVersion(v: string): string {
  return v.trim().replace(/^v/, '');
}

export function findRelease(version: string): CalicoRelease | undefined {
  const v = normalizeVersion(version);
  return CATALOG.find((r) => r.version === v);
}

export function latestRelease(): CalicoRelease {
  const first = CATALOG[0];
  if (!first) throw new Error('empty catalog');
  return first;
}

export function requireRelease(version: string): CalicoRelease {
  const r = findRelease(version);
  if (r) return r;
  throw new InputError(`unknown Calico version '${version}'`, [
    {
      field: 'calico_version',
      message: `'${version}' is not in picocal's version catalog`,
      hint: `use one of: ${CATALOG.map((c) => c.version).join(', ')}`,
    },
  ]);
}

/** Compare dotted versions numerically: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = normalizeVersion(a).split('.').map(Number);
  const pb = normalizeVersion(b).split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Manifests of a release in the order they are installed. */
export function releaseManifests(r: CalicoRelease): ManifestFile[] {
  return [...(r.crds ? [r.crds] : []), r.operator, r.customResources];
}
