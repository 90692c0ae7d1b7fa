// LAB ONLY: part of the Calico operator stand-in. How the stand-in's controllers read and write
// objects: straight through the API stand-in's write path (admission, generation, managedFields under
// the controller's manager name), creating or updating as a controller's apply would.
import { isDeepStrictEqual } from 'node:util';
import { rk, type KubeApi } from '../kube-api/kube-api.js';
import type { KubeObject } from '../kube-api/object-store.js';
import type { ResourceType } from '../kube-api/resource-types.js';

export type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ObjectWriter {
  constructor(
    readonly api: KubeApi,
    private readonly manager: string,
  ) {}

  type(group: string, plural: string): ResourceType | undefined {
    return this.api.registry.all().find((t) => t.group === group && t.plural === plural);
  }

  get(group: string, plural: string, ns: string | undefined, name: string): Obj | undefined {
    return this.api.store.get(`${group}/${plural}`, ns, name) as Obj | undefined;
  }

  /** Creates the object, or merges the given top-level fields and metadata into the stored one. */
  upsert(t: ResourceType, obj: Obj): Obj {
    const cur = this.api.store.get(rk(t), obj.metadata.namespace, obj.metadata.name);
    if (!cur) return this.api.create(t, obj.metadata.namespace, obj as KubeObject, this.manager);
    return this.api.update(
      t,
      obj.metadata.namespace,
      obj.metadata.name,
      { ...cur, ...obj, metadata: { ...cur.metadata, ...obj.metadata } } as KubeObject,
      undefined,
      this.manager,
    );
  }

  /** Creates the object unless one of that name exists (what a user changed is left alone). */
  ensure(t: ResourceType, obj: Obj): void {
    if (!this.api.store.get(rk(t), obj.metadata.namespace, obj.metadata.name))
      this.api.create(t, obj.metadata.namespace, obj as KubeObject, this.manager);
  }

  setStatus(t: ResourceType, ns: string | undefined, name: string, status: unknown): void {
    const cur = this.api.store.get(rk(t), ns, name);
    if (!cur || isDeepStrictEqual(cur.status, status)) return;
    this.api.update(
      t,
      ns,
      name,
      { ...cur, status } as KubeObject,
      t.subresources.includes('status') ? 'status' : undefined,
      this.manager,
    );
  }
}
