// A corrupt state.json (a crash, a disk full, a hand edit) in any earlier upgrade run must not block
// later upgrades: it is named and skipped; --resume/--rollback of it is bad input (issue 13, review L3).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT, InputError } from '../../../src/errors.js';
import { readRunState, unfinishedRun, writeRunState } from '../../../src/upgrade/run-state.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-run-state-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const GOOD = {
  kind: 'upgrade' as const,
  cluster: 'picocluster',
  inventory: '/x/inv.yaml',
  from: '3.31.7',
  to: '3.32.1',
  maxUnavailable: 1,
  skipped: [],
  allowDowngrade: false,
  rollback: true,
  stage: 'interrupted' as const,
};

/** GOOD as writeRunState stores it. */
const STORED = { ...GOOD, updatedAt: '2026-01-01T00:00:00.000Z' };

const CORRUPT: [string, string | ((file: string) => void), RegExp][] = [
  ['truncated JSON', '{"kind":"upgrade","cluster":"picoclu', /not valid JSON/],
  ['an empty file', '', /not valid JSON/],
  ['null', 'null', /not a JSON object/],
  ['a list', '[]', /not a JSON object/],
  ['an empty object', '{}', /kind is not 'upgrade'/],
  ['a stage picocal never writes', JSON.stringify({ ...STORED, stage: 'bogus' }), /stage is not one of/],
  ['skipped as a string', JSON.stringify({ ...STORED, skipped: 'pc-node1' }), /skipped is not a list/],
  ['to as a number', JSON.stringify({ ...STORED, to: 3.32 }), /to is not a string/],
  ['a folder named state.json', (file) => mkdirSync(file), /cannot be read/],
];

let n = 0;
function workspace(corrupt: string | ((file: string) => void)): string {
  const cwd = join(tmp, `ws${n++}`);
  const runs = join(cwd, '.picocal/runs');
  const older = join(runs, '20260101-000000-aaaa-upgrade');
  mkdirSync(older, { recursive: true });
  writeRunState(older, GOOD);
  const newer = join(runs, '20260102-000000-bbbb-upgrade');
  mkdirSync(newer);
  if (typeof corrupt === 'string') writeFileSync(join(newer, 'state.json'), corrupt);
  else corrupt(join(newer, 'state.json'));
  return cwd;
}

describe('a corrupt state.json of an earlier upgrade run', () => {
  it.each(CORRUPT)(
    '(%s) is named, skipped, and the older unfinished run is still found',
    (_n, corrupt, why) => {
      const cwd = workspace(corrupt);
      const warnings: string[] = [];
      const found = unfinishedRun(cwd, 'picocluster', '3.32.1', (l) => warnings.push(l));
      expect(found?.id).toBe('20260101-000000-aaaa-upgrade');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^skipped upgrade run 20260102-000000-bbbb-upgrade: .*state\.json: /);
      expect(warnings[0]).toMatch(why);
    },
  );

  it.each(CORRUPT)(
    '(%s) given to --resume/--rollback is bad input (exit 2) naming the file',
    (_n, corrupt, why) => {
      const cwd = workspace(corrupt);
      let err: unknown;
      try {
        readRunState(cwd, '20260102-000000-bbbb-upgrade');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InputError);
      expect((err as InputError).exitCode).toBe(EXIT.usage);
      expect((err as InputError).message).toMatch(/20260102-000000-bbbb-upgrade\/state\.json: /);
      expect((err as InputError).message).toMatch(why);
    },
  );

  it('a valid state still reads back as written', () => {
    const cwd = workspace('{}');
    expect(readRunState(cwd, '20260101-000000-aaaa-upgrade').state).toMatchObject(GOOD);
  });
});

describe('writing state.json', () => {
  it("never writes through a file or link already at a predictable temporary name (a user's file stays)", () => {
    const dir = join(tmp, 'tmp-name');
    mkdirSync(dir);
    const victim = join(tmp, 'victim.txt');
    writeFileSync(victim, 'mine\n');
    symlinkSync(victim, join(dir, 'state.json.tmp'));
    writeRunState(dir, GOOD);
    expect(readFileSync(victim, 'utf8')).toBe('mine\n');
    expect(readRunState(tmp, dir).state.stage).toBe('interrupted');
  });
});
