// The inventory is the desired state: upgrade goes to calico_version; --to must agree with it unless
// --write-inventory, which rewrites that one value and nothing else in the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { upgradeTarget, writeCalicoVersion } from '../../../src/upgrade/inventory-version.js';

const dir = mkdtempSync(join(tmpdir(), 'picocal-invver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inv = { file: 'inv.yaml', cluster: { calico_version: '3.32.1' } } as unknown as Inventory;

describe('upgradeTarget', () => {
  const cases: Array<[string | undefined, boolean, string | 'refused']> = [
    [undefined, false, '3.32.1'],
    ['3.32.1', false, '3.32.1'],
    ['v3.32.1', false, '3.32.1'],
    ['3.31.7', false, 'refused'],
    ['3.31.7', true, '3.31.7'],
  ];
  for (const [to, write, want] of cases) {
    it(`--to ${to ?? '(none)'}${write ? ' --write-inventory' : ''} → ${want}`, () => {
      if (want === 'refused') {
        expect(() => upgradeTarget(inv, to, write)).toThrow(UsageError);
        expect(() => upgradeTarget(inv, to, write)).toThrow(
          "--to 3.31.7 is not the inventory's calico_version (3.32.1 in inv.yaml)",
        );
      } else expect(upgradeTarget(inv, to, write)).toBe(want);
    });
  }
});

describe('writeCalicoVersion', () => {
  const cases: Array<[string, string]> = [
    [
      '    calico_version: "3.31.7"   # pinned on purpose',
      '    calico_version: "3.32.1"   # pinned on purpose',
    ],
    ["    calico_version: '3.31.7'", "    calico_version: '3.32.1'"],
    ['    calico_version: 3.31.7 # plain', '    calico_version: "3.32.1" # plain'],
  ];
  for (const [line, want] of cases) {
    it(`rewrites ${line.trim()} and nothing else`, () => {
      const file = join(dir, 'inventory.yaml');
      const before = [
        '# my cluster',
        'all:',
        '  vars:',
        '    # a comment about the version',
        '    picocal:',
        '      cluster_name: pico',
        `  ${line}`,
        '  hosts: {}',
        '',
      ];
      writeFileSync(file, before.join('\n'));
      writeCalicoVersion(file, 'v3.32.1');
      expect(readFileSync(file, 'utf8')).toBe(
        before.map((l) => (l === `  ${line}` ? `  ${want}` : l)).join('\n'),
      );
    });
  }
});
