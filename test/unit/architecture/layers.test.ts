// The dependency rule of src/, checked on the real import graph (part of npm test and npm run lint, so CI
// fails on a new upward import, a new cycle or a new import of lab code), and the check itself checked
// on small graphs so that it is known to fail when it should.
import { describe, expect, it } from 'vitest';
import { importGraph, importSpecifiers } from './import-graph.js';
import { checkLayers, cycles, RULES, type LayerRules, type Violation } from './layers.js';

const root = new URL('../../../', import.meta.url).pathname;

describe('src/ keeps its layers', () => {
  const { files, edges } = importGraph(root);

  it('reads the whole tree', () => {
    expect(files.length).toBeGreaterThan(250);
    expect(edges).toContainEqual({ from: 'src/cli/main.ts', to: 'src/cli/command.ts' });
  });

  it('has no upward import, no folder or file cycle, no lab import from production code', () => {
    expect(checkLayers(files, edges).map((v) => v.message)).toEqual([]);
  });

  it('nothing below the CLI imports src/cli', () => {
    expect(edges.filter((e) => !e.from.startsWith('src/cli/') && e.to.startsWith('src/cli/'))).toEqual([]);
  });
});

describe('the check', () => {
  const rules: LayerRules = {
    layers: [['core'], ['net'], ['policy', 'health', 'lab'], ['observe'], ['cli']],
    labImporters: ['lab', 'cli'],
    allowed: [{ from: 'src/health/', to: 'src/observe/x.ts', why: 'known' }],
  };
  const files = [
    'core/a',
    'net/ip',
    'policy/p',
    'policy/q',
    'health/h',
    'lab/l',
    'observe/x',
    'observe/y',
    'cli/main',
  ].map((f) => `src/${f}.ts`);
  const base = [
    ['cli/main', 'observe/x'],
    ['observe/x', 'policy/p'],
    ['policy/p', 'net/ip'],
    ['net/ip', 'core/a'],
    ['cli/main', 'lab/l'],
    ['health/h', 'observe/x'],
  ];
  const edge = ([from, to]: string[]) => ({ from: `src/${from}.ts`, to: `src/${to}.ts` });
  const check = (...extra: string[][]): Violation['rule'][] =>
    checkLayers(files, [...base, ...extra].map(edge), rules).map((v) => v.rule);

  it('passes a graph that keeps the rules (with its one allowed upward import)', () => {
    expect(check()).toEqual([]);
  });

  it.each([
    ['an import from a lower layer to a higher one', [['policy/p', 'observe/y']], 'upward'],
    ['core importing the CLI', [['core/a', 'cli/main']], 'upward'],
    ['a new upward import from a folder with an allowed one', [['health/h', 'observe/y']], 'upward'],
    ['production code importing the lab', [['policy/q', 'lab/l']], 'lab'],
    ['a workflow importing the lab', [['observe/y', 'lab/l']], 'lab'],
    [
      'two folders of one layer importing each other',
      [
        ['policy/q', 'health/h'],
        ['health/h', 'policy/p'],
      ],
      'folder-cycle',
    ],
  ])('fails on %s', (_title, extra, rule) => {
    expect(check(...(extra as string[][]))).toContain(rule);
  });

  it('fails on two files importing each other inside one folder', () => {
    expect(check(['policy/p', 'policy/q'], ['policy/q', 'policy/p'])).toEqual(['file-cycle']);
  });

  it('fails on a folder that has no layer', () => {
    const v = checkLayers([...files, 'src/utils/x.ts'], base.map(edge), rules);
    expect(v.map((x) => x.rule)).toEqual(['unknown-folder']);
    expect(v[0]!.message).toMatch(/src\/utils has no layer/);
  });

  it('fails on an allowance no import needs any more, so the list only shrinks', () => {
    const v = checkLayers(files, base.filter(([f]) => f !== 'health/h').map(edge), rules);
    expect(v.map((x) => x.rule)).toEqual(['stale-allowance']);
  });

  it('finds cycles of any length and none in a tree', () => {
    const g: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a', 'd'], d: [] };
    expect(cycles(Object.keys(g), (n) => g[n] ?? [])).toEqual([['a', 'b', 'c']]);
    const t: Record<string, string[]> = { a: ['b', 'c'], b: ['c'], c: [] };
    expect(cycles(Object.keys(t), (n) => t[n] ?? [])).toEqual([]);
  });

  it('counts import type, export from and import() but not imports in comments or strings', () => {
    const text = [
      "import type { A } from './a.js';",
      "export { B } from './b.js';",
      "const c = await import('./c.js');",
      "// import { D } from './d.js';",
      'const s = "import { E } from \'./e.js\'";',
    ].join('\n');
    expect(importSpecifiers(text)).toEqual(['./a.js', './b.js', './c.js']);
  });

  it('the real rules know every layer name once', () => {
    const names = RULES.layers.flat();
    expect(new Set(names).size).toBe(names.length);
  });
});
