// Convert one object between its enforced and staged kind. Server-set metadata is dropped: the result
// is a new object of another kind, and a stale resourceVersion or last-applied annotation describing
// the old kind would only confuse kubectl.
import { pairFor, type KindRef } from './kinds.js';

export type Direction = 'stage' | 'enforce';
type Json = Record<string, unknown>;

const SERVER_METADATA = [
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'selfLink',
];
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export type ObjectOutcome =
  | { kind: 'unchanged' }
  | { kind: 'converted'; from: KindRef; to: KindRef; value: Json }
  /** A staged `Delete`: enforcing it means the enforced policy of that name goes away. */
  | { kind: 'delete'; from: KindRef; target: KindRef }
  /** Staged actions with no enforced equivalent (Learn, Ignore). */
  | { kind: 'skipped'; from: KindRef; reason: string };

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function cleanMetadata(metadata: unknown): Json {
  const m: Json = isObject(metadata) ? { ...metadata } : {};
  for (const f of SERVER_METADATA) delete m[f];
  if (isObject(m['annotations'])) {
    const annotations = { ...m['annotations'] };
    delete annotations[LAST_APPLIED];
    if (Object.keys(annotations).length > 0) m['annotations'] = annotations;
    else delete m['annotations'];
  }
  return m;
}

/** The object with the kind fields replaced, other top-level keys in their original order. */
function rebuild(value: Json, to: KindRef, spec: Json): Json {
  const out: Json = { apiVersion: to.apiVersion, kind: to.kind };
  for (const [k, v] of Object.entries(value)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    out[k] = k === 'metadata' ? cleanMetadata(v) : k === 'spec' ? spec : v;
  }
  if (!('metadata' in out)) out['metadata'] = {};
  if (!('spec' in out)) out['spec'] = spec;
  return out;
}

export function convertObject(value: unknown, direction: Direction): ObjectOutcome {
  if (!isObject(value)) return { kind: 'unchanged' };
  const side = direction === 'stage' ? 'enforced' : 'staged';
  const pair = pairFor(value['apiVersion'], value['kind'], side);
  if (!pair) return { kind: 'unchanged' };
  const from = { apiVersion: String(value['apiVersion']), kind: String(value['kind']) };
  const spec: Json = isObject(value['spec']) ? { ...value['spec'] } : {};
  if (direction === 'stage') {
    return {
      kind: 'converted',
      from,
      to: pair.staged,
      value: rebuild(value, pair.staged, { stagedAction: 'Set', ...spec }),
    };
  }
  const action = spec['stagedAction'] ?? 'Set';
  delete spec['stagedAction'];
  if (action === 'Set')
    return { kind: 'converted', from, to: pair.enforced, value: rebuild(value, pair.enforced, spec) };
  if (action === 'Delete') return { kind: 'delete', from, target: pair.enforced };
  return {
    kind: 'skipped',
    from,
    reason: `stagedAction ${JSON.stringify(action)} has no enforced equivalent`,
  };
}
