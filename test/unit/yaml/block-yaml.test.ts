// The fast block-YAML reader against js-yaml (the reference): on every text the fast reader accepts,
// the values are the same (deep and strict: prototypes, numbers, null) and every value and key is
// located at the same line and column; on every text js-yaml refuses, the fast reader declines, so the
// error (and every limit of yaml-limits.ts) still comes from js-yaml. Checked on the repository's YAML,
// on the generated benchmark cluster, on generated documents in the styles kubectl, editors and js-yaml
// write, and on those documents mutated at random (fast-check, fixed seed).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { CORE_SCHEMA, dump } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBlockYaml } from '../../../src/yaml/block-yaml.js';
import {
  parseWithJsYaml,
  parseYamlDocuments,
  type PathSegment,
  type YamlDocument,
} from '../../../src/yaml/source-map.js';
import { writeBenchCluster } from '../../../bench/generate-cluster.js';

const root = new URL('../../..', import.meta.url).pathname;
const SEED = 20261207;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

/** Every path of a value tree, and paths that are not there. */
function pathsOf(value: unknown, base: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(base);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...base, i], out));
    out.push([...base, value.length], [...base, 'x']);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...base, k], out);
    out.push([...base, 'no-such-key'], [...base, 0]);
  } else out.push([...base, 'below-a-scalar']);
  return out;
}

type Outcome = 'fast' | 'fallback';

/** Compare the fast reader with js-yaml on one text; says which path answered. */
function expectSame(text: string): Outcome {
  const fast = parseBlockYaml(text, CORE_SCHEMA);
  let ref: YamlDocument[] | undefined;
  let refError: unknown;
  try {
    ref = parseWithJsYaml(text, 'f.yaml');
  } catch (err) {
    refError = err;
  }
  if (!fast) return 'fallback';
  // The fast reader never accepts what js-yaml refuses.
  expect(refError, `js-yaml refuses this text, the fast reader read it:\n${text}`).toBeUndefined();
  const docs = parseYamlDocuments(text, 'f.yaml');
  const want = ref!;
  expect(
    docs.map((d) => d.value),
    text,
  ).toStrictEqual(want.map((d) => d.value));
  expect(fast.values).toStrictEqual(want.map((d) => d.value));
  docs.forEach((doc, d) => {
    const r = want[d]!;
    expect(doc.location, text).toEqual(r.location);
    for (const p of pathsOf(r.value)) {
      expect(doc.locate(p), `locate ${JSON.stringify(p)} in\n${text}`).toEqual(r.locate(p));
      expect(doc.locateKey(p), `locateKey ${JSON.stringify(p)} in\n${text}`).toEqual(r.locateKey(p));
    }
  });
  return 'fast';
}

/** Text with up to four fragments inserted at random offsets, or a line cut out or re-indented. */
const FRAGMENTS = [
  ' ',
  '  ',
  '\n',
  '\n  ',
  '- ',
  '-',
  ': ',
  ':',
  '#',
  ' #',
  '"',
  "'",
  "''",
  '{}',
  '[]',
  '{',
  '[',
  ',',
  '---\n',
  '...\n',
  '? ',
  '|',
  '>',
  '&a ',
  '*a',
  '!t ',
  '%',
  '\t',
  '\r',
  '1',
  'null',
  'true',
  '0x1f',
  '.inf',
  '~',
  '<<: ',
  '__proto__: 1',
  'é',
  '\\',
  'a: b',
  'a:',
  '-1',
  '"x"',
  "'y'",
];
function mutated(base: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat({ max: base.length }),
    what: fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 6 })),
  });
  return fc
    .tuple(fc.array(edit, { minLength: 0, maxLength: 4 }), fc.option(fc.nat({ max: 200 })), fc.boolean())
    .map(([edits, line, cut]) => {
      let text = base;
      for (const e of [...edits].sort((a, b) => b.at - a.at))
        text = text.slice(0, e.at) + e.what + text.slice(e.at);
      if (line !== null) {
        const lines = text.split('\n');
        const i = line % lines.length;
        if (cut) lines.splice(i, 1);
        else lines[i] = ` ${lines[i]}`;
        text = lines.join('\n');
      }
      return text;
    });
}

// Keys and scalars that YAML reads in more than one way.
const KEYS = [
  'a',
  'b',
  'spec',
  'app.kubernetes.io/name',
  'a b',
  'x:y',
  '-a',
  '1',
  'null',
  'true',
  '',
  "it's",
  'k#1',
  '__proto__',
  '<<',
  'é',
];
const STRINGS = [
  'web',
  '10.0.0.0/8',
  "has(app) && role in {'a', 'b'}",
  'a: b',
  'x #y',
  '#z',
  '-',
  '- a',
  '- 1',
  '8080',
  '0o17',
  '0x1F',
  '1e3',
  '.nan',
  '-.inf',
  'Yes',
  'NULL',
  '~',
  '',
  ' lead',
  'trail ',
  'tab\there',
  'new\nline',
  'quote"d',
  "it's",
  'back\\slash',
  '*a',
  '&a',
  '!t',
  '|',
  '>',
  '@x',
  '`x`',
  '%x',
  '[x]',
  '{x}',
  'x,y',
  'ü',
];
const leaf = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.string({ maxLength: 8 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ maxLength: 6 }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;

/** Block YAML as kubectl writes it: sequences in a mapping at the key's indent, comments, blank lines. */
function kubectlStyle(value: unknown, indent = 0, comment = false): string {
  const pad = ' '.repeat(indent);
  const scalar = (v: unknown) => dump(v, { flowLevel: 0 }).replace(/\n$/, '');
  if (Array.isArray(value)) {
    if (!value.length) return `${pad}[]\n`;
    return value
      .map((v) => {
        if (v && typeof v === 'object' && Object.keys(v).length) {
          const body = kubectlStyle(v, indent + 2, comment);
          return `${pad}- ${body.slice(indent + 2)}`;
        }
        return `${pad}- ${scalar(v)}${comment ? ' # c' : ''}\n`;
      })
      .join('');
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (!entries.length) return `${pad}{}\n`;
    return entries
      .map(([k, v]) => {
        const kt = scalar(k);
        if (Array.isArray(v) && v.length)
          return `${pad}${kt}:\n${comment ? '\n' : ''}${kubectlStyle(v, indent, comment)}`;
        if (v && typeof v === 'object' && Object.keys(v).length)
          return `${pad}${kt}:${comment ? ' # c' : ''}\n${kubectlStyle(v, indent + 2, comment)}`;
        return `${pad}${kt}: ${scalar(v)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(value)}\n`;
}

const tmp = mkdtempSync(join(tmpdir(), 'ps-block-yaml-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('fast block-YAML reader: the same answers as js-yaml, or none', () => {
  it.each([
    ['empty text', ''],
    ['only comments', '# a\n  # b\n'],
    ['documents, some empty', 'a: 1\n---\n---\n# c\n--- # d\nb: [] # e\n---'],
    [
      'kubectl sequences at the key indent',
      'items:\n- kind: Pod\n  metadata:\n    name: a\n- x\n- \n-\nk: v\n',
    ],
    ['quoted keys and values', "\"a\": 'it''s'\n'b c': \"d # e\"\nf: ''\n"],
    [
      'scalars the schema resolves',
      'a: 1\nb: -2\nc: 0x1f\nd: .inf\ne: ~\nf: True\ng: null\nh: 1.5e3\ni: 0o17\n',
    ],
    ['plain scalars with indicators inside', "s: has(a) && b in {'x', 'y'}\nt: a:b\nu: x# y\nv: a, [b]\n"],
    ['an indented top level', '  a: 1\n  b:\n    - 2\n'],
    ['values below their keys', 'a:\n  b\nc:\n  - d:\n    - e\n'],
  ])('%s', (_name, text) => {
    expect(expectSame(text)).toBe('fast');
  });

  it.each([
    ['an anchor and an alias', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a block scalar', 'a: |\n  x\n'],
    ['a flow collection with content', 'a: {b: 1}\n'],
    ['an escape', 'a: "x\\ty"\n'],
    ['a multi-line plain scalar', 'a: x\n  y\n'],
    ['a duplicate key (an error)', 'a: 1\na: 2\n'],
    ['a key js-yaml converts', '1: a\n'],
    ['a merge key', 'b: {}\n<<: {}\n'],
    ['a prototype key', '__proto__: 1\n'],
    ['a tab', 'a:\t1\n'],
    ['CRLF line ends', 'a: 1\r\n'],
    ['non-ASCII text', 'a: é\n'],
    ['a BOM', '\ufeffa: 1\n'],
    ['a syntax error', 'a: b: c\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['deep nesting', Array.from({ length: 60 }, (_, i) => `${' '.repeat(i * 2)}k:`).join('\n') + ' 1\n'],
  ])('declines %s (js-yaml reads or refuses it)', (_name, text) => {
    expect(parseBlockYaml(text, CORE_SCHEMA)).toBeUndefined();
    expect(expectSame(text)).toBe('fallback');
  });

  it('reads the generated benchmark cluster and policies itself, with the same answers', () => {
    writeBenchCluster(tmp, 200, 10, 120);
    const files = [join(tmp, 'cluster.yaml'), ...yamlFiles(join(tmp, 'policies'))];
    for (const f of files) expect(expectSame(readFileSync(f, 'utf8')), f).toBe('fast');
  });

  it("on every YAML file of the repository (the fast reader's choice either way)", () => {
    const files = [
      ...yamlFiles(join(root, 'test/fixtures')),
      ...yamlFiles(join(root, 'inventory')),
      ...yamlFiles(join(root, 'examples')),
    ];
    const seen: Record<Outcome, number> = { fast: 0, fallback: 0 };
    for (const f of files) seen[expectSame(readFileSync(f, 'utf8'))]++;
    expect(seen.fast).toBeGreaterThan(20);
  });

  it('on generated documents in kubectl and js-yaml styles (fast-check, fixed seed)', () => {
    const seen: Record<Outcome, number> = { fast: 0, fallback: 0 };
    fc.assert(
      fc.property(
        fc.array(tree, { minLength: 1, maxLength: 3 }),
        fc.constantFrom('kubectl', 'kubectl-comments', 'dump', 'dump-4'),
        (docs, style) => {
          const one = (d: unknown) =>
            style === 'dump'
              ? dump(d)
              : style === 'dump-4'
                ? dump(d, { indent: 4, seqNoIndent: true, quoteStyle: 'double' })
                : kubectlStyle(d, 0, style === 'kubectl-comments');
          seen[expectSame(docs.map(one).join('---\n'))]++;
        },
      ),
      { seed: SEED, numRuns: 600 },
    );
    // Most generated documents are in the subset (the rest hold escapes, tabs, non-ASCII, odd keys).
    expect(seen.fast).toBeGreaterThan(150);
  });

  it('on mutated documents: never reads what js-yaml refuses, never differs (fast-check, fixed seed)', () => {
    const base = kubectlStyle(
      {
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: 'p', namespace: 'ns1', labels: { app: 'web' } },
        spec: {
          selector: "app == 'web'",
          types: ['Ingress'],
          ingress: [
            {
              action: 'Allow',
              protocol: 'TCP',
              source: { selector: 'all()' },
              destination: { ports: [80, '8000:9000'] },
            },
          ],
          egress: [],
          order: 100,
        },
      },
      0,
      true,
    );
    const seen: Record<Outcome, number> = { fast: 0, fallback: 0 };
    fc.assert(
      fc.property(mutated(`${base}---\n${base}`), (text) => {
        seen[expectSame(text)]++;
      }),
      { seed: SEED, numRuns: 1500 },
    );
    expect(seen.fast).toBeGreaterThan(100);
    expect(seen.fallback).toBeGreaterThan(100);
  });
});
