// One Kubernetes object found in a user's files (a document, or an item of a `kind: List`), with the
// means to turn a field path into file:line:column. Rules read `value` and report against paths.
import type { SourceLocation } from '../../errors.js';
import { formatPath, type PathSegment, type YamlDocument } from '../../yaml/source-map.js';
import type { SourceFile } from './sources.js';

export type Json = Record<string, unknown>;

export const CALICO_GROUP = 'projectcalico.org/v3';
export const CALICO_STORAGE_GROUP = 'crd.projectcalico.org/v1';
export const KUBERNETES_NETWORKING = 'networking.k8s.io/v1';

import { isClusterNetworkPolicy, type CalicoKind } from '../model/calico-kinds.js';
export { CALICO_KINDS, type CalicoKind } from '../model/calico-kinds.js';

export interface Resource {
  source: SourceFile;
  doc: YamlDocument;
  /** Where the object sits in its document: `[]`, or `['items', 3]` inside a List. */
  base: PathSegment[];
  value: Json;
  apiVersion: string;
  kind: string;
  name: string;
  /** `metadata.namespace` as written (undefined when absent). */
  namespace: string | undefined;
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Value at a path below `root`, or undefined. */
export function getPath(root: unknown, path: readonly PathSegment[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isObject(cur) ? cur[seg] : undefined;
  }
  return cur;
}

/** Where a field is; falls back to the nearest enclosing field the file has. */
export function locate(r: Resource, path: readonly PathSegment[], key = false): SourceLocation {
  const full = [...r.base, ...path];
  for (let n = full.length; n >= 0; n--) {
    const p = full.slice(0, n);
    const loc = key ? r.doc.locateKey(p) : r.doc.locate(p);
    if (loc) return loc;
  }
  return r.doc.location;
}

export function fieldName(r: Resource, path: readonly PathSegment[]): string {
  return formatPath([...r.base, ...path]);
}

export function isCalicoGroup(apiVersion: string): boolean {
  return apiVersion === CALICO_GROUP || apiVersion === CALICO_STORAGE_GROUP;
}

export function isCalicoKind(r: Resource, ...kinds: CalicoKind[]): boolean {
  return isCalicoGroup(r.apiVersion) && (kinds as string[]).includes(r.kind);
}

/** A `networking.k8s.io/v1` NetworkPolicy or its staged twin: both have Kubernetes' spec. */
export function isKubernetesShaped(r: Resource): boolean {
  return (
    (r.apiVersion === KUBERNETES_NETWORKING && r.kind === 'NetworkPolicy') ||
    isCalicoKind(r, 'StagedKubernetesNetworkPolicy')
  );
}

/** Calico's own policy kinds, with Calico rules (action, source, destination). */
export function isCalicoPolicy(r: Resource): boolean {
  return isCalicoKind(
    r,
    'NetworkPolicy',
    'GlobalNetworkPolicy',
    'StagedNetworkPolicy',
    'StagedGlobalNetworkPolicy',
  );
}

export function isGlobal(r: Resource): boolean {
  return (
    isClusterNetworkPolicy(r) ||
    isCalicoKind(r, 'GlobalNetworkPolicy', 'StagedGlobalNetworkPolicy', 'GlobalNetworkSet', 'Tier')
  );
}

/** The namespace the object lands in: kubectl puts an object without one in `default`. */
export function effectiveNamespace(r: Resource): string {
  return r.namespace ?? 'default';
}

function toResource(source: SourceFile, doc: YamlDocument, base: PathSegment[], value: Json): Resource {
  const metadata = isObject(value['metadata']) ? value['metadata'] : {};
  return {
    source,
    doc,
    base,
    value,
    apiVersion: asString(value['apiVersion']) ?? '',
    kind: asString(value['kind']) ?? '',
    name: asString(metadata['name']) ?? '',
    namespace: asString(metadata['namespace']),
  };
}

/** Every object in the files; a `kind: List` contributes its items. */
export function collectResources(sources: readonly SourceFile[]): Resource[] {
  const out: Resource[] = [];
  for (const source of sources) {
    for (const doc of source.documents) {
      if (!isObject(doc.value)) continue;
      const top = doc.value;
      if (
        top['kind'] === 'List' ||
        (asString(top['kind'])?.endsWith('List') && Array.isArray(top['items']))
      ) {
        asArray(top['items']).forEach((item, i) => {
          if (isObject(item)) out.push(toResource(source, doc, ['items', i], item));
        });
      } else {
        out.push(toResource(source, doc, [], top));
      }
    }
  }
  return out;
}

export function describe(r: Resource): string {
  const ns = r.namespace ? `${r.namespace}/` : '';
  return `${r.kind} ${ns}${r.name || '(unnamed)'}`;
}
