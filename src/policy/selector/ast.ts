// Selector AST. Each node evaluates itself against a label set and prints its canonical form, which
// is byte-for-byte what libcalico-go prints (`(a == "b" && has(c))`, sets sorted and de-duplicated),
// so picocal's output can be compared with calicoctl's. Evaluation allocates nothing: it runs for
// every endpoint pair of the reachability matrix.

export type Labels = Readonly<Record<string, string>>;

export type SelectorNode =
  | AllNode
  | GlobalNode
  | HasNode
  | EqualsNode
  | NotEqualsNode
  | ContainsNode
  | StartsWithNode
  | EndsWithNode
  | InSetNode
  | NotInSetNode
  | NotNode
  | AndNode
  | OrNode;

// A plain object inherits `constructor`, `toString`, ... from Object.prototype; only own string values
// are labels, so anything else reads as absent.
function labelValue(labels: Labels, key: string): string | undefined {
  const value = labels[key];
  return typeof value === 'string' ? value : undefined;
}

/** Calico quotes with `"` unless the value itself contains one; strings have no escapes. */
export function quote(value: string): string {
  return value.includes('"') ? `'${value}'` : `"${value}"`;
}

export class AllNode {
  readonly kind = 'all';
  evaluate(_labels: Labels, _global: boolean): boolean {
    return true;
  }
  toString(): string {
    return 'all()';
  }
}

/** `global()`: true only for non-namespaced entities (host endpoints, GlobalNetworkSets). */
export class GlobalNode {
  readonly kind = 'global';
  evaluate(_labels: Labels, global: boolean): boolean {
    return global;
  }
  toString(): string {
    return 'global()';
  }
}

export class HasNode {
  readonly kind = 'has';
  constructor(readonly key: string) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    return labelValue(labels, this.key) !== undefined;
  }
  toString(): string {
    return `has(${this.key})`;
  }
}

export class EqualsNode {
  readonly kind = '==';
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    return labelValue(labels, this.key) === this.value;
  }
  toString(): string {
    return `${this.key} == ${quote(this.value)}`;
  }
}

/** `k != "v"` also matches when k is absent. */
export class NotEqualsNode {
  readonly kind = '!=';
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    return labelValue(labels, this.key) !== this.value;
  }
  toString(): string {
    return `${this.key} != ${quote(this.value)}`;
  }
}

export class ContainsNode {
  readonly kind = 'contains';
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    const v = labelValue(labels, this.key);
    return v !== undefined && v.includes(this.value);
  }
  toString(): string {
    return `${this.key} contains ${quote(this.value)}`;
  }
}

export class StartsWithNode {
  readonly kind = 'starts with';
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    const v = labelValue(labels, this.key);
    return v !== undefined && v.startsWith(this.value);
  }
  toString(): string {
    return `${this.key} starts with ${quote(this.value)}`;
  }
}

export class EndsWithNode {
  readonly kind = 'ends with';
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  evaluate(labels: Labels, _global: boolean): boolean {
    const v = labelValue(labels, this.key);
    return v !== undefined && v.endsWith(this.value);
  }
  toString(): string {
    return `${this.key} ends with ${quote(this.value)}`;
  }
}

// Go sorts strings by UTF-8 bytes, which is code point order; JS's default sort compares UTF-16 code
// units and disagrees for characters above U+FFFF. Canonical forms must agree with Calico's.
function compareCodePoints(a: string, b: string): number {
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done && cb.done ? 0 : ca.done ? -1 : 1;
    const d = (ca.value.codePointAt(0) ?? 0) - (cb.value.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
}

function printSet(key: string, op: string, values: readonly string[]): string {
  return `${key} ${op} {${values.map(quote).join(', ')}}`;
}

/** Sorted, de-duplicated set values as Calico stores (and prints) them. */
export function canonicalSet(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareCodePoints);
}

export class InSetNode {
  readonly kind = 'in';
  readonly values: readonly string[];
  private readonly set: ReadonlySet<string>;
  constructor(
    readonly key: string,
    values: Iterable<string>,
  ) {
    this.values = canonicalSet(values);
    this.set = new Set(this.values);
  }
  evaluate(labels: Labels, _global: boolean): boolean {
    const v = labelValue(labels, this.key);
    return v !== undefined && this.set.has(v);
  }
  toString(): string {
    return printSet(this.key, 'in', this.values);
  }
}

/** `k not in {...}` also matches when k is absent. */
export class NotInSetNode {
  readonly kind = 'not in';
  readonly values: readonly string[];
  private readonly set: ReadonlySet<string>;
  constructor(
    readonly key: string,
    values: Iterable<string>,
  ) {
    this.values = canonicalSet(values);
    this.set = new Set(this.values);
  }
  evaluate(labels: Labels, _global: boolean): boolean {
    const v = labelValue(labels, this.key);
    return v === undefined || !this.set.has(v);
  }
  toString(): string {
    return printSet(this.key, 'not in', this.values);
  }
}

/** `!x` binds tighter than any comparison's neighbours: `!a == "b"` is `!(a == "b")`. */
export class NotNode {
  readonly kind = '!';
  constructor(readonly operand: SelectorNode) {}
  evaluate(labels: Labels, global: boolean): boolean {
    return !this.operand.evaluate(labels, global);
  }
  toString(): string {
    return `!${this.operand.toString()}`;
  }
}

/** Two or more operands; printed in parentheses even at the top level, as Calico does. */
export class AndNode {
  readonly kind = '&&';
  constructor(readonly operands: readonly SelectorNode[]) {}
  evaluate(labels: Labels, global: boolean): boolean {
    const ops = this.operands;
    for (let i = 0; i < ops.length; i++) if (!ops[i]!.evaluate(labels, global)) return false;
    return true;
  }
  toString(): string {
    return `(${this.operands.map(String).join(' && ')})`;
  }
}

export class OrNode {
  readonly kind = '||';
  constructor(readonly operands: readonly SelectorNode[]) {}
  evaluate(labels: Labels, global: boolean): boolean {
    const ops = this.operands;
    for (let i = 0; i < ops.length; i++) if (ops[i]!.evaluate(labels, global)) return true;
    return false;
  }
  toString(): string {
    return `(${this.operands.map(String).join(' || ')})`;
  }
}

/** Visits `node` and its descendants, parents first (for lint rules and label-key indexes). */
export function walk(node: SelectorNode, visit: (node: SelectorNode) => void): void {
  visit(node);
  if (node.kind === '!') walk(node.operand, visit);
  else if (node.kind === '&&' || node.kind === '||') for (const op of node.operands) walk(op, visit);
}
