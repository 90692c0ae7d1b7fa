// The one atomic writer: readers never see half a file, and the temporary file can never be one the
// user (or an attacker in a shared folder) already has under that name.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporarySibling, writeFileAtomic } from '../../../src/core/atomic-write.js';

const root = mkdtempSync(join(tmpdir(), 'picocal-atomic-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `case${n++}`);
  mkdirSync(d);
  return d;
};

describe('writeFileAtomic', () => {
  it('creates the file, its folders, and leaves no temporary file behind', () => {
    const d = fresh();
    writeFileAtomic(join(d, 'a/b/out.yaml'), 'x: 1\n');
    expect(readFileSync(join(d, 'a/b/out.yaml'), 'utf8')).toBe('x: 1\n');
    expect(readdirSync(join(d, 'a/b'))).toEqual(['out.yaml']);
  });

  it('replaces an existing file and writes bytes as given', () => {
    const d = fresh();
    writeFileSync(join(d, 'f'), 'old');
    writeFileAtomic(join(d, 'f'), new Uint8Array([0, 1, 2]));
    expect([...readFileSync(join(d, 'f'))]).toEqual([0, 1, 2]);
    expect(readdirSync(d)).toEqual(['f']);
  });

  it('never touches files with the predictable temporary names earlier writers used', () => {
    const d = fresh();
    const target = join(d, 'state.json');
    const predictable = [`${target}.tmp`, join(d, `.state.json.${process.pid}.tmp`)];
    for (const p of predictable) writeFileSync(p, 'the user’s');
    writeFileAtomic(target, '{}\n');
    for (const p of predictable) expect(readFileSync(p, 'utf8')).toBe('the user’s');
    expect(readdirSync(d).sort()).toEqual([
      '.state.json.' + process.pid + '.tmp',
      'state.json',
      'state.json.tmp',
    ]);
  });

  it('replaces a symbolic link at the target itself and never writes through it', () => {
    const d = fresh();
    writeFileSync(join(d, 'elsewhere'), 'keep me');
    symlinkSync(join(d, 'elsewhere'), join(d, 'out'));
    writeFileAtomic(join(d, 'out'), 'new');
    expect(lstatSync(join(d, 'out')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(d, 'out'), 'utf8')).toBe('new');
    expect(readFileSync(join(d, 'elsewhere'), 'utf8')).toBe('keep me');
  });

  it('refuses a folder with a usage error (exit 2) and writes nothing', () => {
    const d = fresh();
    mkdirSync(join(d, 'dir'));
    expect(() => writeFileAtomic(join(d, 'dir'), 'x')).toThrow(expect.objectContaining({ exitCode: 2 }));
    expect(readdirSync(d)).toEqual(['dir']);
    expect(readdirSync(join(d, 'dir'))).toEqual([]);
  });
});

describe('temporarySibling', () => {
  it('is a hidden, random name in the same folder, with the suffix given', () => {
    const names = new Set(Array.from({ length: 50 }, () => temporarySibling('/x/y/calicoctl', 'part')));
    expect(names.size).toBe(50);
    for (const t of names) {
      expect(dirname(t)).toBe('/x/y');
      expect(basename(t)).toMatch(/^\.calicoctl\.[0-9a-f]{12}\.part$/);
    }
    expect(existsSync(temporarySibling(join(root, 'nothing')))).toBe(false);
  });
});
