// A short fuzz run (fast-check, fixed seed, bounded runs) over the inventory loader and the policy loader:
// the example inventory and a small policy set with hostile fragments spliced in at random places (aliases,
// anchors, tags, Jinja, prototype names, NaN, deep nesting, control characters). Every input must end as
// the CLI would end it: a result (exit 0) or an InputError (exit 2). Anything else is a crash (exit 1); a
// hang shows up as the test's timeout.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseInventory } from '../../../src/inventory/load.js';
import { parseProtocolQuery, resolvePeer } from '../../../src/policy/evaluate/query.js';
import { validateFlow } from '../../../src/policy/evaluate/validate.js';
import { buildPolicySet } from '../../../src/policy/load/policy-set.js';
import { objectsFromText } from '../../../src/policy/load/read-objects.js';

const root = new URL('../../..', import.meta.url).pathname;
const INVENTORY = readFileSync(`${root}/inventory/picocluster.yaml`, 'utf8');
const CLUSTER = readFileSync(`${root}/test/fixtures/policy/quickstart/cluster.yaml`, 'utf8');
const POLICIES = readFileSync(`${root}/test/fixtures/policy/quickstart/policies.yaml`, 'utf8');
const SEED = 20261207;

/** Fragments that have broken YAML loaders or the code walking their output. */
const HOSTILE = [
  '&a ',
  '*a',
  ' &b [*b]',
  '{x: *a}',
  '!vault ',
  '!unsafe ',
  '!!js/function ',
  '!!binary ',
  '!!set ',
  '<<: *a',
  '__proto__',
  'constructor',
  'prototype',
  '{{ lookup("pipe","id") }}',
  '{% raw %}',
  '{#',
  '.nan',
  '.inf',
  '-.inf',
  '1e400',
  '0x7fffffffffffffff',
  '~',
  'null',
  "''",
  '[[[[[[[[[[[[[[[[[[[[',
  ']]]]',
  '{',
  '}',
  ': ',
  '- ',
  '\t',
  '\n',
  '\n  ',
  '\u0000',
  '\u001b[2J',
  '\ufeff',
  '---\n',
  '...\n',
  '%YAML 1.1\n',
  '? ',
  '| ',
  '> ',
  '"\\u0000"',
  "'",
  '"',
  '#',
  'ansible_connection: local',
  'ansible_ssh_args: -o StrictHostKeyChecking=no',
  'picocal_jump_host: pc-node2',
  'picocal_jump_host: pc-node1',
  'order: .nan',
  'order: -1e308',
  'selector: all()',
  'selector: has(',
  'ports: [65536, -1, "1:0"]',
];

/** Text with up to six fragments inserted at random offsets (and sometimes a line cut out). */
function mutated(base: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat({ max: base.length }),
    what: fc.oneof(fc.constantFrom(...HOSTILE), fc.string({ maxLength: 12 })),
  });
  return fc
    .tuple(fc.array(edit, { minLength: 1, maxLength: 6 }), fc.option(fc.nat({ max: 80 })))
    .map(([edits, cut]) => {
      let text = base;
      for (const e of [...edits].sort((a, b) => b.at - a.at))
        text = text.slice(0, e.at) + e.what + text.slice(e.at);
      if (cut !== null) {
        const lines = text.split('\n');
        lines.splice(cut % lines.length, 1);
        text = lines.join('\n');
      }
      return text;
    });
}

const HEAD = INVENTORY.slice(0, INVENTORY.indexOf('  children:\n'));
const NAMES = ['pc-node2', 'pc-node3', '__proto__', 'constructor', 'localhost', 'Bad_Name', 'pc-node1'];
const VALUES = [
  '192.168.1.102',
  '192.168.1.103',
  '"{{ x }}"',
  '!unsafe "{{ x }}"',
  '!vault abc',
  '.nan',
  '[]',
  '{}',
  '~',
];

interface Tree {
  hosts: [number, number][];
  children: (Tree | { alias: number })[];
}
const tree: fc.Arbitrary<Tree> = fc.letrec<{ t: Tree }>((tie) => ({
  t: fc.record({
    hosts: fc.array(fc.tuple(fc.nat(NAMES.length - 1), fc.nat(VALUES.length - 1)), { maxLength: 3 }),
    children: fc.array(fc.oneof({ depthSize: 'small' }, fc.record({ alias: fc.nat(6) }), tie('t')), {
      maxLength: 4,
    }),
  }),
})).t;

/**
 * An inventory whose groups are built from anchors and aliases: an alias names an earlier group (a
 * finished anchor), an enclosing one (a cycle) or one not defined yet.
 */
function groupsYaml(t: Tree): string {
  let next = 0;
  const emit = (g: Tree): string => {
    const id = next++;
    const hosts = g.hosts
      .map(([h, v]) => `${JSON.stringify(NAMES[h])}: {ansible_host: ${VALUES[v]}}`)
      .join(', ');
    const kids = g.children
      .map((c, i) => `g${id}_${i}: ${'alias' in c ? `*a${c.alias}` : emit(c)}`)
      .join(', ');
    return `&a${id} {hosts: {${hosts}}, children: {${kids}}}`;
  };
  return `${HEAD}  children:\n    control_plane: {hosts: {pc-node1: {ansible_host: 192.168.1.101}}}\n    workers: ${emit(t)}\n`;
}

/** The exit code the CLI would give: 0 for a result, 2 for an InputError; anything else rethrows. */
function exitOf(f: () => unknown): number {
  try {
    f();
    return 0;
  } catch (err) {
    if (err instanceof InputError) return 2;
    throw err;
  }
}

describe('fuzzing the loaders with hostile YAML (fast-check)', () => {
  it('the inventory loader ends every input with a result or an InputError', () => {
    const codes = new Set<number>();
    fc.assert(
      fc.property(mutated(INVENTORY), (text) => {
        codes.add(exitOf(() => parseInventory(text, 'fuzz.yaml')));
      }),
      { numRuns: 400, seed: SEED },
    );
    // The run must exercise both outcomes, or it tested nothing.
    expect([...codes].sort()).toEqual([0, 2]);
  }, 20_000);

  it('the inventory loader ends every group tree built from anchors and aliases with a result or an InputError', () => {
    const codes = new Set<number>();
    fc.assert(
      fc.property(tree.map(groupsYaml), (text) => {
        codes.add(exitOf(() => parseInventory(text, 'fuzz.yaml')));
      }),
      { numRuns: 300, seed: SEED },
    );
    expect([...codes].sort()).toEqual([0, 2]);
  }, 20_000);

  it('the policy loader (and a verdict on what it loads) ends every input with a result or an InputError', () => {
    const codes = new Set<number>();
    const query = parseProtocolQuery('TCP', '8080');
    fc.assert(
      fc.property(mutated(POLICIES), (text) => {
        codes.add(
          exitOf(() => {
            const set = buildPolicySet([
              ...objectsFromText(CLUSTER, 'cluster.yaml'),
              ...objectsFromText(text, 'fuzz.yaml'),
            ]);
            const src = resolvePeer('frontend-pod', 'default', set.cluster, 'SRC');
            const dst = resolvePeer('backend-pod', 'default', set.cluster, 'DST');
            return validateFlow(set, src, dst, query);
          }),
        );
      }),
      { numRuns: 400, seed: SEED },
    );
    expect([...codes].sort()).toEqual([0, 2]);
  }, 20_000);
});
