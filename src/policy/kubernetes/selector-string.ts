// A label selector as `kubectl -l` takes it (k8s.io/apimachinery/pkg/labels Parse):
// `app=web,tier!=db,env in (prod,staging),!legacy,team`. Used to name a pod by its labels.
import { InputError } from '../../errors.js';
import type { Labels } from '../model/cluster.js';

export type LabelTest = (labels: Labels) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_./]*[a-z0-9A-Z])?)$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Commas outside parentheses separate requirements. */
function requirements(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  out.push(cur.trim());
  return out;
}

function requirement(req: string, whole: string, field: string): LabelTest {
  const bad = (why: string) =>
    new InputError(`bad label selector '${whole}'`, [
      {
        field,
        message: `'${req}': ${why}`,
        hint: "write it as kubectl -l takes it, e.g. 'app=web,tier in (api,db)'",
      },
    ]);
  const key = (k: string) => {
    if (!KEY.test(k)) throw bad(`'${k}' is not a label key`);
    return k;
  };
  const value = (v: string) => {
    if (!VALUE.test(v)) throw bad(`'${v}' is not a label value`);
    return v;
  };
  let m: RegExpExecArray | null;
  if ((m = /^!\s*(\S+)$/.exec(req))) {
    const k = key(m[1] ?? '');
    return (l) => !(k in l);
  }
  if ((m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(req))) {
    const [k, op, v] = [key(m[1] ?? ''), m[2], value(m[3] ?? '')];
    return op === '!=' ? (l) => l[k] !== v : (l) => l[k] === v;
  }
  if ((m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(req))) {
    const k = key(m[1] ?? '');
    const set = new Set((m[3] ?? '').split(',').map((v) => value(v.trim())));
    if (m[2] === 'in') return (l) => l[k] !== undefined && set.has(l[k]);
    return (l) => l[k] === undefined || !set.has(l[k]);
  }
  if (/^\S+$/.test(req)) {
    const k = key(req);
    return (l) => k in l;
  }
  throw bad('expected key, !key, key=value, key!=value, key in (a,b) or key notin (a,b)');
}

/** The matcher for a kubectl-style selector; an InputError naming the bad part otherwise. */
export function parseLabelSelectorString(text: string, field: string): LabelTest {
  if (!text.trim())
    throw new InputError(`empty label selector`, [{ field, message: 'the selector is empty' }]);
  const tests = requirements(text).map((r) => requirement(r, text, field));
  return (labels) => tests.every((t) => t(labels));
}

/** Whether a SRC/DST argument is written as a label selector rather than a pod name. */
export function looksLikeSelector(text: string): boolean {
  return /[=!]/.test(text) || /\s(in|notin)\s*\(/.test(text);
}
