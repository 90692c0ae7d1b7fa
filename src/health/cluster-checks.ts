// The cluster's view, from three kubectl answers: the calico-node pods (one list for all nodes), the
// TigeraStatus `calico` and the Installation `default`. Matching pods to nodes uses the Kubernetes node
// name, which is the inventory name or the board's hostname.
import type { Check, PodState } from './health-types.js';

interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

interface Pod {
  metadata?: { name?: string };
  spec?: { nodeName?: string; containers?: { name?: string; image?: string }[] };
  status?: {
    phase?: string;
    conditions?: Condition[];
    containerStatuses?: {
      name?: string;
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string } };
    }[];
  };
}

export interface CalicoPod {
  name: string;
  nodeName: string;
  ready: boolean;
  /** Image tag of the calico-node container (e.g. v3.32.1); null when the image has no tag. */
  version: string | null;
  /** Why it is not ready, when it is not: the container's waiting/terminated reason or the phase. */
  reason: string;
}

export function imageTag(image: string): string | null {
  const noDigest = image.split('@')[0] ?? '';
  const colon = noDigest.lastIndexOf(':');
  return colon > noDigest.lastIndexOf('/') ? noDigest.slice(colon + 1) : null;
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(
      `${what}: kubectl did not print JSON (${text.trim().split('\n')[0]?.slice(0, 120) ?? 'nothing'})`,
    );
  }
}

export function parsePods(text: string): CalicoPod[] {
  const doc = parseJson(text, 'calico-node pods') as { items?: Pod[] };
  return (doc.items ?? []).map((p) => {
    const containers = p.spec?.containers ?? [];
    const main = containers.find((c) => c.name === 'calico-node') ?? containers[0];
    const statuses = p.status?.containerStatuses ?? [];
    const cs = statuses.find((c) => c.name === main?.name) ?? statuses[0];
    const ready = (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    const reason =
      cs?.state?.waiting?.reason ??
      cs?.state?.terminated?.reason ??
      (ready ? '' : (p.status?.phase ?? 'Unknown'));
    return {
      name: p.metadata?.name ?? '?',
      nodeName: p.spec?.nodeName ?? '',
      ready,
      version: main?.image ? imageTag(main.image) : null,
      reason: ready ? '' : reason || 'NotReady',
    };
  });
}

export function podFor(pods: readonly CalicoPod[], names: readonly (string | null)[]): CalicoPod | undefined {
  const wanted = new Set(names.filter((n): n is string => !!n).flatMap((n) => [n, n.split('.')[0] ?? n]));
  return pods.find((p) => wanted.has(p.nodeName));
}

export function podChecks(
  pod: CalicoPod | undefined,
  expectedVersion: string,
  node: string,
): { checks: Check[]; state: PodState } {
  if (!pod) {
    return {
      state: 'missing',
      checks: [{ name: 'pod-ready', ok: false, detail: `no calico-node pod scheduled on ${node}` }],
    };
  }
  const versionOk = pod.version === expectedVersion;
  return {
    state: pod.ready ? 'Ready' : 'NotReady',
    checks: [
      {
        name: 'pod-ready',
        ok: pod.ready,
        detail: pod.ready ? `${pod.name} Ready` : `${pod.name} not Ready (${pod.reason})`,
      },
      {
        name: 'pod-version',
        ok: versionOk,
        detail: versionOk
          ? pod.version!
          : `${pod.name} runs ${pod.version ?? 'an untagged image'}, expected ${expectedVersion}`,
      },
    ],
  };
}

export function tigeraStatusCheck(text: string): Check {
  const doc = parseJson(text, 'tigerastatus calico') as { status?: { conditions?: Condition[] } };
  const conds = doc.status?.conditions ?? [];
  const get = (t: string) => conds.find((c) => c.type === t);
  const available = get('Available')?.status === 'True';
  const degraded = get('Degraded')?.status === 'True';
  if (available && !degraded) return { name: 'tigerastatus-calico', ok: true, detail: 'Available' };
  const bad = degraded ? get('Degraded') : get('Available');
  const state = [available ? 'Available' : 'not Available', degraded ? 'Degraded' : '']
    .filter(Boolean)
    .join(', ');
  return {
    name: 'tigerastatus-calico',
    ok: false,
    detail: `${state}${bad?.message ? `: ${bad.message}` : bad?.reason ? `: ${bad.reason}` : ''}`,
  };
}

export function installationVersion(text: string): string | null {
  const doc = parseJson(text, 'installation default') as { status?: { calicoVersion?: string } };
  return doc.status?.calicoVersion ?? null;
}

export function installationCheck(installed: string | null, expectedVersion: string): Check {
  const bare = (v: string) => v.replace(/^v/, '');
  if (installed === null) {
    return {
      name: 'installation-version',
      ok: false,
      detail: 'Installation default has no status.calicoVersion yet (rollout not finished)',
    };
  }
  const ok = bare(installed) === bare(expectedVersion);
  return {
    name: 'installation-version',
    ok,
    detail: ok
      ? `Installation reports ${installed}`
      : `Installation reports ${installed}, expected ${expectedVersion}`,
  };
}
