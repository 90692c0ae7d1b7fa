// LAB ONLY: part of the Kubernetes API stand-in. Which resource types are served right now: the
// built-ins, those of every stored CustomResourceDefinition (so a CRD's kinds appear in discovery
// as soon as it is created, and disappear when it is deleted), and the aggregated
// `projectcalico.org/v3` group while its APIService is Available (as kube-aggregator proxies a group
// only then; the stand-in serves it in-process instead of proxying).
import { CALICO_APISERVICE, CALICO_V3_TYPES } from './calico-v3-types.js';
import { BUILTIN_TYPES, typesFromCrd, type CrdLike, type ResourceType } from './resource-types.js';
import type { KubeObject, ObjectStore } from './object-store.js';
import { resourceKey } from './object-store.js';

export const CRD_RESOURCE = resourceKey('apiextensions.k8s.io', 'customresourcedefinitions');
export const APISERVICE_RESOURCE = resourceKey('apiregistration.k8s.io', 'apiservices');

type Conditions = { status?: { conditions?: { type?: string; status?: string }[] } };

export function apiServiceAvailable(o: KubeObject | undefined): boolean {
  const conds = (o as Conditions | undefined)?.status?.conditions ?? [];
  return conds.some((c) => c.type === 'Available' && c.status === 'True');
}

export class TypeRegistry {
  private cache: ResourceType[] | undefined;

  constructor(private readonly store: ObjectStore) {
    store.subscribe((e) => {
      if (e.resource === CRD_RESOURCE || e.resource === APISERVICE_RESOURCE) this.cache = undefined;
    });
  }

  all(): ResourceType[] {
    if (!this.cache) {
      const aggregated = apiServiceAvailable(
        this.store.get(APISERVICE_RESOURCE, undefined, CALICO_APISERVICE),
      )
        ? CALICO_V3_TYPES
        : [];
      // A group version an APIService serves hides CRDs of the same group version, as in kube-aggregator.
      const shadowed = new Set(aggregated.map((t) => `${t.group}/${t.version}`));
      const crdTypes = this.store
        .list(CRD_RESOURCE)
        .flatMap((crd) => typesFromCrd(crd as CrdLike))
        .filter((t) => !shadowed.has(`${t.group}/${t.version}`));
      // Discovery lists groups by priority: an APIService's group (Calico asks for 1500) before CRD
      // groups (1000), so kubectl resolves `tiers` to projectcalico.org, not crd.projectcalico.org.
      this.cache = [...BUILTIN_TYPES, ...aggregated, ...crdTypes];
    }
    return this.cache;
  }

  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.version === version && t.plural === plural);
  }

  /** The type for a kind in any served version of a group (for the stand-in operator). */
  byKind(group: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => t.group === group && t.kind === kind);
  }

  /** Group → versions, in discovery order (the CRD's storage version first, as the real server prefers). */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.all()) {
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    return out;
  }
}
