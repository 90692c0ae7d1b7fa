// LAB ONLY: part of the Kubernetes API stand-in. Kubernetes label selectors (`a=b,c!=d,e in (x,y),
// !f`) and field selectors (`spec.nodeName=pi1,status.phase!=Failed`) as the API server accepts them
// in `?labelSelector=` / `?fieldSelector=`.
import type { KubeObject } from './object-store.js';

export type Predicate = (obj: KubeObject) => boolean;

export class SelectorError extends Error {}

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter(Boolean);
}

export function parseLabelSelector(s: string | null | undefined): Predicate {
  if (!s) return () => true;
  const tests = splitTerms(s).map((term): ((l: Record<string, string>) => boolean) => {
    let m = /^!\s*([\w./-]+)$/.exec(term);
    if (m) {
      const k = m[1]!;
      return (l) => !(k in l);
    }
    m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
    if (m) {
      const [, k, op, vals] = m as unknown as [string, string, string, string];
      const set = new Set(vals.split(',').map((v) => v.trim()));
      return op === 'in' ? (l) => k in l && set.has(l[k]!) : (l) => !(k in l) || !set.has(l[k]!);
    }
    m = /^([\w./-]+)\s*(==|=|!=)\s*([\w./-]*)$/.exec(term);
    if (m) {
      const [, k, op, v] = m as unknown as [string, string, string, string];
      return op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v;
    }
    m = /^([\w./-]+)$/.exec(term);
    if (m) {
      const k = m[1]!;
      return (l) => k in l;
    }
    throw new SelectorError(`unable to parse requirement: ${term}`);
  });
  return (obj) => tests.every((t) => t(obj.metadata.labels ?? {}));
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[part] : undefined;
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function parseFieldSelector(s: string | null | undefined): Predicate {
  if (!s) return () => true;
  const tests = splitTerms(s).map((term): Predicate => {
    const m = /^([\w.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${term}'; can't understand '${term}'`);
    const [, path, op, v] = m as unknown as [string, string, string, string];
    return op === '!=' ? (o) => fieldValue(o, path) !== v : (o) => fieldValue(o, path) === v;
  });
  return (obj) => tests.every((t) => t(obj));
}
