// LAB ONLY: part of the Kubernetes API stand-in. JSON merge patch (RFC 7386) and the parts of
// Kubernetes strategic merge patch that kubectl's client-side apply and `kubectl patch` send: lists of
// named objects (containers, env, volumes, ports) merge by `name` instead of being replaced, and the
// `$patch`, `$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…` directives are honoured
// as far as a schema-less server can. Other lists are replaced, as merge patch does.

type Json = unknown;
type JsonObject = Record<string, unknown>;

function isObject(v: Json): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function namedList(v: Json): v is JsonObject[] {
  return Array.isArray(v) && v.length > 0 && v.every((e) => isObject(e) && typeof e.name === 'string');
}

export function strategicMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _drop, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  const order: Record<string, unknown[]> = {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) order[k.slice('$setElementOrder/'.length)] = v;
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = out[field];
      if (Array.isArray(cur) && Array.isArray(v)) out[field] = cur.filter((e) => !v.includes(e));
      continue;
    }
    if (k === '$retainKeys' || k === '$patch') continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const cur = out[k];
    if (
      Array.isArray(v) &&
      (namedList(v) || v.some((e) => isObject(e) && e.$patch === 'delete')) &&
      namedList(cur)
    ) {
      out[k] = mergeNamedLists(cur, v as JsonObject[], order[k]);
    } else {
      const merged = strategicMergePatch(cur, v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    }
  }
  return out;
}

function mergeNamedLists(cur: JsonObject[], patch: JsonObject[], order: unknown[] | undefined): JsonObject[] {
  const result = cur.map((e) => ({ ...e }));
  for (const p of patch) {
    const i = result.findIndex((e) => e.name === p.name);
    if (p.$patch === 'delete') {
      if (i >= 0) result.splice(i, 1);
    } else if (i >= 0) result[i] = strategicMergePatch(result[i], p) as JsonObject;
    else result.push(strategicMergePatch({}, p) as JsonObject);
  }
  if (!order) return result;
  const names = order.map((o) => (isObject(o) ? o.name : o));
  const rank = (e: JsonObject): number => {
    const i = names.indexOf(e.name);
    return i < 0 ? names.length : i;
  };
  return result.sort((a, b) => rank(a) - rank(b));
}

/** RFC 6902 JSON patch, for `kubectl patch --type=json`. */
export function jsonPatch(target: Json, ops: Json): Json {
  if (!Array.isArray(ops)) throw new Error('json patch must be a list of operations');
  let doc = structuredClone(target);
  for (const op of ops as JsonObject[]) {
    const path = String(op.path ?? '')
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (op.op === 'test') continue;
    if (path.length === 0) {
      doc = structuredClone(op.value);
      continue;
    }
    let parent: unknown = doc;
    for (const seg of path.slice(0, -1)) {
      parent = Array.isArray(parent) ? parent[Number(seg)] : isObject(parent) ? parent[seg] : undefined;
      if (parent === undefined) throw new Error(`json patch: path ${String(op.path)} does not exist`);
    }
    const last = path[path.length - 1]!;
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'add') parent.splice(i, 0, structuredClone(op.value));
      else if (op.op === 'remove') parent.splice(i, 1);
      else if (op.op === 'replace') parent[i] = structuredClone(op.value);
      else throw new Error(`json patch: unsupported op ${String(op.op)}`);
    } else if (isObject(parent)) {
      if (op.op === 'add' || op.op === 'replace') parent[last] = structuredClone(op.value);
      else if (op.op === 'remove') delete parent[last];
      else throw new Error(`json patch: unsupported op ${String(op.op)}`);
    }
  }
  return doc;
}
