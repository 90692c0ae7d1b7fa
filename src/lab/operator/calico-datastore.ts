// LAB ONLY: part of the Calico operator stand-in. What Calico's own components write into the
// datastore (the `crd.projectcalico.org` storage) once calico-node runs: ClusterInformation `default`
// and the tiers every cluster has (`default`, order 1,000,000; the Kubernetes cluster-policy tiers),
// and what the operator adds through the Calico API server: the tier of its own components
// (`allow-tigera`, renamed `calico-system` in 3.32). A tier a user changed is left alone.
import { CALICO_V3_TYPES } from '../kube-api/calico-v3-types.js';
import type { ResourceType } from '../kube-api/resource-types.js';
import type { ObjectWriter } from './object-writer.js';

interface TierSpec {
  name: string;
  order: number;
  defaultAction: 'Deny' | 'Pass';
}

function v3Type(plural: string): ResourceType {
  const t = CALICO_V3_TYPES.find((x) => x.plural === plural);
  if (!t) throw new Error(`no projectcalico.org/v3 kind ${plural}`);
  return t;
}

/** `v3.32.1` → 32 (Calico 3.x minor). */
export function calicoMinor(version: string): number {
  return Number(/^v?3\.(\d+)/.exec(version)?.[1] ?? 0);
}

/** Tiers calico-node and kube-controllers create, with or without the API server. */
export function builtinTiers(version: string): TierSpec[] {
  const minor = calicoMinor(version);
  const tiers: TierSpec[] = [{ name: 'default', order: 1_000_000, defaultAction: 'Deny' }];
  // 3.32 holds Kubernetes ClusterNetworkPolicy in kube-admin / kube-baseline; 3.30 and 3.31 held
  // AdminNetworkPolicy in the adminnetworkpolicy tier.
  if (minor >= 32)
    tiers.push(
      { name: 'kube-admin', order: 1_000, defaultAction: 'Pass' },
      { name: 'kube-baseline', order: 10_000_000, defaultAction: 'Pass' },
    );
  else if (minor >= 30) tiers.push({ name: 'adminnetworkpolicy', order: 1_000, defaultAction: 'Pass' });
  return tiers;
}

/** The tier the operator keeps its components' policies in, created through the API server. */
export function operatorTier(version: string): TierSpec {
  return {
    name: calicoMinor(version) >= 32 ? 'calico-system' : 'allow-tigera',
    order: 100,
    defaultAction: 'Deny',
  };
}

export function ensureTiers(w: ObjectWriter, tiers: TierSpec[]): void {
  const t = v3Type('tiers');
  for (const { name, order, defaultAction } of tiers) {
    w.ensure(t, { metadata: { name }, spec: { order, defaultAction } });
  }
}

export function seedDatastore(w: ObjectWriter, version: string): void {
  ensureTiers(w, builtinTiers(version));
  const t = v3Type('clusterinformations');
  const cur = w.get(t.storageGroup ?? t.group, t.plural, undefined, 'default');
  if (cur?.spec?.calicoVersion === version && cur.spec.datastoreReady === true) return;
  w.upsert(t, {
    metadata: { name: 'default' },
    spec: {
      ...(cur?.spec ?? {}),
      calicoVersion: version,
      clusterType: 'k8s,operator,kdd',
      datastoreReady: true,
    },
  });
}
