// The loader's one call: every Calico object read from the files goes through the API's validation,
// and each broken rule becomes an input problem (exit 2, file:line, field, what to do).
import type { Problems } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';
import { messageOf } from './api-rule.js';
import { validateCalicoObject } from './index.js';

export function validateLoadedObjects(objects: readonly LoadedObject[], problems: Problems): void {
  for (const o of objects)
    validateCalicoObject(o.kind, o.value, (path, rule, detail) =>
      problems.add(o, path, messageOf(rule, detail), rule.hint),
    );
}
