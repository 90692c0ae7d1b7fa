// A run writes only into a run folder it made itself (issue 13, item 1): an id that clashes with an
// existing folder (same second, same random suffix) draws a new id instead of writing into it.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { treeSnapshot } from '../../helpers/tree-snapshot.js';

// The random suffix, made to clash: the first draw is always abcd, the next ones differ.
let draws = 0;
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return { ...real, randomBytes: (n: number) => Buffer.alloc(n, draws++ === 0 ? 0xab : 0x10 + draws) };
});
const { createRunFolder } = await import('../../../src/core/run-folder.js');

const tmp = mkdtempSync(join(tmpdir(), 'picocal-runs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

describe('createRunFolder', () => {
  it('never reuses an existing folder: a clashing id draws a new one, the other folder stays as it was', () => {
    vi.useFakeTimers({ now: new Date('2026-01-02T03:04:05Z'), toFake: ['Date'] });
    draws = 0;
    const runs = join(tmp, 'a/.picocal/runs');
    const taken = join(runs, '20260102-030405-abab-upgrade');
    mkdirSync(taken, { recursive: true });
    writeFileSync(join(taken, 'state.json'), '{"someone":"else"}\n');
    const before = treeSnapshot(join(tmp, 'a'));

    const run = createRunFolder(join(tmp, 'a'), 'upgrade');
    run.writeJson('state.json', { mine: true });
    expect(run.dir).not.toBe(taken);
    expect(run.id).toMatch(/^20260102-030405-[0-9a-f]{4}-upgrade$/);
    const after = treeSnapshot(join(tmp, 'a'));
    expect(Object.fromEntries(Object.entries(after).filter(([k]) => k in before))).toEqual(before);
  });

  it('is private to the user (0700)', () => {
    const run = createRunFolder(join(tmp, 'b'), 'bootstrap');
    expect(statSync(run.dir).mode & 0o777).toBe(0o700);
  });
});
