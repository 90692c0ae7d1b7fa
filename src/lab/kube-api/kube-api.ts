// LAB ONLY: part of the Kubernetes API stand-in. The API server's write path, shared by HTTP requests
// and the stand-in operator: defaulting, the admission checks Calico's manifests meet on a real
// cluster (namespace must exist, names, the 262,144-byte annotation limit), resourceVersion
// conflicts, status subresource rules, generation, server-side apply, and garbage collection of
// owned objects on delete.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  alreadyExists,
  badRequest,
  invalid,
  modifiedConflict,
  notFound,
  ApiStatusError,
} from './api-status.js';
import { CALICO_V3_GROUP, calicoV3Defaults } from './calico-v3-types.js';
import { recordUpdate, serverSideApply } from './managed-fields.js';
import { jsonPatch, mergePatch, strategicMergePatch } from './merge-patch.js';
import { ObjectStore, resourceKey, type KubeObject } from './object-store.js';
import { groupVersion, qualifiedResource, type CrdLike, type ResourceType } from './resource-types.js';
import { CRD_RESOURCE, TypeRegistry } from './type-registry.js';

/** The real API server's limit on the total size of an object's annotations (keys + values). */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 262144;

export type PatchType = 'apply' | 'merge' | 'strategic' | 'json';

export function rk(t: Pick<ResourceType, 'group' | 'plural' | 'storageGroup'>): string {
  return resourceKey(t.storageGroup ?? t.group, t.plural);
}

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

function specPart(o: KubeObject): unknown {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export class KubeApi {
  readonly registry: TypeRegistry;

  constructor(readonly store: ObjectStore) {
    this.registry = new TypeRegistry(store);
  }

  get(t: ResourceType, ns: string | undefined, name: string): KubeObject {
    const o = this.store.get(rk(t), t.namespaced ? ns : undefined, name);
    if (!o) throw notFound(t, name);
    return this.present(t, o);
  }

  list(t: ResourceType, ns: string | undefined): KubeObject[] {
    return this.store.list(rk(t), t.namespaced ? ns : undefined).map((o) => this.present(t, o));
  }

  /** An object as served in the requested version (no conversion: the lab keeps one shape). */
  present(t: ResourceType, o: KubeObject): KubeObject {
    return { ...o, apiVersion: groupVersion(t), kind: t.kind };
  }

  create(
    t: ResourceType,
    ns: string | undefined,
    body: KubeObject,
    manager: string,
    dryRun = false,
  ): KubeObject {
    const obj = this.normalise(t, ns, body);
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = `${obj.metadata.generateName}${randomUUID().replace(/-/g, '').slice(0, 5)}`;
    }
    const name = obj.metadata.name ?? '';
    if (!name)
      throw invalid(t, '', [
        {
          reason: 'FieldValueRequired',
          field: 'metadata.name',
          message: 'Required value: name or generateName is required',
        },
      ]);
    this.admit(t, obj);
    if (
      t.namespaced &&
      !this.store.get(resourceKey('', 'namespaces'), undefined, obj.metadata.namespace ?? '')
    ) {
      throw notFound({ group: '', plural: 'namespaces' }, obj.metadata.namespace ?? '');
    }
    if (this.store.get(rk(t), obj.metadata.namespace, name)) throw alreadyExists(t, name);
    if (t.subresources.includes('status') && t.group !== '' && !isBuiltinWithStatusOnCreate(t))
      delete obj.status;
    obj.metadata.uid = randomUUID();
    obj.metadata.creationTimestamp = now();
    obj.metadata.generation = 1;
    delete obj.metadata.resourceVersion;
    defaults(t, obj);
    recordUpdate(undefined, obj, manager, undefined);
    return dryRun ? this.present(t, obj) : this.present(t, this.store.put(rk(t), obj));
  }

  update(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    body: KubeObject,
    sub: string | undefined,
    manager: string,
    dryRun = false,
  ): KubeObject {
    const cur = this.store.get(rk(t), t.namespaced ? ns : undefined, name);
    if (!cur) throw notFound(t, name);
    const obj = this.normalise(t, ns, body);
    if (obj.metadata.name !== undefined && obj.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    obj.metadata.name = name;
    if (obj.metadata.resourceVersion && obj.metadata.resourceVersion !== cur.metadata.resourceVersion) {
      throw modifiedConflict(t, name);
    }
    return this.commit(t, cur, obj, sub, manager, dryRun, (next) => recordUpdate(cur, next, manager, sub));
  }

  patch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
    sub: string | undefined,
    manager: string,
    force: boolean,
    dryRun = false,
  ): KubeObject {
    const cur = this.store.get(rk(t), t.namespaced ? ns : undefined, name);
    if (type === 'apply') {
      const applied = this.normalise(t, ns, patch as KubeObject);
      if (applied.metadata.name !== undefined && applied.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`,
        );
      }
      applied.metadata.name = name;
      if (!cur) {
        if (sub) throw notFound(t, name);
        const { object } = serverSideApply(undefined, applied, manager, force, undefined, mergePatch);
        const fields = object.metadata.managedFields;
        const created = this.create(t, ns, object, manager, true);
        created.metadata.managedFields = fields;
        this.admit(t, created);
        return dryRun
          ? created
          : this.present(t, this.store.put(rk(t), { ...created, metadata: { ...created.metadata } }));
      }
      const out = serverSideApply(cur, applied, manager, force, sub, mergePatch);
      if (out.conflicts.length > 0 && !force) {
        const causes = out.conflicts.map((c) => ({
          reason: 'FieldManagerConflict',
          message: `conflict with "${c.manager}"`,
          field: `.${c.path.join('.')}`,
        }));
        const lines = causes.map((c) => `- ${c.message}: ${c.field}`).join('\n');
        throw new ApiStatusError(
          409,
          'Conflict',
          `Apply failed with ${causes.length} conflict${causes.length > 1 ? 's' : ''}: ${lines.replace(/^- /, '').replace(/\n- /g, '\n')}`,
          {
            name,
            ...(t.group ? { group: t.group } : {}),
            kind: t.plural,
            causes,
          },
        );
      }
      const fields = out.object.metadata.managedFields;
      return this.commit(t, cur, out.object, sub, manager, dryRun, (next) => {
        next.metadata.managedFields = fields;
      });
    }
    if (!cur) throw notFound(t, name);
    let next: unknown;
    try {
      next =
        type === 'json'
          ? jsonPatch(cur, patch)
          : type === 'strategic'
            ? strategicMergePatch(cur, patch)
            : mergePatch(cur, patch);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    const obj = next as KubeObject;
    const rv = (patch as KubeObject | undefined)?.metadata?.resourceVersion;
    if (rv && rv !== cur.metadata.resourceVersion) throw modifiedConflict(t, name);
    return this.commit(t, cur, obj, sub, manager, dryRun, (n) => recordUpdate(cur, n, manager, sub));
  }

  /** Deletes an object, what it owns (garbage collection), and for a namespace or CRD, everything in it. */
  remove(t: ResourceType, ns: string | undefined, name: string): KubeObject {
    const gone = this.store.delete(rk(t), t.namespaced ? ns : undefined, name);
    if (!gone) throw notFound(t, name);
    if (t.group === '' && t.plural === 'namespaces') {
      for (const other of this.registry.all()) {
        if (other.namespaced)
          for (const o of this.store.list(rk(other), name))
            this.store.delete(rk(other), name, o.metadata.name ?? '');
      }
    }
    if (rk(t) === CRD_RESOURCE) {
      const spec = (gone as CrdLike).spec;
      const res = resourceKey(spec?.group ?? '', spec?.names?.plural ?? '');
      for (const o of this.store.list(res))
        this.store.delete(res, o.metadata.namespace, o.metadata.name ?? '');
    }
    this.collectGarbage(gone.metadata.uid);
    return this.present(t, gone);
  }

  private collectGarbage(uid: string | undefined): void {
    if (!uid) return;
    for (const t of this.registry.all()) {
      for (const o of this.store.list(rk(t))) {
        const owners = (o.metadata.ownerReferences ?? []) as { uid?: string }[];
        if (owners.some((r) => r.uid === uid)) {
          const g = this.store.delete(rk(t), o.metadata.namespace, o.metadata.name ?? '');
          this.collectGarbage(g?.metadata.uid);
        }
      }
    }
  }

  private commit(
    t: ResourceType,
    cur: KubeObject,
    next: KubeObject,
    sub: string | undefined,
    _manager: string,
    dryRun: boolean,
    ownership: (next: KubeObject) => void,
  ): KubeObject {
    const obj = structuredClone(next);
    obj.metadata = { ...obj.metadata };
    for (const k of ['uid', 'creationTimestamp', 'namespace', 'name', 'generation'] as const) {
      if (cur.metadata[k] === undefined) delete obj.metadata[k];
      else (obj.metadata as Record<string, unknown>)[k] = cur.metadata[k];
    }
    if (t.subresources.includes('status')) {
      if (sub === 'status') {
        const status = obj.status;
        Object.assign(obj, structuredClone({ ...cur, metadata: obj.metadata }));
        if (status === undefined) delete obj.status;
        else obj.status = status;
      } else if (cur.status === undefined) delete obj.status;
      else obj.status = structuredClone(cur.status);
    }
    defaults(t, obj);
    if (!isDeepStrictEqual(specPart(cur), specPart(obj))) {
      obj.metadata.generation = (cur.metadata.generation ?? 1) + 1;
    }
    this.admit(t, obj);
    ownership(obj);
    delete obj.metadata.resourceVersion;
    const { resourceVersion: _rv, managedFields: _mf, ...curMeta } = cur.metadata;
    const { managedFields: _nf, ...nextMeta } = obj.metadata;
    const unchanged = isDeepStrictEqual({ ...cur, metadata: curMeta }, { ...obj, metadata: nextMeta });
    if (dryRun || unchanged) return this.present(t, unchanged ? cur : obj);
    return this.present(t, this.store.put(rk(t), obj));
  }

  private normalise(t: ResourceType, ns: string | undefined, body: unknown): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw badRequest('the body of the request was not an object');
    const obj = structuredClone(body) as KubeObject;
    obj.metadata = { ...(obj.metadata ?? {}) };
    if (obj.kind !== undefined && obj.kind !== t.kind) {
      throw badRequest(`the kind of the object (${obj.kind}) does not match the kind of the URL (${t.kind})`);
    }
    obj.apiVersion = groupVersion(t);
    obj.kind = t.kind;
    if (t.namespaced) {
      if (obj.metadata.namespace && ns && obj.metadata.namespace !== ns) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      obj.metadata.namespace = ns ?? obj.metadata.namespace ?? 'default';
    } else delete obj.metadata.namespace;
    delete obj.metadata.managedFields;
    return obj;
  }

  private admit(t: ResourceType, obj: KubeObject): void {
    const name = obj.metadata.name ?? '';
    const causes: { reason: string; field: string; message: string }[] = [];
    const annotations = obj.metadata.annotations ?? {};
    const size = Object.entries(annotations).reduce(
      (n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(String(v)),
      0,
    );
    if (size > TOTAL_ANNOTATION_SIZE_LIMIT) {
      causes.push({
        reason: 'FieldValueTooLong',
        field: 'metadata.annotations',
        message: `Too long: must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes`,
      });
    }
    if (
      name &&
      !(t.plural === 'nodes' || t.group === 'rbac.authorization.k8s.io' ? /^[^/%]+$/ : NAME_RE).test(name)
    ) {
      causes.push({
        reason: 'FieldValueInvalid',
        field: 'metadata.name',
        message: `Invalid value: "${name}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
      });
    }
    if (rk(t) === CRD_RESOURCE) {
      const spec = (obj as CrdLike).spec;
      const want = `${spec?.names?.plural ?? ''}.${spec?.group ?? ''}`;
      if (name !== want)
        causes.push({
          reason: 'FieldValueInvalid',
          field: 'metadata.name',
          message: `Invalid value: "${name}": must be spec.names.plural+"."+spec.group`,
        });
    }
    if (causes.length > 0) throw invalid(t, name, causes);
  }
}

/** Built-ins whose create keeps a client-supplied status (none that Calico's manifests rely on). */
function isBuiltinWithStatusOnCreate(_t: ResourceType): boolean {
  return false;
}

function defaults(t: ResourceType, obj: KubeObject): void {
  const o = obj as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  if (t.group === CALICO_V3_GROUP) return calicoV3Defaults(t.plural, o);
  switch (`${t.group}/${t.plural}`) {
    case '/namespaces':
      o.metadata.labels = { ...(o.metadata.labels ?? {}), 'kubernetes.io/metadata.name': o.metadata.name };
      o.spec ??= { finalizers: ['kubernetes'] };
      o.status ??= { phase: 'Active' };
      break;
    case 'apps/daemonsets':
      o.spec ??= {};
      o.spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (o.spec.updateStrategy.type === 'RollingUpdate')
        o.spec.updateStrategy.rollingUpdate ??= { maxUnavailable: 1, maxSurge: 0 };
      o.spec.revisionHistoryLimit ??= 10;
      break;
    case 'apps/deployments':
      o.spec ??= {};
      o.spec.replicas ??= 1;
      o.spec.strategy ??= {
        type: 'RollingUpdate',
        rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' },
      };
      o.spec.revisionHistoryLimit ??= 10;
      o.spec.progressDeadlineSeconds ??= 600;
      break;
    case '/pods':
      o.status ??= { phase: 'Pending', qosClass: 'BestEffort' };
      break;
    case '/secrets':
      o.type ||= 'Opaque';
      break;
    case '/services':
      o.spec ??= {};
      o.spec.type ??= 'ClusterIP';
      break;
    case 'apiextensions.k8s.io/customresourcedefinitions': {
      const names = o.spec?.names ?? {};
      o.status = {
        conditions: [
          {
            type: 'NamesAccepted',
            status: 'True',
            reason: 'NoConflicts',
            message: 'no conflicts found',
            lastTransitionTime: o.metadata.creationTimestamp,
          },
          {
            type: 'Established',
            status: 'True',
            reason: 'InitialNamesAccepted',
            message: 'the initial names have been accepted',
            lastTransitionTime: o.metadata.creationTimestamp,
          },
        ],
        acceptedNames: {
          ...names,
          listKind: names.listKind ?? `${names.kind}List`,
          singular: names.singular ?? String(names.kind ?? '').toLowerCase(),
        },
        storedVersions: ((o.spec?.versions ?? []) as { name: string; storage?: boolean }[])
          .filter((v) => v.storage)
          .map((v) => v.name),
      };
      break;
    }
  }
}

export { qualifiedResource };
