// `render`, `plan`, `bootstrap` and `reprovision` replace their --out folder only when it is picocal's own
// earlier render of the same cluster (issue 13, review H1: `--out .` used to delete the working folder).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { treeSnapshot } from '../../helpers/tree-snapshot.js';

const INVENTORY = resolve('inventory/picocluster.yaml');
const tmp = mkdtempSync(join(tmpdir(), 'picocal-out-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function renderInto(dir: string, inventory = INVENTORY): Promise<void> {
  const r = await runCli(['render', '-i', inventory, '--out', dir]);
  expect(r.code, r.stderr).toBe(0);
}

function otherClusterInventory(): string {
  const p = join(tmp, 'other-cluster.yaml');
  writeFileSync(
    p,
    readFileSync(INVENTORY, 'utf8').replace(/cluster_name: \S+/, 'cluster_name: othercluster'),
  );
  return p;
}

// Each case makes a workspace and returns the --out value (relative to the workspace, which is the cwd).
const FOREIGN: [string, (ws: string) => Promise<string> | string, RegExp][] = [
  [
    'a git repository with source files',
    (ws) => {
      mkdirSync(join(ws, 'repo/.git'), { recursive: true });
      mkdirSync(join(ws, 'repo/src'));
      writeFileSync(join(ws, 'repo/.git/HEAD'), 'ref: refs/heads/main\n');
      writeFileSync(join(ws, 'repo/src/a.txt'), 'precious\n');
      return 'repo';
    },
    /no render\.json/,
  ],
  [
    'the working folder itself (--out .), holding the inventory',
    (ws) => {
      writeFileSync(join(ws, 'inv.yaml'), readFileSync(INVENTORY, 'utf8'));
      return '.';
    },
    /no render\.json/,
  ],
  [
    'a file, not a folder',
    (ws) => {
      writeFileSync(join(ws, 'notes'), 'mine\n');
      return 'notes';
    },
    /not a folder/,
  ],
  [
    'a symbolic link to a folder of the user',
    (ws) => {
      mkdirSync(join(ws, 'real'));
      writeFileSync(join(ws, 'real/keep.txt'), 'keep\n');
      symlinkSync(join(ws, 'real'), join(ws, 'link'));
      return 'link';
    },
    /symbolic link/,
  ],
  [
    'a render.json that picocal did not write',
    (ws) => {
      mkdirSync(join(ws, 'fake'));
      writeFileSync(join(ws, 'fake/render.json'), 'not json\n');
      writeFileSync(join(ws, 'fake/data.csv'), '1,2\n');
      return 'fake';
    },
    /render\.json is not one picocal wrote/,
  ],
  [
    'an earlier render of another cluster',
    async (ws) => {
      await renderInto(join(ws, 'other'), otherClusterInventory());
      return 'other';
    },
    /render of another cluster \('othercluster'\)/,
  ],
  [
    'an earlier render of this cluster plus files of the user',
    async (ws) => {
      await renderInto(join(ws, 'build'));
      writeFileSync(join(ws, 'build/NOTES.md'), 'my notes\n');
      mkdirSync(join(ws, 'build/manifests/extra'));
      writeFileSync(join(ws, 'build/manifests/extra/mine.yaml'), 'a: 1\n');
      return 'build';
    },
    /files the earlier render did not write: NOTES\.md, manifests\/extra\/mine\.yaml/,
  ],
];

const COMMANDS: [string, (out: string, inv: string) => string[]][] = [
  ['render', (out, inv) => ['render', '-i', inv, '--out', out]],
  ['render --diff', (out, inv) => ['render', '-i', inv, '--out', out, '--diff']],
  ['plan', (out, inv) => ['plan', '-i', inv, '--out', out]],
  ['bootstrap', (out, inv) => ['bootstrap', '-i', inv, '--out', out]],
  ['bootstrap --dry-run', (out, inv) => ['bootstrap', '-i', inv, '--out', out, '--dry-run']],
  ['reprovision', (out, inv) => ['reprovision', 'pc-node2', '-i', inv, '--out', out]],
];

let n = 0;

describe('--out never replaces a folder picocal did not write', () => {
  for (const [folder, make, why] of FOREIGN) {
    it.each(COMMANDS)(`%s refuses ${folder} (exit 2, nothing changed)`, async (_name, argv) => {
      const ws = join(tmp, `ws${n++}`);
      mkdirSync(ws);
      const out = await make(ws);
      const before = treeSnapshot(ws);
      const r = await runCli(argv(out, INVENTORY), { cwd: ws });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/refusing to replace .*nothing was changed/);
      expect(r.stderr).toMatch(why);
      expect(r.stderr).toMatch(/hint: picocal only replaces a folder holding its own earlier render/);
      // Everything is as it was: no temp folder next to it, no run folder, not one byte changed.
      expect(treeSnapshot(ws)).toEqual(before);
    });
  }
});

describe('--out replaces what picocal may replace', () => {
  it.each([
    ['a folder that does not exist yet', (_ws: string) => undefined],
    ['an empty folder', (ws: string) => mkdirSync(join(ws, 'out'))],
    ['its own earlier render of this cluster', (ws: string) => renderInto(join(ws, 'out'))],
    [
      'its own earlier render with its LAB ONLY artifacts',
      async (ws: string) => {
        await renderInto(join(ws, 'out'));
        mkdirSync(join(ws, 'out/lab-artifacts'));
        writeFileSync(join(ws, 'out/lab-artifacts/operator.yaml'), 'x\n');
      },
    ],
  ])('render into %s', async (_name, make) => {
    const ws = join(tmp, `ok${n++}`);
    mkdirSync(ws);
    await make(ws);
    const edited = join(ws, 'inv.yaml');
    writeFileSync(
      edited,
      readFileSync(INVENTORY, 'utf8').replace('max_unavailable: 1', 'max_unavailable: 2'),
    );
    const r = await runCli(['render', '-i', edited, '--out', 'out'], { cwd: ws });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(ws, 'out/manifests/custom-resources.yaml'), 'utf8')).toMatch(
      /maxUnavailable: 2/,
    );
    expect(existsSync(join(ws, 'out/lab-artifacts'))).toBe(false);
    expect(readdirSync(ws).sort()).toEqual(['inv.yaml', 'out']);
  });
});
