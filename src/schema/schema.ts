// A small schema language for user-written YAML: it checks a parsed document, collects every problem
// with file:line:column, field path, what was found and a hint, and yields a TypeScript-typed value.
// (Written here rather than taken from a library so that errors can point into the YAML source.)
import type { InputProblem } from '../errors.js';
import { AnsibleUnsafe, AnsibleVault } from '../yaml/ansible-tags.js';
import { formatPath, type PathSegment, type YamlDocument } from '../yaml/source-map.js';
import { closest } from './did-you-mean.js';

export class CheckContext {
  readonly problems: InputProblem[] = [];
  constructor(readonly doc: YamlDocument) {}

  problem(path: readonly PathSegment[], message: string, hint?: string, at: 'value' | 'key' = 'value'): void {
    const location = at === 'key' ? this.doc.locateKey(path) : this.doc.locate(path);
    this.problems.push({
      location: location ?? this.doc.locateKey(path.slice(0, -1)) ?? this.doc.location,
      field: formatPath(path),
      message,
      ...(hint ? { hint } : {}),
    });
  }
}

export interface Schema<T> {
  /** Returns undefined after recording a problem. */
  check(value: unknown, path: PathSegment[], ctx: CheckContext): T | undefined;
  /** What the field expects, for messages: "a string", "one of VXLAN, IPIP". */
  readonly expects: string;
  readonly optional?: boolean;
  readonly fallback?: () => T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/**
 * Keys every JavaScript object already has. Refused as names (hosts, groups, labels, variables): assigned
 * to a plain object, `__proto__` would replace its prototype instead of adding a key.
 */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuseReserved(key: string, path: PathSegment[], ctx: CheckContext): boolean {
  if (!RESERVED_KEYS.has(key)) return false;
  ctx.problem(
    [...path, key],
    `'${key}' cannot be used as a name`,
    'it names a built-in part of every JavaScript object, so picocal refuses it: rename it',
    'key',
  );
  return true;
}

const VAULT_HINT =
  'picocal reads this value itself, so it must be plain text; keep !vault for secrets only Ansible uses (e.g. ansible_become_password)';

export function show(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (value instanceof AnsibleVault) return 'an Ansible Vault value (!vault)';
  if (value instanceof AnsibleUnsafe) return JSON.stringify(value.text);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

export function str(
  opts: { pattern?: RegExp; patternHint?: string; nonEmpty?: boolean } = {},
): Schema<string> {
  return {
    expects: 'a string',
    check(raw, path, ctx) {
      // `!unsafe` marks a string Ansible never templates; to picocal it is the string itself.
      const value = raw instanceof AnsibleUnsafe ? raw.text : raw;
      if (typeof value !== 'string' && typeof value !== 'number') {
        ctx.problem(
          path,
          `expected a string, found ${show(value)}`,
          value instanceof AnsibleVault ? VAULT_HINT : undefined,
        );
        return undefined;
      }
      const s = String(value);
      if ((opts.nonEmpty ?? true) && s.trim() === '') {
        ctx.problem(path, 'must not be empty');
        return undefined;
      }
      if (opts.pattern && !opts.pattern.test(s)) {
        ctx.problem(path, `invalid value ${show(s)}`, opts.patternHint);
        return undefined;
      }
      return s;
    },
  };
}

export function int(opts: { min?: number; max?: number; hint?: string } = {}): Schema<number> {
  const range = `${opts.min ?? '-∞'}..${opts.max ?? '∞'}`;
  return {
    expects: `an integer in ${range}`,
    check(value, path, ctx) {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        ctx.problem(
          path,
          `expected an integer, found ${show(value)}`,
          value instanceof AnsibleVault ? VAULT_HINT : opts.hint,
        );
        return undefined;
      }
      if ((opts.min !== undefined && value < opts.min) || (opts.max !== undefined && value > opts.max)) {
        ctx.problem(path, `${value} is out of range ${range}`, opts.hint);
        return undefined;
      }
      return value;
    },
  };
}

export function bool(): Schema<boolean> {
  return {
    expects: 'true or false',
    check(value, path, ctx) {
      if (typeof value !== 'boolean') {
        ctx.problem(path, `expected true or false, found ${show(value)}`);
        return undefined;
      }
      return value;
    },
  };
}

export function oneOf<const V extends string>(values: readonly V[], hint?: string): Schema<V> {
  return {
    expects: `one of ${values.join(', ')}`,
    check(value, path, ctx) {
      if (typeof value === 'string' && (values as readonly string[]).includes(value)) return value as V;
      const guess = typeof value === 'string' ? closest(value, values) : undefined;
      ctx.problem(
        path,
        `${show(value)} is not one of ${values.join(', ')}`,
        guess ? `did you mean '${guess}'?` : (hint ?? `use one of ${values.join(', ')}`),
      );
      return undefined;
    },
  };
}

/** A value that is either the literal 'auto' or something else. */
export function either<A, B>(a: Schema<A>, b: Schema<B>, pick: (v: unknown) => 'a' | 'b'): Schema<A | B> {
  return {
    expects: `${a.expects} or ${b.expects}`,
    check: (value, path, ctx) =>
      pick(value) === 'a' ? a.check(value, path, ctx) : b.check(value, path, ctx),
  };
}

export function list<T>(item: Schema<T>, opts: { minItems?: number } = {}): Schema<T[]> {
  return {
    expects: `a list of ${item.expects}`,
    check(value, path, ctx) {
      if (!Array.isArray(value)) {
        ctx.problem(path, `expected a list, found ${show(value)}`);
        return undefined;
      }
      if (opts.minItems !== undefined && value.length < opts.minItems) {
        ctx.problem(path, `needs at least ${opts.minItems} item(s)`);
        return undefined;
      }
      const out: T[] = [];
      let ok = true;
      value.forEach((v, i) => {
        const r = item.check(v, [...path, i], ctx);
        if (r === undefined) ok = false;
        else out.push(r);
      });
      return ok ? out : undefined;
    },
  };
}

/** A mapping with free keys (labels, host lists). */
export function record<T>(item: Schema<T>, key?: Schema<string>): Schema<Record<string, T>> {
  return {
    expects: `a mapping of ${item.expects}`,
    check(value, path, ctx) {
      if (value === null || value === undefined) return {};
      if (typeof value !== 'object' || Array.isArray(value)) {
        ctx.problem(path, `expected a mapping, found ${show(value)}`);
        return undefined;
      }
      const out: Record<string, T> = {};
      let ok = true;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        // Reported, and left out: the other entries are still checked (the input is refused anyway).
        if (refuseReserved(k, path, ctx)) continue;
        if (key && key.check(k, [...path, k], ctx) === undefined) ok = false;
        const r = item.check(v, [...path, k], ctx);
        if (r === undefined) ok = false;
        else out[k] = r;
      }
      return ok ? out : undefined;
    },
  };
}

export function optional<T>(s: Schema<T>): Schema<T | undefined> {
  return { ...s, optional: true, check: (v, p, c) => s.check(v, p, c) } as Schema<T | undefined>;
}

export function withDefault<T>(s: Schema<T>, fallback: T): Schema<T> {
  return { ...s, optional: true, fallback: () => structuredClone(fallback) };
}

/** Also accept anything (Ansible's own variables we pass through untouched). */
export function anything(): Schema<unknown> {
  return { expects: 'any value', optional: true, check: (v) => v };
}

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<S extends Shape> = { [K in keyof S]: undefined extends Infer<S[K]> ? K : never }[keyof S];
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

export interface ObjectOptions {
  /** Keys allowed beyond the shape, matched by pattern (e.g. ansible_* variables). */
  passthrough?: RegExp;
  /** What unknown keys are compared with for "did you mean". */
  describeUnknown?: string;
}

/** What an object schema yields field by field: the fields that parsed, and the names of those that did not. */
export interface FieldResult<T> {
  /** Every field that parsed or took its default; a field absent here and not in `invalid` was optional. */
  value: Partial<T>;
  /** Fields already reported as problems (wrong type, out of range, missing). */
  invalid: ReadonlySet<keyof T & string>;
}

export interface ObjectSchema<T> extends Schema<T> {
  /**
   * Like check, but keeps the fields that parsed when others did not, so checks spanning several fields
   * can still run on those (and stay silent about the rest). Undefined when the value is not a mapping.
   */
  checkFields(value: unknown, path: PathSegment[], ctx: CheckContext): FieldResult<T> | undefined;
}

export function object<S extends Shape>(shape: S, opts: ObjectOptions = {}): ObjectSchema<ObjectOf<S>> {
  const keys = Object.keys(shape);
  const checkFields = (
    value: unknown,
    path: PathSegment[],
    ctx: CheckContext,
  ): FieldResult<ObjectOf<S>> | undefined => {
    const input = value === null || value === undefined ? {} : value;
    if (typeof input !== 'object' || Array.isArray(input)) {
      ctx.problem(path, `expected a mapping, found ${show(value)}`);
      return undefined;
    }
    const record = input as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    const invalid = new Set<string>();
    for (const k of Object.keys(record)) {
      if (refuseReserved(k, path, ctx)) continue;
      if (keys.includes(k) || opts.passthrough?.test(k)) continue;
      const guess = closest(k, keys);
      ctx.problem(
        [...path, k],
        `unknown key '${k}'${opts.describeUnknown ? ` in ${opts.describeUnknown}` : ''}`,
        guess ? `did you mean '${guess}'?` : `known keys: ${keys.join(', ')}`,
        'key',
      );
      // An unknown key is reported but does not make the known fields unusable: later checks still run.
    }
    for (const k of keys) {
      const s = shape[k] as Schema<unknown>;
      const v = record[k];
      if (v === undefined || v === null) {
        if (s.fallback) out[k] = s.fallback();
        else if (!s.optional) {
          ctx.problem([...path, k], `missing required field '${k}' (${s.expects})`, undefined, 'key');
          invalid.add(k);
        }
        continue;
      }
      const r = s.check(v, [...path, k], ctx);
      if (r === undefined) invalid.add(k);
      else out[k] = r;
    }
    for (const k of Object.keys(record))
      if (opts.passthrough?.test(k) && !keys.includes(k) && !RESERVED_KEYS.has(k)) out[k] = record[k];
    return { value: out as Partial<ObjectOf<S>>, invalid: invalid as Set<keyof ObjectOf<S> & string> };
  };
  return {
    expects: 'a mapping',
    checkFields,
    check(value, path, ctx) {
      const r = checkFields(value, path, ctx);
      return r && r.invalid.size === 0 ? (r.value as ObjectOf<S>) : undefined;
    },
  };
}
