// LAB ONLY: part of the Kubernetes API stand-in. Which resource types are served right now: the
// built-ins plus those of every stored CustomResourceDefinition (so a CRD's kinds appear in discovery
// as soon as it is created, and disappear when it is deleted).
import { BUILTIN_TYPES, typesFromCrd, type CrdLike, type ResourceType } from './resource-types.js';
import type { ObjectStore } from './object-store.js';
import { resourceKey } from './object-store.js';

export const CRD_RESOURCE = resourceKey('apiextensions.k8s.io', 'customresourcedefinitions');

export class TypeRegistry {
  private cache: ResourceType[] | undefined;

  constructor(private readonly store: ObjectStore) {
    store.subscribe((e) => {
      if (e.resource === CRD_RESOURCE) this.cache = undefined;
    });
  }

  all(): ResourceType[] {
    if (!this.cache) {
      const crdTypes = this.store.list(CRD_RESOURCE).flatMap((crd) => typesFromCrd(crd as CrdLike));
      this.cache = [...BUILTIN_TYPES, ...crdTypes];
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
