import { describe, expect, it } from 'vitest';
import { PicocalError } from '../../../src/errors.js';
import {
  ALL,
  parseSelector,
  parseSelectorCached,
  SelectorParseError,
  walk,
  type SelectorNode,
} from '../../../src/policy/selector/index.js';

type L = Record<string, string>;

interface MatchCase {
  sel: string;
  match: L[];
  noMatch: L[];
}

// Facts from libcalico-go's parser tests and the Calico docs, plus the label keys picocal meets.
const matchCases: MatchCase[] = [
  {
    sel: `a == "b"`,
    match: [{ a: 'b' }, { a: 'b', c: 'd' }],
    noMatch: [{}, { a: 'c' }, { c: 'd' }, { a: 'B' }],
  },
  { sel: `a == 'b'`, match: [{ a: 'b' }], noMatch: [{}, { a: 'bb' }] },
  { sel: `a == ""`, match: [{ a: '' }], noMatch: [{}, { a: 'x' }] },
  { sel: `a != "b"`, match: [{}, { a: 'c' }, { c: 'b' }, { a: '' }], noMatch: [{ a: 'b' }] },
  {
    sel: `a == "b" && c == "d"`,
    match: [{ a: 'b', c: 'd' }],
    noMatch: [{}, { a: 'b', c: 'e' }, { a: 'c', c: 'd' }, { c: 'd' }, { a: 'b' }],
  },
  {
    sel: `a == "b" || c == "d"`,
    match: [{ a: 'b', c: 'd' }, { a: 'b' }, { c: 'd' }],
    noMatch: [{}, { a: 'e', c: 'e' }, { c: 'e' }, { a: 'e' }],
  },
  { sel: `a in {"'", '"', "c"}`, match: [{ a: 'c' }, { a: '"' }, { a: "'" }], noMatch: [{}, { a: 'e' }] },
  { sel: `a not in {"'", '"', "c"}`, match: [{}, { a: 'e' }], noMatch: [{ a: 'c' }, { a: '"' }, { a: "'" }] },
  { sel: `a in {}`, match: [], noMatch: [{}, { a: '' }, { a: 'x' }] },
  { sel: `a not in {}`, match: [{}, { a: '' }, { a: 'x' }], noMatch: [] },
  { sel: `a in {"x", "y",}`, match: [{ a: 'x' }, { a: 'y' }], noMatch: [{ a: 'z' }] },
  { sel: `!a in {"a"}`, match: [{ a: 'b' }, {}], noMatch: [{ a: 'a' }] },
  {
    sel: `a contains "a"`,
    match: [{ a: 'a' }, { a: 'bab' }, { a: 'aaa', b: 'c' }],
    noMatch: [{}, { a: 'b' }, { b: 'aaa' }],
  },
  { sel: `a contains ""`, match: [{ a: '' }, { a: 'x' }], noMatch: [{}] },
  {
    sel: `a starts with "a"`,
    match: [{ a: 'a' }, { a: 'abb' }],
    noMatch: [{}, { a: 'b' }, { a: 'baa' }, { b: 'aaa' }],
  },
  {
    sel: `a ends with "a"`,
    match: [{ a: 'a' }, { a: 'bba' }],
    noMatch: [{}, { a: 'b' }, { a: 'aab' }, { b: 'aaa' }],
  },
  { sel: `a startswith "x"`, match: [{ a: 'xy' }], noMatch: [{ a: 'yx' }] },
  { sel: `a endswith "x"`, match: [{ a: 'yx' }], noMatch: [{ a: 'xy' }] },
  { sel: `a notin {"x"}`, match: [{ a: 'y' }, {}], noMatch: [{ a: 'x' }] },
  { sel: `has(a)`, match: [{ a: 'b' }, { a: '' }], noMatch: [{}, { b: 'a' }] },
  { sel: `!has(a)`, match: [{}, { b: 'b' }], noMatch: [{ a: 'b' }, { a: '' }] },
  { sel: `! has( a )`, match: [{}], noMatch: [{ a: 'b' }] },
  { sel: `!!has(a)`, match: [{ a: 'b' }], noMatch: [{}] },
  { sel: `!!!has(a)`, match: [{}], noMatch: [{ a: 'b' }] },
  { sel: `!! ! has(a)`, match: [{}], noMatch: [{ a: 'b' }] },
  { sel: ``, match: [{}, { a: 'b' }], noMatch: [] },
  { sel: `  `, match: [{}, { a: 'b' }], noMatch: [] },
  { sel: `all()`, match: [{}, { a: 'b' }], noMatch: [] },
  { sel: ` all( ) `, match: [{}], noMatch: [] },
  { sel: `!all()`, match: [], noMatch: [{}, { a: 'b' }] },
  { sel: `has(a) && !has(b)`, match: [{ a: 'a' }], noMatch: [{ a: 'a', b: 'b' }, {}] },
  { sel: `!(!has(a) || has(b))`, match: [{ a: 'a' }], noMatch: [{ a: 'a', b: 'b' }, {}] },
  { sel: `a != 'a1' && !b == 'b1'`, match: [{ b: 'b2' }, {}], noMatch: [{ a: 'a1', b: 'b1' }, { b: 'b1' }] },
  { sel: `a != 'a1' || b != 'b1'`, match: [{}, { a: 'a1' }], noMatch: [{ a: 'a1', b: 'b1' }] },
  { sel: `! a == 'a1' || ! b == 'b1'`, match: [{ a: 'a1' }], noMatch: [{ a: 'a1', b: 'b1' }] },
  // Label keys that are also operator words are ordinary keys at the start of a comparison.
  { sel: `contains contains 'contains'`, match: [{ contains: 'xcontainsx' }], noMatch: [{ contains: 'x' }] },
  { sel: `in in {"in"}`, match: [{ in: 'in' }], noMatch: [{ in: 'out' }] },
  { sel: `all == "x" && has == "y"`, match: [{ all: 'x', has: 'y' }], noMatch: [{ all: 'x' }] },
  // Prefixed keys as Kubernetes and Calico set them.
  {
    sel: `kubernetes.io/metadata.name == "kube-system"`,
    match: [{ 'kubernetes.io/metadata.name': 'kube-system' }],
    noMatch: [{ name: 'kube-system' }, { 'kubernetes.io/metadata.name': 'default' }],
  },
  {
    sel: `projectcalico.org/name in {"foo", "bar"} && k8s-app == 'kube-dns'`,
    match: [{ 'projectcalico.org/name': 'bar', 'k8s-app': 'kube-dns' }],
    noMatch: [{ 'projectcalico.org/name': 'baz', 'k8s-app': 'kube-dns' }, { 'k8s-app': 'kube-dns' }],
  },
  { sel: `has(calico/k8s_NS-.1/role)`, match: [{ 'calico/k8s_NS-.1/role': '' }], noMatch: [{ role: 'x' }] },
  {
    sel: `app.kubernetes.io/name=="web"&&tier!="db"`,
    match: [{ 'app.kubernetes.io/name': 'web' }],
    noMatch: [],
  },
  // Properties every JS object inherits are not labels.
  {
    sel: `has(constructor) || has(toString) || has(__proto__)`,
    match: [{ constructor: 'x' }],
    noMatch: [{}],
  },
  { sel: `constructor != "x"`, match: [{}], noMatch: [{ constructor: 'x' }] },
  // Values are compared exactly: no trimming, no case folding, any Unicode.
  {
    sel: `a == "Ünï cødé 🙂"`,
    match: [{ a: 'Ünï cødé 🙂' }],
    noMatch: [{ a: 'unicode' }, { a: 'Ünï cødé 🙂 ' }],
  },
];

describe('selector evaluation', () => {
  for (const c of matchCases) {
    const verdicts = (labels: L): boolean[] => {
      const sel = parseSelector(c.sel);
      return [sel.matches(labels), parseSelector(sel.toString()).matches(labels)];
    };
    for (const labels of c.match) {
      it(`${c.sel || '<empty>'} matches ${JSON.stringify(labels)}, also after canonicalising`, () => {
        expect(verdicts(labels)).toEqual([true, true]);
      });
    }
    for (const labels of c.noMatch) {
      it(`${c.sel || '<empty>'} does not match ${JSON.stringify(labels)}, also after canonicalising`, () => {
        expect(verdicts(labels)).toEqual([false, false]);
      });
    }
  }
});

describe('global()', () => {
  const cases: Array<{ sel: string; labels: L; global: boolean | undefined; expected: boolean }> = [
    { sel: 'global()', labels: {}, global: true, expected: true },
    { sel: 'global()', labels: {}, global: false, expected: false },
    { sel: 'global()', labels: { a: 'b' }, global: undefined, expected: false },
    { sel: '!global()', labels: {}, global: false, expected: true },
    { sel: 'global() && role == "db"', labels: { role: 'db' }, global: true, expected: true },
    { sel: 'global() && role == "db"', labels: { role: 'db' }, global: false, expected: false },
    { sel: 'global() || has(x)', labels: { x: '' }, global: false, expected: true },
    { sel: 'all()', labels: {}, global: true, expected: true },
    { sel: 'all()', labels: {}, global: false, expected: true },
  ];
  for (const c of cases) {
    it(`${c.sel} with global=${String(c.global)} on ${JSON.stringify(c.labels)} is ${c.expected}`, () => {
      const ctx = c.global === undefined ? undefined : { global: c.global };
      expect(parseSelector(c.sel).matches(c.labels, ctx)).toBe(c.expected);
    });
  }
});

describe('operator precedence: ! over && over ||', () => {
  const cases: Array<{ sel: string; canonical: string; match: L[]; noMatch: L[] }> = [
    {
      sel: `has(a) || has(b) && has(c)`,
      canonical: `(has(a) || (has(b) && has(c)))`,
      match: [{ a: '' }, { b: '', c: '' }],
      noMatch: [{ b: '' }, { c: '' }],
    },
    {
      sel: `has(a) && has(b) || has(c)`,
      canonical: `((has(a) && has(b)) || has(c))`,
      match: [{ c: '' }, { a: '', b: '' }],
      noMatch: [{ a: '' }, { b: '' }],
    },
    {
      sel: `(has(a) || has(b)) && has(c)`,
      canonical: `((has(a) || has(b)) && has(c))`,
      match: [{ a: '', c: '' }],
      noMatch: [{ a: '' }, { c: '' }],
    },
    {
      sel: `!has(a) && has(b)`,
      canonical: `(!has(a) && has(b))`,
      match: [{ b: '' }],
      noMatch: [{ a: '', b: '' }, {}],
    },
    {
      sel: `!has(a) || has(b)`,
      canonical: `(!has(a) || has(b))`,
      match: [{}, { a: '', b: '' }],
      noMatch: [{ a: '' }],
    },
    {
      sel: `!(has(a) || has(b))`,
      canonical: `!(has(a) || has(b))`,
      match: [{}],
      noMatch: [{ a: '' }, { b: '' }],
    },
    {
      sel: `!a == "x" && b == "y"`,
      canonical: `(!a == "x" && b == "y")`,
      match: [{ b: 'y' }, { a: 'z', b: 'y' }],
      noMatch: [{ a: 'x', b: 'y' }],
    },
    {
      sel: `has(a) || has(b) || has(c) && has(d) && has(e)`,
      canonical: `(has(a) || has(b) || (has(c) && has(d) && has(e)))`,
      match: [{ b: '' }, { c: '', d: '', e: '' }],
      noMatch: [{ c: '', d: '' }],
    },
  ];
  for (const c of cases) {
    it(`${c.sel} groups as ${c.canonical}`, () => {
      const sel = parseSelector(c.sel);
      expect(sel.toString()).toBe(c.canonical);
      for (const labels of c.match) expect(sel.matches(labels), JSON.stringify(labels)).toBe(true);
      for (const labels of c.noMatch) expect(sel.matches(labels), JSON.stringify(labels)).toBe(false);
    });
  }
});

describe('canonical form', () => {
  const cases: Array<[input: string, canonical: string]> = [
    ['', 'all()'],
    [' all() ', 'all()'],
    [' (all() )', 'all()'],
    ['global( )', 'global()'],
    [`! (has( b)||! has(a ))`, '!(has(b) || !has(a))'],
    [`! (a == "b"&&! c != "d")`, `!(a == "b" && !c != "d")`],
    [`a == "b" && c == "d"`, `(a == "b" && c == "d")`],
    [`a == 'b'`, `a == "b"`],
    [`a == "'"`, `a == "'"`],
    [`a == '"'`, `a == '"'`],
    [`a contains '"'`, `a contains '"'`],
    [`a startswith '"'`, `a starts with '"'`],
    [`a endswith "'"`, `a ends with "'"`],
    [`a starts  with "x"`, `a starts with "x"`],
    [`a!='"'`, `a != '"'`],
    [`a notin{'x'}`, `a not in {"x"}`],
    [`a not  in {}`, `a not in {}`],
    [`a in {"d", "a", "b"}`, `a in {"a", "b", "d"}`],
    [`a in {"z", "z", "x", "y", "x", "a"}`, `a in {"a", "x", "y", "z"}`],
    [`a in {'"', "'"}`, `a in {'"', "'"}`],
    [`a in {"b",}`, `a in {"b"}`],
    [`!!has(a)`, `has(a)`],
    [`has(a) && (has(b) && has(c))`, `(has(a) && (has(b) && has(c)))`],
    [`((has(a)))`, `has(a)`],
    ['\thas(a)\t&&\thas(b)', '(has(a) && has(b))'],
  ];
  for (const [input, canonical] of cases) {
    it(`prints ${JSON.stringify(input)} as ${canonical} and round-trips`, () => {
      const sel = parseSelector(input);
      expect(sel.toString()).toBe(canonical);
      expect(sel.source).toBe(input);
      expect(parseSelector(canonical).toString()).toBe(canonical);
    });
  }

  it('sorts set values by code point, as Go sorts UTF-8 strings', () => {
    // U+FF5E sorts before U+1F642 by code point but after it by UTF-16 code unit.
    expect(parseSelector(`a in {"🙂", "～", "b"}`).toString()).toBe(`a in {"b", "～", "🙂"}`);
  });
});

interface BadCase {
  text: string;
  position: number;
  reason: string;
}

const badCases: BadCase[] = [
  { text: 'b == b', position: 5, reason: 'expected a quoted string after "==", found label "b"' },
  {
    text: 'b contains b',
    position: 11,
    reason: 'expected a quoted string after "contains", found label "b"',
  },
  { text: 'b starts with b', position: 14, reason: 'expected a quoted string after "starts with"' },
  { text: 'b ends with b', position: 12, reason: 'expected a quoted string after "ends with"' },
  { text: `'b1' == b`, position: 0, reason: 'expected an expression, found string "b1"' },
  { text: 'b', position: 1, reason: 'after label "b", found end of selector' },
  { text: 'a ', position: 2, reason: 'after label "a", found end of selector' },
  { text: 'a b', position: 2, reason: 'after label "a", found "b"' },
  { text: 'label squiggles "v"', position: 6, reason: 'found "squiggles"' },
  { text: 'label inf "v"', position: 6, reason: 'found "inf"' },
  { text: 'label ends withs "v"', position: 6, reason: 'found "ends"' },
  { text: 'label starts foo "v"', position: 6, reason: 'found "starts"' },
  { text: '!', position: 1, reason: 'expected an expression after "!", found end of selector' },
  { text: `foo == "bar" &`, position: 13, reason: 'expected "&&"' },
  { text: `foo == "bar" |`, position: 13, reason: 'expected "||"' },
  { text: `a = "b"`, position: 2, reason: 'expected "=="' },
  { text: `foo != ||`, position: 7, reason: 'expected a quoted string after "!=", found "||"' },
  { text: `foo in {"", ||`, position: 12, reason: 'expected a quoted string or "}" in set, found "||"' },
  { text: `foo in {"a" "b"}`, position: 12, reason: 'expected "," or "}" in set, found string "b"' },
  { text: `foo in {,}`, position: 8, reason: 'expected a quoted string or "}" in set, found ","' },
  { text: `foo in ""`, position: 7, reason: 'expected a set such as {"a", "b"} after "in", found string ""' },
  { text: `foo not in "x"`, position: 11, reason: 'after "not in"' },
  { text: `"FOO`, position: 0, reason: 'unterminated string' },
  { text: `"FOO'`, position: 0, reason: 'unterminated string' },
  { text: `a == 'FOO`, position: 5, reason: 'unterminated string' },
  { text: `(`, position: 1, reason: 'expected an expression after "(", found end of selector' },
  {
    text: `(a == "foo"`,
    position: 11,
    reason: 'expected ")" to close "(" at position 0, found end of selector',
  },
  { text: `)`, position: 0, reason: 'expected an expression, found ")"' },
  { text: `()`, position: 1, reason: 'expected an expression after "(", found ")"' },
  { text: `%`, position: 0, reason: 'found "%"' },
  { text: `a == "b" && %`, position: 12, reason: 'found "%"' },
  { text: `a == "b" || %`, position: 12, reason: 'found "%"' },
  { text: `has(foo) &&`, position: 11, reason: 'expected an expression after "&&", found end of selector' },
  { text: `has(foo) has(bar)`, position: 9, reason: 'unexpected has(bar) after a complete expression' },
  { text: `a == "b" c == "d"`, position: 9, reason: 'unexpected label "c" after a complete expression' },
  { text: `all() )`, position: 6, reason: 'unexpected ")" after a complete expression' },
  { text: `has()`, position: 4, reason: 'expected a label key inside has(), found ")"' },
  { text: `has(foo`, position: 7, reason: 'expected ")" to close has(, found end of selector' },
  { text: `has( foo `, position: 9, reason: 'expected ")" to close has(' },
  { text: `has(a b)`, position: 6, reason: 'expected ")" to close has(, found "b"' },
  { text: `all(`, position: 4, reason: 'expected ")" to close all(' },
  { text: `global(x)`, position: 7, reason: 'expected ")" to close global(, found "x"' },
  // `has (a)` is the label `has` followed by a parenthesis, as in Calico.
  { text: `has (a)`, position: 4, reason: 'after label "has", found "("' },
  { text: `a == "b" &&\nc == "d"`, position: 11, reason: 'found a line break' },
  { text: `a == "b"\n`, position: 8, reason: 'found a line break' },
  { text: `a.b/c == "x" && a:b == "y"`, position: 17, reason: 'after label "a", found ":"' },
  { text: `${'k'.repeat(513)} == "v"`, position: 0, reason: 'label key is 513 characters long' },
];

describe('bad selectors', () => {
  for (const c of badCases) {
    it(`rejects ${JSON.stringify(c.text.length > 40 ? c.text.slice(0, 40) + '…' : c.text)} at ${c.position}: ${c.reason}`, () => {
      let caught: unknown;
      try {
        parseSelector(c.text);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SelectorParseError);
      const err = caught as SelectorParseError;
      expect(err.reason).toContain(c.reason);
      expect(err.position).toBe(c.position);
      expect(err.source).toBe(c.text);
    });
  }

  it('is a PicocalError with a stable code, a usage exit code and a hint', () => {
    const err = (() => {
      try {
        parseSelector('a = "b"');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PicocalError);
    expect(err).toMatchObject({ code: 'E_SELECTOR', exitCode: 2 });
    expect((err as SelectorParseError).message).toContain('a = \\"b\\"');
    expect((err as SelectorParseError).hint).toBeTruthy();
    expect((err as SelectorParseError).pointer).toBe('a = "b"\n  ^');
  });

  it('tells the user how to write a one-line selector in YAML when it contains a line break', () => {
    expect(() => parseSelector('a == "b"\n')).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('folded block') }),
    );
  });

  it('accepts a label key of exactly 512 characters', () => {
    const key = 'k'.repeat(512);
    expect(parseSelector(`${key} == "v"`).matches({ [key]: 'v' })).toBe(true);
  });
});

describe('parse → print → parse round trips on generated selectors', () => {
  // A seeded generator covers combinations the tables do not; same seed, same cases, every run.
  function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
  }
  const keys = ['a', 'b', 'app.kubernetes.io/name', 'x-y_z'];
  const values = ['', 'v', "it's", 'say "hi"', 'x y'];

  function gen(r: () => number, depth: number): string {
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const lit = (v: string) =>
      v.includes('"') ? `'${v}'` : r() < 0.5 && !v.includes("'") ? `'${v}'` : `"${v}"`;
    const k = pick(keys);
    const roll = depth > 3 ? r() * 0.7 : r();
    if (roll < 0.1) return pick(['all()', 'global()', `has(${k})`]);
    if (roll < 0.5) {
      const op = pick(['==', '!=', 'contains', 'starts with', 'ends with']);
      return `${k} ${op} ${lit(pick(values))}`;
    }
    if (roll < 0.7) {
      const set = Array.from({ length: Math.floor(r() * 4) }, () => lit(pick(values))).join(', ');
      return `${k} ${pick(['in', 'not in'])} {${set}}`;
    }
    if (roll < 0.8) return `!${gen(r, depth + 1)}`;
    if (roll < 0.9) return `(${gen(r, depth + 1)})`;
    return `${gen(r, depth + 1)} ${pick(['&&', '||'])} ${gen(r, depth + 1)}`;
  }

  const r = rng(20240611);
  const labelSets: L[] = Array.from({ length: 24 }, () => {
    const labels: L = {};
    for (const k of keys) if (r() < 0.6) labels[k] = values[Math.floor(r() * values.length)]!;
    return labels;
  });

  it('keeps the canonical form stable and the verdicts unchanged for 400 selectors', () => {
    for (let i = 0; i < 400; i++) {
      const text = gen(r, 0);
      const first = parseSelector(text);
      const second = parseSelector(first.toString());
      expect(second.toString(), text).toBe(first.toString());
      for (const labels of labelSets) {
        for (const global of [false, true]) {
          expect(second.matches(labels, { global }), `${text} on ${JSON.stringify(labels)}`).toBe(
            first.matches(labels, { global }),
          );
        }
      }
    }
  });
});

describe('ALL and the parse cache', () => {
  it('ALL matches everything and prints as all()', () => {
    expect(ALL.matches({})).toBe(true);
    expect(ALL.matches({ a: 'b' }, { global: true })).toBe(true);
    expect(ALL.toString()).toBe('all()');
  });

  it('returns the same parsed selector for the same text', () => {
    const a = parseSelectorCached('role == "db" && has(tier)');
    expect(parseSelectorCached('role == "db" && has(tier)')).toBe(a);
    expect(parseSelectorCached('role == "db"  && has(tier)')).not.toBe(a);
  });

  it('throws a parse error every time for bad text instead of caching it', () => {
    expect(() => parseSelectorCached('a ==')).toThrow(SelectorParseError);
    expect(() => parseSelectorCached('a ==')).toThrow(SelectorParseError);
  });

  it('evicts the least recently used entries once the cache is full', () => {
    const keep = parseSelectorCached('keep == "me"');
    const first = parseSelectorCached('evict == "me"');
    for (let i = 0; i < 5000; i++) {
      if (i % 1000 === 0) parseSelectorCached('keep == "me"');
      parseSelectorCached(`n == "${i}"`);
    }
    expect(parseSelectorCached('keep == "me"')).toBe(keep);
    expect(parseSelectorCached('evict == "me"')).not.toBe(first);
  });
});

describe('walk', () => {
  it('visits every node, parents first', () => {
    const kinds: string[] = [];
    walk(parseSelector('!(has(a) || b == "c") && global()').root, (n: SelectorNode) => kinds.push(n.kind));
    expect(kinds).toEqual(['&&', '!', '||', 'has', '==', 'global']);
  });
});
