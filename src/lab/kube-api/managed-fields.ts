// LAB ONLY: part of the Kubernetes API stand-in. Field ownership as server-side apply records it in
// `metadata.managedFields` (FieldsV1), and the conflict rule `kubectl apply --server-side` runs into:
// applying a value to a field another manager owns with a different value is a 409 Conflict unless
// `force=true`, which takes the field over. Simplification: lists are atomic (owned as a whole); the
// real server merges `listType: map` lists (containers, …) by key.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from './object-store.js';

type JsonObject = Record<string, unknown>;
export type FieldPath = string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonObject;
  subresource?: string;
}

export interface FieldConflict {
  manager: string;
  path: FieldPath;
}

const IDENTITY_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'managedFields',
  'selfLink',
]);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The owned leaves of an object: `status` only for the status subresource, everything else otherwise. */
export function fieldLeaves(obj: unknown, subresource: string | undefined): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (v: unknown, path: FieldPath): void => {
    if (isObject(v) && Object.keys(v).length > 0) {
      for (const [k, child] of Object.entries(v)) walk(child, [...path, k]);
    } else out.push(path);
  };
  if (!isObject(obj)) return out;
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind') continue;
    if ((subresource === 'status') !== (k === 'status')) continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!IDENTITY_META.has(mk)) walk(mv, ['metadata', mk]);
      continue;
    }
    walk(v, [k]);
  }
  return out;
}

export function valueAt(obj: unknown, path: FieldPath): unknown {
  let cur = obj;
  for (const p of path) cur = isObject(cur) ? cur[p] : undefined;
  return cur;
}

export function deleteAt(obj: JsonObject, path: FieldPath): void {
  let cur: unknown = obj;
  for (const p of path.slice(0, -1)) cur = isObject(cur) ? cur[p] : undefined;
  if (isObject(cur)) delete cur[path[path.length - 1]!];
}

export function encodeFields(paths: FieldPath[]): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let cur = root;
    for (const p of path) cur = (cur[`f:${p}`] ??= {}) as JsonObject;
  }
  return root;
}

export function decodeFields(fields: JsonObject): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: JsonObject, path: FieldPath): void => {
    const children = Object.keys(node).filter((k) => k.startsWith('f:'));
    if (children.length === 0 && path.length > 0) out.push(path);
    for (const k of children) walk(node[k] as JsonObject, [...path, k.slice(2)]);
  };
  walk(fields, []);
  return out;
}

const key = (p: FieldPath): string => p.join('\u0000');
const entryId = (e: Pick<ManagedFieldsEntry, 'manager' | 'operation' | 'subresource'>): string =>
  `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ''}`;

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Owner {
  entry: ManagedFieldsEntry;
  paths: Map<string, FieldPath>;
}

function owners(obj: KubeObject | undefined): Owner[] {
  return ((obj?.metadata.managedFields ?? []) as ManagedFieldsEntry[]).map((entry) => ({
    entry,
    paths: new Map(decodeFields(entry.fieldsV1 ?? {}).map((p) => [key(p), p])),
  }));
}

function finish(list: Owner[], result: KubeObject): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const o of list) {
    const live = [...o.paths.values()].filter((p) => valueAt(result, p) !== undefined);
    if (live.length === 0) continue;
    out.push({ ...o.entry, fieldsV1: encodeFields(live) });
  }
  return out;
}

export interface ApplyOutcome {
  object: KubeObject;
  conflicts: FieldConflict[];
}

/**
 * Server-side apply of `applied` onto `current` by `manager`. Returns conflicts (and leaves the object
 * unchanged) unless `force`.
 */
export function serverSideApply(
  current: KubeObject | undefined,
  applied: KubeObject,
  manager: string,
  force: boolean,
  subresource: string | undefined,
  merge: (target: unknown, patch: unknown) => unknown,
): ApplyOutcome {
  const list = owners(current);
  const me = { manager, operation: 'Apply' as const, subresource };
  const appliedPaths = fieldLeaves(applied, subresource);
  const conflicts: FieldConflict[] = [];
  for (const o of list) {
    if (entryId(o.entry) === entryId(me)) continue;
    for (const p of appliedPaths) {
      if (o.paths.has(key(p)) && !isDeepStrictEqual(valueAt(current, p), valueAt(applied, p))) {
        conflicts.push({ manager: o.entry.manager, path: p });
      }
    }
  }
  if (conflicts.length > 0 && !force) return { object: current ?? applied, conflicts };
  for (const c of conflicts)
    for (const o of list) if (o.entry.manager === c.manager) o.paths.delete(key(c.path));

  const base = structuredClone(current ?? ({ metadata: {} } as KubeObject)) as KubeObject;
  let mine = list.find((o) => entryId(o.entry) === entryId(me));
  const appliedKeys = new Set(appliedPaths.map(key));
  for (const [k, p] of mine?.paths ?? []) {
    const ownedElsewhere = list.some((o) => o !== mine && o.paths.has(k));
    if (!appliedKeys.has(k) && !ownedElsewhere) deleteAt(base, p);
  }
  const appliedBody = structuredClone(applied) as JsonObject;
  if (subresource === 'status') {
    for (const k of Object.keys(appliedBody))
      if (!['status', 'apiVersion', 'kind'].includes(k)) delete appliedBody[k];
  } else delete appliedBody.status;
  const result = merge(base, appliedBody) as KubeObject;
  if (!mine) {
    mine = {
      entry: {
        ...me,
        apiVersion: applied.apiVersion ?? '',
        time: now(),
        fieldsType: 'FieldsV1',
        fieldsV1: {},
      },
      paths: new Map(),
    };
    if (!subresource) delete mine.entry.subresource;
    list.push(mine);
  }
  mine.entry.time = now();
  mine.entry.apiVersion = applied.apiVersion ?? mine.entry.apiVersion;
  mine.paths = new Map(appliedPaths.map((p) => [key(p), p]));
  result.metadata.managedFields = finish(list, result);
  return { object: result, conflicts };
}

/** Ownership after a create, update or non-apply patch: changed fields move to `manager`. */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  subresource: string | undefined,
): void {
  const list = owners(before);
  const me = { manager, operation: 'Update' as const, subresource };
  const changed = fieldLeaves(after, subresource).filter(
    (p) => !isDeepStrictEqual(valueAt(before, p), valueAt(after, p)),
  );
  if (changed.length > 0) {
    for (const o of list) for (const p of changed) o.paths.delete(key(p));
    let mine = list.find((o) => entryId(o.entry) === entryId(me));
    if (!mine) {
      mine = {
        entry: {
          ...me,
          apiVersion: after.apiVersion ?? '',
          time: now(),
          fieldsType: 'FieldsV1',
          fieldsV1: {},
        },
        paths: new Map(),
      };
      if (!subresource) delete mine.entry.subresource;
      list.push(mine);
    }
    mine.entry.time = now();
    for (const p of changed) mine.paths.set(key(p), p);
  }
  after.metadata.managedFields = finish(list, after);
}
