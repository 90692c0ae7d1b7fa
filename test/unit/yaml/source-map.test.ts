// The source map answers on demand (walking the event stream) exactly as the eager map of every path
// did: same line and column for every value and key, nothing for a path that is not there. Checked on
// the repository's own YAML (inventories, policy fixtures, Calico manifests' shapes) and on generated
// documents in every style js-yaml writes, with aliases, merge keys and empty documents.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { dump } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, pathKey, type PathSegment } from '../../../src/yaml/source-map.js';
import { referencePositions } from './source-map-reference.js';

const root = new URL('../../..', import.meta.url).pathname;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

/** Every path of a value tree, and for each mapping a key that is not there. */
function pathsOf(value: unknown, base: PathSegment[] = [], out: PathSegment[][] = []): PathSegment[][] {
  out.push(base);
  if (Array.isArray(value)) {
    value.forEach((v, i) => pathsOf(v, [...base, i], out));
    out.push([...base, value.length], [...base, 'x']);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...base, k], out);
    out.push([...base, 'no-such-key'], [...base, '<<'], [...base, 0]);
  } else out.push([...base, 'below-a-scalar']);
  return out;
}

function offsetOf(text: string, loc: { line: number; column?: number } | undefined): number | undefined {
  if (!loc) return undefined;
  let line = 1;
  let i = 0;
  while (line < loc.line) if (text.charCodeAt(i++) === 10) line++;
  return i + (loc.column ?? 1) - 1;
}

/** Compare the lazy lookups with the reference map on every path of every document. */
function expectSameAnswers(text: string): number {
  const docs = parseYamlDocuments(text, 'f.yaml');
  const ref = referencePositions(text);
  expect(docs.length).toBe(ref.length);
  let checked = 0;
  docs.forEach((doc, d) => {
    const r = ref[d]!;
    expect(offsetOf(text, doc.location)).toBe(r.start < 0 ? 0 : r.start);
    for (const p of pathsOf(doc.value)) {
      // The old map keyed paths by their text, so `a.b` and `a`, `b` were one entry: the lookup is now
      // exact, and such paths are left out of the comparison.
      if (p.some((s) => typeof s === 'string' && /[.[\]]/.test(s))) continue;
      const k = pathKey(p);
      expect(offsetOf(text, doc.locate(p)), `locate ${k}`).toBe(r.values.get(k));
      expect(offsetOf(text, doc.locateKey(p)), `locateKey ${k}`).toBe(r.keys.get(k) ?? r.values.get(k));
      checked++;
    }
  });
  return checked;
}

const HANDWRITTEN: Record<string, string> = {
  'aliases and merge keys':
    'base: &b {a: 1, b: [1, 2]}\nuse: *b\nmerged:\n  <<: *b\n  c: 3\nlist: &l\n  - x\n  - *b\n',
  'several documents, some empty': '---\na: 1\n---\n---\n- 1\n- [2, 3]\n---\nscalar\n...\n',
  'a List of objects as kubectl prints it':
    'apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Pod\n  metadata:\n    name: b\n    labels: {app: web}\n',
  'quoted, numeric and odd keys':
    '"quoted key": 1\n\'0\': zero\n1: one\n"a.b": dotted\n"[0]": bracket\nnull: n\n"": empty\n',
  'flow and block mixed, anchors on scalars':
    'a: &s text\nb: [*s, {c: *s}]\nd: |\n  block\n  text\ne: >-\n  folded\nf: !!str 12\n',
};

describe('source map: lazy lookups answer as the eager map did', () => {
  it.each(Object.entries(HANDWRITTEN))('%s', (_name, text) => {
    expect(expectSameAnswers(text)).toBeGreaterThan(0);
  });

  it('on every YAML file of the repository (inventories, fixtures, examples)', () => {
    const files = [
      ...yamlFiles(join(root, 'test/fixtures')),
      ...yamlFiles(join(root, 'inventory')),
      ...yamlFiles(join(root, 'examples')),
    ];
    expect(files.length).toBeGreaterThan(5);
    let checked = 0;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      let ok = true;
      try {
        parseYamlDocuments(text, f);
      } catch {
        ok = false; // a deliberately broken fixture: nothing to locate
      }
      if (ok) checked += expectSameAnswers(text);
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('on generated documents in block and flow styles (fast-check, fixed seed)', () => {
    const key = fc.oneof(fc.constantFrom('a', 'b', 'spec', 'items', '0', '1', 'x.y', 'k[0]'), fc.string());
    const leaf = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, tie('list'), tie('map')),
      list: fc.array(tie('node'), { maxLength: 4 }),
      map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(
        fc.array(tree, { minLength: 1, maxLength: 3 }),
        fc.integer({ min: -1, max: 3 }),
        (docs, flow) => {
          const text = docs.map((d) => dump(d, { flowLevel: flow })).join('---\n');
          expectSameAnswers(text);
        },
      ),
      { seed: 20261207, numRuns: 300 },
    );
  });
});
