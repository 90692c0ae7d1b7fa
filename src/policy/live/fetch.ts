// Read what calico-validate and policy tests need from a live cluster: namespaces, pods, Kubernetes
// NetworkPolicies and the Calico v3 kinds. The Calico kinds exist only where the Calico API server
// runs; a kind the server does not serve is skipped with a warning, as a file set without it would be.
import { kubectl, kubectlFailure, type KubectlTarget } from './kubectl.js';
import { liveObject } from './live-object.js';
import { isRecord } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

interface Resource {
  /** Fully qualified resource name, so kubectl never picks another group's kind of the same name. */
  resource: string;
  namespaced: boolean;
  /** Only served by the Calico API server: absence is a warning, not an error. */
  optional: boolean;
  /** Why it may be absent, for the warning (default: no Calico API server). */
  absent?: string;
}

const CALICO = (plural: string, namespaced: boolean): Resource => ({
  resource: `${plural}.projectcalico.org`,
  namespaced,
  optional: true,
});

export const LIVE_RESOURCES: readonly Resource[] = [
  { resource: 'namespaces', namespaced: false, optional: false },
  { resource: 'pods', namespaced: true, optional: false },
  { resource: 'networkpolicies.networking.k8s.io', namespaced: true, optional: false },
  CALICO('tiers', false),
  CALICO('networkpolicies', true),
  CALICO('globalnetworkpolicies', false),
  CALICO('networksets', true),
  CALICO('globalnetworksets', false),
  CALICO('stagednetworkpolicies', true),
  CALICO('stagedglobalnetworkpolicies', false),
  CALICO('stagedkubernetesnetworkpolicies', true),
  // Calico 3.32 enforces ClusterNetworkPolicy (network-policy-api's CRD, installed with Calico).
  {
    resource: 'clusternetworkpolicies.policy.networking.k8s.io',
    namespaced: false,
    optional: true,
    absent: 'no ClusterNetworkPolicy CRD: Calico before 3.32?',
  },
];

export interface LiveSnapshot {
  objects: LoadedObject[];
  /** Kinds the server does not serve, and similar things the user should know. */
  warnings: string[];
}

const NOT_SERVED =
  /doesn't have a resource type|the server could not find the requested resource|no matches for kind/i;

async function fetchOne(t: KubectlTarget, r: Resource): Promise<{ items: unknown[]; warning?: string }> {
  const args = ['get', r.resource, ...(r.namespaced ? ['--all-namespaces'] : []), '-o', 'json'];
  const res = await kubectl(t, args);
  if (res.exitCode !== 0) {
    if (r.optional && NOT_SERVED.test(res.stderr))
      return {
        items: [],
        warning: `${r.resource} is not served (${r.absent ?? 'no Calico API server?'}): skipped`,
      };
    throw kubectlFailure(args, res, t);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(res.stdout);
  } catch {
    throw kubectlFailure(args, { ...res, stderr: 'kubectl printed no JSON' }, t);
  }
  return { items: isRecord(doc) && Array.isArray(doc['items']) ? doc['items'] : [] };
}

/** One snapshot of the cluster; the kinds are fetched concurrently (each is a separate list call). */
export async function fetchLive(t: KubectlTarget): Promise<LiveSnapshot> {
  // The first call alone, so an unreachable cluster gives one error rather than twelve.
  const first = await fetchOne(t, LIVE_RESOURCES[0]!);
  const rest = await Promise.all(LIVE_RESOURCES.slice(1).map((r) => fetchOne(t, r)));
  const results = [first, ...rest];
  const objects = results.flatMap((r) =>
    r.items.flatMap((item) => {
      const o = liveObject(item);
      return o ? [o] : [];
    }),
  );
  const warnings = results.flatMap((r) => (r.warning ? [r.warning] : []));
  return { objects, warnings };
}
