// Which staged policies `policy enforce --live` may enforce, and the cluster as it would be after.
// picocal's own baseline (label app.kubernetes.io/managed-by: picocal, rendered per protected
// namespace) is never enforced here: its mode is the inventory's `policy.mode`, and the next bootstrap
// or reprovision would put the staged kind back. `-n NS` and policy names narrow the choice further.
import { UsageError } from '../../errors.js';
import { closest } from '../../schema/did-you-mean.js';
import { convertObject } from '../convert/index.js';
import { isRecord } from '../load/problems.js';
import type { LoadedObject } from '../load/read-objects.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by';

interface Meta {
  name: string;
  namespace: string | undefined;
  labels: Record<string, unknown>;
}

function meta(o: { value: Record<string, unknown> }): Meta {
  const m = isRecord(o.value['metadata']) ? o.value['metadata'] : {};
  return {
    name: String(m['name'] ?? '?'),
    namespace: typeof m['namespace'] === 'string' ? m['namespace'] : undefined,
    labels: isRecord(m['labels']) ? m['labels'] : {},
  };
}

function shown(o: LoadedObject): string {
  const m = meta(o);
  return `${o.kind} ${m.namespace ? `${m.namespace}/` : ''}${m.name}`;
}

export interface EnforceSelection {
  selected: LoadedObject[];
  /** Staged policies left alone on purpose, with why (picocal's baseline). */
  kept: string[];
}

/**
 * The staged policies to enforce: in `namespaces` when given (cluster-wide ones then excluded), named by
 * `names` (`name` or `namespace/name`) when given, never picocal's baseline. A name that matches no
 * staged policy is a usage error naming the closest.
 */
export function selectStaged(
  staged: readonly LoadedObject[],
  namespaces: readonly string[],
  names: readonly string[],
): EnforceSelection {
  const kept: string[] = [];
  const candidates = staged.filter((o) => {
    const m = meta(o);
    if (namespaces.length && (!m.namespace || !namespaces.includes(m.namespace))) return false;
    if (m.labels[MANAGED_BY] === 'picocal') {
      kept.push(
        `${shown(o)}: picocal's baseline; its mode is the inventory's policy.mode ` +
          '(set mode: enforced there, then picocal bootstrap)',
      );
      return false;
    }
    return true;
  });
  if (!names.length) return { selected: candidates, kept };
  const keyOf = (o: LoadedObject) => {
    const m = meta(o);
    return [m.name, ...(m.namespace ? [`${m.namespace}/${m.name}`] : [])];
  };
  const unknown = names.filter((n) => !candidates.some((o) => keyOf(o).includes(n)));
  if (unknown.length) {
    const all = candidates.flatMap((o) => keyOf(o).slice(-1));
    const guess = closest(unknown[0] ?? '', candidates.flatMap(keyOf));
    const baseline = staged.some(
      (o) => meta(o).labels[MANAGED_BY] === 'picocal' && keyOf(o).some((k) => unknown.includes(k)),
    );
    throw new UsageError(
      `no staged policy ${unknown.map((n) => `'${n}'`).join(', ')} to enforce${namespaces.length ? ` in ${namespaces.join(', ')}` : ''}`,
      baseline
        ? "that is picocal's baseline: its mode is the inventory's policy.mode (set mode: enforced, then picocal bootstrap)"
        : guess
          ? `did you mean '${guess}'?`
          : all.length
            ? `staged policies: ${all.join(', ')}`
            : 'the cluster has no staged policy to enforce here',
    );
  }
  return { selected: candidates.filter((o) => keyOf(o).some((k) => names.includes(k))), kept };
}

function sameObject(o: LoadedObject, apiVersion: string, kind: string, m: Meta): boolean {
  const x = meta(o);
  return o.apiVersion === apiVersion && o.kind === kind && x.name === m.name && x.namespace === m.namespace;
}

/**
 * The cluster's objects as they would be once `selected` is enforced: each converted to its enforced kind
 * (replacing the enforced object of that name), or, for stagedAction Delete, that object removed. Other
 * staged policies stay staged. This is what the policy tests must pass against.
 */
export function afterEnforce(
  objects: readonly LoadedObject[],
  selected: readonly LoadedObject[],
): LoadedObject[] {
  let out = objects.filter((o) => !selected.includes(o));
  for (const o of selected) {
    const m = meta(o);
    const outcome = convertObject(o.value, 'enforce');
    if (outcome.kind === 'converted') {
      out = out.filter((x) => !sameObject(x, outcome.to.apiVersion, outcome.to.kind, m));
      out.push({ ...o, apiVersion: outcome.to.apiVersion, kind: outcome.to.kind, value: outcome.value });
    } else if (outcome.kind === 'delete') {
      out = out.filter((x) => !sameObject(x, outcome.target.apiVersion, outcome.target.kind, m));
    } else {
      out.push(o);
    }
  }
  return out;
}
