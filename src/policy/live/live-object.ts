// Objects read from a cluster have no file: each gets a synthetic location naming where it came from,
// `kubectl:<Kind>/<namespace>/<name>`, so explanations and errors still say which object decided.
import type { SourceLocation } from '../../errors.js';
import { isRecord } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

export function liveLocation(value: Record<string, unknown>): SourceLocation {
  const meta = isRecord(value['metadata']) ? value['metadata'] : {};
  const kind = typeof value['kind'] === 'string' ? value['kind'] : '?';
  const ns = typeof meta['namespace'] === 'string' ? `${meta['namespace']}/` : '';
  const name = typeof meta['name'] === 'string' ? meta['name'] : '?';
  return { file: `kubectl:${kind}/${ns}${name}`, line: 1, column: 1 };
}

/** A LoadedObject for the evaluator; `undefined` for items without apiVersion/kind. */
export function liveObject(value: unknown): LoadedObject | undefined {
  if (!isRecord(value)) return undefined;
  const { apiVersion, kind } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  const location = liveLocation(value);
  return { apiVersion, kind, value, location, at: () => location };
}
