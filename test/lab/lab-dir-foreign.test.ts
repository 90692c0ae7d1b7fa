// `lab down` removes a lab's folder only when `lab up` made it (issue 13, item 1): /tmp is shared, so
// whatever else sits at /tmp/pcl-<name> (another user's folder, a link, another lab's files) is left
// exactly as it was, and `lab up` stops with exit 2 instead of writing keys into it.
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { LabError } from '../../src/errors.js';
import { labDown } from '../../src/lab/lab-down.js';
import { labIdentity } from '../../src/lab/lab-naming.js';
import { LAB_MARKER_FILE } from '../../src/lab/lab-state.js';
import { labUp } from '../../src/lab/lab-up.js';
import { treeSnapshot } from '../helpers/tree-snapshot.js';
import { describeLab } from './helpers/lab-fixture.js';

const NAME = 'secdata-foreign';
const lab = labIdentity(NAME);
const elsewhere = mkdtempSync(join(tmpdir(), 'picocal-foreign-'));
afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
afterEach(() => rmSync(lab.dir, { recursive: true, force: true }));

/** What is at the lab's path, and what a link there points at. */
function state(): Record<string, string> {
  const st = lstatSync(lab.dir, { throwIfNoEntry: false });
  if (!st) return {};
  if (st.isSymbolicLink()) return { link: 'yes', ...treeSnapshot(elsewhere) };
  return treeSnapshot(lab.dir);
}

const FOREIGN: [string, () => void][] = [
  [
    "a user's folder",
    () => {
      mkdirSync(join(lab.dir, 'cp'), { recursive: true });
      writeFileSync(join(lab.dir, 'thesis.tex'), 'precious\n');
    },
  ],
  [
    "a link to a user's folder",
    () => {
      writeFileSync(join(elsewhere, 'thesis.tex'), 'precious\n');
      symlinkSync(elsewhere, lab.dir);
    },
  ],
  [
    "another lab's lab.json",
    () => {
      mkdirSync(lab.dir);
      writeFileSync(join(lab.dir, 'lab.json'), JSON.stringify({ name: 'other', dir: '/tmp/pcl-other' }));
    },
  ],
  [
    "another lab's marker",
    () => {
      mkdirSync(lab.dir);
      writeFileSync(join(lab.dir, LAB_MARKER_FILE), 'other\n');
      writeFileSync(join(lab.dir, 'notes'), 'x\n');
    },
  ],
];

describeLab('lab folders picocal did not make', () => {
  it.each(FOREIGN)('lab down leaves %s in place and says so', async (_name, make) => {
    make();
    const before = state();
    const log: string[] = [];
    await labDown({ name: NAME, log: (l) => log.push(l) });
    expect(state()).toEqual(before);
    expect(log.join('\n')).toMatch(
      /left \/tmp\/pcl-secdata-foreign in place: it was not made by picocal lab up/,
    );
  });

  it.each(FOREIGN)('lab up refuses to use %s (exit 2, nothing changed)', async (_name, make) => {
    make();
    const before = state();
    const err = await labUp({ name: NAME, nodes: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).exitCode).toBe(2);
    expect((err as LabError).message).toMatch(
      /exists and was not made by picocal lab up: nothing was changed/,
    );
    expect(state()).toEqual(before);
  });

  it("lab down removes the folder lab up marked as this lab's", async () => {
    mkdirSync(join(lab.dir, 'cp'), { recursive: true });
    writeFileSync(join(lab.dir, LAB_MARKER_FILE), `${NAME}\n`);
    writeFileSync(join(lab.dir, 'lab.json'), '{"half": "written"');
    await labDown({ name: NAME });
    expect(lstatSync(lab.dir, { throwIfNoEntry: false })).toBeUndefined();
  });

  it('a real lab up marks its folder first, and lab down removes it', async () => {
    await labUp({ name: NAME, nodes: 1 });
    try {
      expect(readFileSync(join(lab.dir, LAB_MARKER_FILE), 'utf8')).toBe(`${NAME}\n`);
      expect(lstatSync(lab.dir).mode & 0o777).toBe(0o700);
    } finally {
      await labDown({ name: NAME });
    }
    expect(lstatSync(lab.dir, { throwIfNoEntry: false })).toBeUndefined();
  });
});
