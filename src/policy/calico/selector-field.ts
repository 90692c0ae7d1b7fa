// A Calico selector field of a policy, parsed once; a parse error names the field's file:line and the
// position in the expression.
import type { PathSegment } from '../../yaml/source-map.js';
import type { Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { parseSelectorCached, type Selector } from '../selector/index.js';

export function compileSelector(
  obj: LoadedObject,
  path: PathSegment[],
  value: unknown,
  problems: Problems,
): Selector | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    problems.add(obj, path, 'a selector must be a string such as `app == "web"`');
    return undefined;
  }
  if (value.trim() === '') return undefined;
  try {
    return parseSelectorCached(value);
  } catch (err) {
    const e = err as { position?: unknown; reason?: unknown; message?: string };
    const where = typeof e.position === 'number' ? ` at character ${e.position + 1}` : '';
    const reason = typeof e.reason === 'string' ? e.reason : (e.message ?? String(err));
    problems.add(
      obj,
      path,
      `selector '${value}' does not parse${where}: ${reason}`,
      'see the Calico selector syntax',
    );
    return undefined;
  }
}

/** True for a namespaceSelector that selects non-namespaced resources (`global()`), and only those. */
export function selectsGlobalScope(sel: Selector): boolean {
  return sel.matches({}, { global: true }) && !sel.matches({}, { global: false });
}
