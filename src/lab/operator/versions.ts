// LAB ONLY: part of the Calico operator stand-in. Which Calico release a tigera-operator image
// installs, as the real operator has it compiled in (tigera/operator's config/calico_versions.yml).

const OPERATOR_TO_CALICO: Record<string, string> = {
  'v1.42.3': 'v3.32.1',
  'v1.40.15': 'v3.31.7',
  'v1.38.13': 'v3.30.7',
  'v1.36.16': 'v3.29.7',
};

/** Operator minor → Calico minor, for operator patch releases this table does not list. */
const MINOR: Record<string, string> = {
  'v1.42': 'v3.32',
  'v1.40': 'v3.31',
  'v1.38': 'v3.30',
  'v1.36': 'v3.29',
};

/** Lab-only manifests may name the Calico version directly (see lab-manifests/). */
export const CALICO_VERSION_ANNOTATION = 'lab.picocal.dev/calico-version';

export function imageTag(image: string): string {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? image.slice(at + 1) : 'latest';
}

export function calicoVersionFor(operatorVersion: string): string | undefined {
  const exact = OPERATOR_TO_CALICO[operatorVersion];
  if (exact) return exact;
  const m = /^(v\d+\.\d+)\.(\d+)$/.exec(operatorVersion);
  const minor = m ? MINOR[m[1]!] : undefined;
  if (!minor) return undefined;
  const known = Object.entries(OPERATOR_TO_CALICO).find(([op]) => op.startsWith(`${m![1]}.`));
  return known ? known[1] : `${minor}.0`;
}

interface DeploymentLike {
  metadata: { annotations?: Record<string, string> };
  spec?: {
    template?: {
      metadata?: { annotations?: Record<string, string> };
      spec?: { containers?: { name?: string; image?: string; env?: { name: string; value?: string }[] }[] };
    };
  };
}

/** The operator and Calico versions a tigera-operator Deployment stands for. */
export function versionsOf(d: DeploymentLike): { operator: string; calico: string | undefined } {
  const containers = d.spec?.template?.spec?.containers ?? [];
  const c = containers.find((x) => x.name === 'tigera-operator') ?? containers[0];
  const operator = imageTag(c?.image ?? '');
  const explicit =
    d.metadata.annotations?.[CALICO_VERSION_ANNOTATION] ??
    d.spec?.template?.metadata?.annotations?.[CALICO_VERSION_ANNOTATION] ??
    c?.env?.find((e) => e.name === 'LAB_CALICO_VERSION')?.value;
  return { operator, calico: explicit ?? calicoVersionFor(operator) };
}
