// A fast reader for the plain block YAML that policy and cluster files are (kubectl and editors write
// them so): block mappings and sequences, plain and simple quoted scalars, `{}` and `[]`, comments and
// `---`. It reads such text several times faster than js-yaml's general parser, and answers exactly as
// js-yaml does — the same values (scalars resolved by the same schema) and the same positions. Anything
// else — anchors, aliases, tags, block scalars, flow collections with content, escapes, multi-line
// scalars, tabs, non-ASCII or control characters, duplicate or non-string keys, deep nesting, and every
// syntax error — is not read here: the caller falls back to js-yaml, which applies every limit of
// yaml-limits.ts and reports the error. Checked against js-yaml on the repository's YAML and on
// generated and mutated documents (test/unit/yaml/block-yaml.test.ts).
import { CORE_SCHEMA, EVENT_ID, type Schema } from 'js-yaml';

/** Where each node is: what documentsOf in source-map.ts walks to locate a field. */
export interface NodeTable {
  /** EVENT_ID of each node, in js-yaml's event order (collections end with a POP). */
  type: Uint8Array;
  /** Offset of the node's start, as source-map.ts derives it from js-yaml's events. */
  offset: Int32Array;
  /** For a mapping or sequence the index of its POP, otherwise the node itself. */
  end: Int32Array;
  /** Index of each document's root node (-1 when the document has none). */
  roots: number[];
  /** The text of a scalar used as a mapping key. */
  keyText(i: number): string;
}

/** Thrown inside the reader when the text is outside what it reads; never escapes. */
const OUTSIDE = Symbol('outside the block-YAML subset');

/** The most nesting read here; deeper documents go to js-yaml, which enforces its own limit. */
const MAX_DEPTH = 50;

/** A key longer than this is left to js-yaml (YAML limits implicit keys to 1024 characters). */
const MAX_KEY = 1000;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const DQUOTE = 34;
const SQUOTE = 39;

/** Characters a plain scalar cannot start with (YAML 1.2 c-indicator), '-' handled apart. */
const INDICATORS = new Set([...'-?:,[]{}#&*!|>\'"%@`'].map((c) => c.charCodeAt(0)));

/** A character other than a newline and printable ASCII. */
const OUTSIDE_ASCII = /[^\n -~]/;

/** Plain scalars the core schema reads as something other than a string start with none of these. */
const CORE_NON_STRING_START = /^[-+.0-9~]|^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$|^$/;

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 46;
}

/**
 * Read `text` when it is plain block YAML; undefined when it is anything else (the caller then uses
 * js-yaml). `schema` resolves plain scalars (null, booleans, numbers) exactly as js-yaml would.
 */
export function parseBlockYaml(
  text: string,
  schema: Schema,
): { values: unknown[]; table: NodeTable } | undefined {
  const len = text.length;
  const core = schema === CORE_SCHEMA;
  /** What a plain scalar reads as (strings without asking the core schema when they cannot be more). */
  const resolve = (v: string): unknown =>
    core && !CORE_NON_STRING_START.test(v) ? v : schema.resolveImplicitScalarTag(v).value;
  // Native searches rather than loops over characters: a one-shot command runs this code cold.
  if (OUTSIDE_ASCII.test(text)) return undefined;
  // Lines: start, end (the newline or the text's end), column of the first non-space.
  const starts: number[] = [];
  const ends: number[] = [];
  const indents: number[] = [];
  for (let s = 0; s <= len;) {
    let e = text.indexOf('\n', s);
    if (e < 0) e = len;
    let k = s;
    while (k < e && text.charCodeAt(k) === SPACE) k++;
    // A document end marker or a directive is left to js-yaml.
    if (k === s && (text.startsWith('...', s) || text.charCodeAt(s) === 37)) return undefined;
    starts.push(s);
    ends.push(e);
    indents.push(k - s);
    if (e === len) break;
    s = e + 1;
  }
  const lineCount = starts.length;
  const isDocStart = (l: number) => {
    const s = starts[l]!;
    return text.startsWith('---', s) && (ends[l]! === s + 3 || text.charCodeAt(s + 3) === SPACE);
  };
  /** Blank or comment-only line. */
  const isEmpty = (l: number) => {
    const k = starts[l]! + indents[l]!;
    return k === ends[l]! || text.charCodeAt(k) === HASH;
  };

  const type: number[] = [];
  const offset: number[] = [];
  const end: number[] = [];
  const keys: string[] = [];
  const emit = (t: number, off: number): number => {
    const i = type.length;
    type.push(t);
    offset.push(off);
    end.push(i);
    return i;
  };
  const close = (open: number) => {
    end[open] = emit(EVENT_ID.POP, 0);
  };
  const nullNode = () => {
    // js-yaml's event for an empty value has no range; source-map.ts places it at offset 0.
    emit(EVENT_ID.SCALAR, 0);
    return null;
  };

  let li = 0;
  let depth = 0;
  /** Move to the next line with content; its indent, or -1 at the end or at a `---`. */
  const next = (): number => {
    while (li < lineCount && isEmpty(li) && !isDocStart(li)) li++;
    if (li >= lineCount || isDocStart(li)) return -1;
    return indents[li]!;
  };
  /** Whether only spaces and a comment follow `p` on its line. */
  const restIsEmpty = (p: number, e: number): boolean => {
    let q = p;
    while (q < e && text.charCodeAt(q) === SPACE) q++;
    return q === e || (q > p && text.charCodeAt(q) === HASH);
  };
  const plainStartOk = (p: number, e: number): boolean => {
    const c = text.charCodeAt(p);
    if (c === DASH) return p + 1 < e && isWordChar(text.charCodeAt(p + 1));
    return !INDICATORS.has(c);
  };
  // The text of line li (every search is within the line the reader is on), cut once per line.
  let lineOf = -1;
  let lineStart = 0;
  let line = '';
  const lineText = (p: number): string => {
    if (lineOf !== li) {
      lineOf = li;
      lineStart = starts[li]!;
      line = text.slice(lineStart, ends[li]!);
    }
    if (p < lineStart || p > lineStart + line.length)
      throw new Error('block-yaml: a search outside the current line');
    return line;
  };
  /** Where a comment (` #`) starts on the line after `p`, or the line's end. */
  const commentAt = (p: number, e: number): number => {
    const s = lineText(p);
    const h = s.indexOf(' #', p - lineStart);
    return h < 0 ? e : lineStart + h;
  };
  /** The first `: ` or line-ending `:` after `p` and before any comment, or -1. */
  const keyColon = (p: number, e: number): number => {
    const stop = commentAt(p, e);
    const j = lineText(p).indexOf(': ', p - lineStart) + lineStart;
    if (j >= lineStart && j < stop) return j;
    return stop === e && e > p && text.charCodeAt(e - 1) === COLON ? e - 1 : -1;
  };
  /** A quoted scalar from `p` (the quote) on its line: [value, index after the closing quote]. */
  const quoted = (p: number, e: number): [string, number] => {
    const q = text.charCodeAt(p);
    if (q === DQUOTE) {
      const c = text.indexOf('"', p + 1);
      if (c < 0 || c >= e) throw OUTSIDE;
      const v = text.slice(p + 1, c);
      if (v.includes('\\')) throw OUTSIDE;
      return [v, c + 1];
    }
    let v = '';
    let k = p + 1;
    for (;;) {
      const c = text.indexOf("'", k);
      if (c < 0 || c >= e) throw OUTSIDE;
      v += text.slice(k, c);
      if (text.charCodeAt(c + 1) === SQUOTE) {
        v += "'";
        k = c + 2;
      } else return [v, c + 1];
    }
  };
  /** A mapping key at `p`: its text, the offset of its scalar and where its value starts; or undefined. */
  const keyAt = (p: number, e: number): { key: string; at: number; after: number } | undefined => {
    const c = text.charCodeAt(p);
    if (c === DQUOTE || c === SQUOTE) {
      const [v, after] = quoted(p, e);
      if (text.charCodeAt(after) !== COLON || !(after + 1 === e || text.charCodeAt(after + 1) === SPACE))
        return undefined;
      return { key: v, at: p + 1, after: after + 1 };
    }
    if (!plainStartOk(p, e)) return undefined;
    const j = keyColon(p, e);
    if (j < 0) return undefined;
    const key = text.slice(p, j);
    if (key.length > MAX_KEY || key.charCodeAt(key.length - 1) === SPACE) throw OUTSIDE;
    // A key that resolves to a number, boolean or null is left to js-yaml (it would convert it).
    if (typeof resolve(key) !== 'string') throw OUTSIDE;
    return { key, at: p, after: j + 1 };
  };
  /** A scalar, `{}` or `[]` from `p` to the end of its line (a comment allowed after it). */
  const inline = (p: number, e: number): unknown => {
    const c = text.charCodeAt(p);
    if (c === 123 || c === 91) {
      if (text.charCodeAt(p + 1) !== c + 2 || !restIsEmpty(p + 2, e)) throw OUTSIDE;
      close(emit(c === 123 ? EVENT_ID.MAPPING : EVENT_ID.SEQUENCE, p));
      return c === 123 ? {} : [];
    }
    if (c === DQUOTE || c === SQUOTE) {
      const [v, after] = quoted(p, e);
      if (!restIsEmpty(after, e)) throw OUTSIDE;
      emit(EVENT_ID.SCALAR, p + 1);
      return v;
    }
    if (!plainStartOk(p, e)) throw OUTSIDE;
    // `a: b: c` is an error; `a: b:c` a plain scalar.
    if (keyColon(p, e) >= 0) throw OUTSIDE;
    let stop = commentAt(p, e);
    while (text.charCodeAt(stop - 1) === SPACE) stop--;
    emit(EVENT_ID.SCALAR, p);
    return resolve(text.slice(p, stop));
  };
  const isSeqItem = (l: number) => {
    const k = starts[l]! + indents[l]!;
    return text.charCodeAt(k) === DASH && (k + 1 === ends[l]! || text.charCodeAt(k + 1) === SPACE);
  };
  /** The value after `key:` or `- ` once its own line is empty: a nested block, or null. */
  const valueBelow = (indent: number, sameIndentSeq: boolean): unknown => {
    li++;
    const ni = next();
    if (ni > indent) return node(indent);
    if (sameIndentSeq && ni === indent && isSeqItem(li)) return sequence(indent);
    return nullNode();
  };
  /** An inline value ends its line: the next line must not continue it. */
  const afterInline = (indent: number) => {
    li++;
    if (next() > indent) throw OUTSIDE;
  };
  const mapping = (indent: number, first: number): Record<string, unknown> => {
    if (++depth > MAX_DEPTH) throw OUTSIDE;
    const open = emit(EVENT_ID.MAPPING, first);
    const out: Record<string, unknown> = {};
    let p = first;
    for (;;) {
      const e = ends[li]!;
      const k = keyAt(p, e);
      if (!k) throw OUTSIDE;
      if (k.key === '__proto__' || k.key === '<<' || Object.hasOwn(out, k.key)) throw OUTSIDE;
      keys[emit(EVENT_ID.SCALAR, k.at)] = k.key;
      let q = k.after;
      while (q < e && text.charCodeAt(q) === SPACE) q++;
      let value: unknown;
      if (q === e || text.charCodeAt(q) === HASH) value = valueBelow(indent, true);
      else {
        value = inline(q, e);
        afterInline(indent);
      }
      out[k.key] = value;
      const ni = next();
      if (ni < indent) break;
      if (ni > indent || isSeqItem(li)) throw OUTSIDE;
      p = starts[li]! + indent;
    }
    close(open);
    depth--;
    return out;
  };
  const sequence = (indent: number): unknown[] => {
    if (++depth > MAX_DEPTH) throw OUTSIDE;
    const open = emit(EVENT_ID.SEQUENCE, starts[li]! + indent);
    const out: unknown[] = [];
    for (;;) {
      const e = ends[li]!;
      let q = starts[li]! + indent + 1;
      while (q < e && text.charCodeAt(q) === SPACE) q++;
      if (q === e || text.charCodeAt(q) === HASH) out.push(valueBelow(indent, false));
      else if (text.charCodeAt(q) === DASH && (q + 1 === e || text.charCodeAt(q + 1) === SPACE))
        throw OUTSIDE;
      else if (keyAt(q, e)) {
        out.push(mapping(q - starts[li]!, q));
        if (next() > indent) throw OUTSIDE;
      } else {
        out.push(inline(q, e));
        afterInline(indent);
      }
      const ni = next();
      if (ni < indent || (ni === indent && !isSeqItem(li))) break;
      if (ni > indent) throw OUTSIDE;
    }
    close(open);
    depth--;
    return out;
  };
  /** The block node starting on line li (at its indent), inside a parent at `parent` indent. */
  const node = (parent: number): unknown => {
    const indent = indents[li]!;
    const p = starts[li]! + indent;
    if (isSeqItem(li)) return sequence(indent);
    if (keyAt(p, ends[li]!)) return mapping(indent, p);
    const v = inline(p, ends[li]!);
    afterInline(parent);
    return v;
  };

  const values: unknown[] = [];
  const roots: number[] = [];
  try {
    for (;;) {
      while (li < lineCount && isEmpty(li) && !isDocStart(li)) li++;
      if (li >= lineCount) break;
      if (isDocStart(li)) {
        if (!restIsEmpty(starts[li]! + 3, ends[li]!)) throw OUTSIDE;
        li++;
      }
      const doc = emit(EVENT_ID.DOCUMENT, 0);
      roots.push(doc + 1);
      const ni = next();
      values.push(ni < 0 ? nullNode() : node(-1));
      if (next() >= 0) throw OUTSIDE;
      close(doc);
    }
  } catch (err) {
    if (err === OUTSIDE) return undefined;
    throw err;
  }
  return {
    values,
    table: {
      type: Uint8Array.from(type),
      offset: Int32Array.from(offset),
      end: Int32Array.from(end),
      roots,
      keyText: (i) => keys[i] ?? '',
    },
  };
}
