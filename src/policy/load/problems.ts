// Collects every problem in the input before failing, so a user fixes them all in one pass.
import { InputError, type InputProblem } from '../../errors.js';
import { formatPath, type PathSegment } from '../../yaml/source-map.js';
import type { LoadedObject } from './read-objects.js';

export class Problems {
  readonly list: InputProblem[] = [];
  /** Things worth telling the user that do not stop the evaluation (ignored kinds, assumptions). */
  readonly notes: string[] = [];
  /** Fields already reported: the API's validation runs first, and one message per field is enough. */
  private readonly reported = new Set<string>();

  add(obj: LoadedObject, path: readonly PathSegment[], message: string, hint?: string): void {
    const location = obj.at(path);
    const field = path.length ? formatPath(path) : undefined;
    if (field !== undefined) {
      const key = `${location.file}:${location.line}:${field}`;
      if (this.reported.has(key)) return;
      this.reported.add(key);
    }
    this.list.push({
      location,
      field,
      message: `${describe(obj)}: ${message}`,
      hint,
    });
  }

  throwIfAny(summary = 'the policy input has errors'): void {
    if (this.list.length) throw new InputError(summary, this.list);
  }
}

export function describe(obj: LoadedObject): string {
  const meta = obj.value['metadata'];
  const m = typeof meta === 'object' && meta !== null ? (meta as Record<string, unknown>) : {};
  const name = typeof m['name'] === 'string' ? m['name'] : '?';
  const ns = typeof m['namespace'] === 'string' ? `${m['namespace']}/` : '';
  return `${obj.kind} ${ns}${name}`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** String-to-string labels; reports non-string values. */
export function readLabels(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) {
    problems.add(obj, path, 'labels must be a mapping of strings');
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.add(obj, [...path, k], 'label values must be strings');
  }
  return out;
}

export function metadataOf(obj: LoadedObject): Record<string, unknown> {
  const m = obj.value['metadata'];
  return isRecord(m) ? m : {};
}

export function nameOf(obj: LoadedObject, problems: Problems): string {
  const n = metadataOf(obj)['name'];
  if (typeof n === 'string' && n) return n;
  problems.add(obj, ['metadata'], 'metadata.name is missing', 'give the object a name');
  return '?';
}
