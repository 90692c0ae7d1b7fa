import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkHostKey, knownKeyTypes } from '../../../src/ssh/host-key-check.js';
import { fingerprintSha256, keyTypeOfBlob } from '../../../src/ssh/host-key.js';
import {
  formatKnownHostsLine,
  hashHostName,
  hostFieldMatches,
  knownHostName,
  parseKnownHosts,
} from '../../../src/ssh/known-hosts.js';
import { KnownHostsFile } from '../../../src/ssh/known-hosts-file.js';
import { createHostVerifier, type NewHostKey } from '../../../src/ssh/host-verifier.js';
import { hostKeyOrder } from '../../../src/ssh/ssh-connect.js';

let dir = '';
const keys: Record<string, { line: string; blob: Buffer; pub: string }> = {};

async function keygen(name: string, type: string): Promise<void> {
  const path = join(dir, name);
  await execa('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', name, '-f', path]);
  const [t, b64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  keys[name] = { line: `${t} ${b64}`, blob: Buffer.from(b64 ?? '', 'base64'), pub: `${path}.pub` };
}
const key = (name: string) => {
  const k = keys[name];
  if (!k) throw new Error(`no key ${name}`);
  return k;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'picocal-kh-'));
  await Promise.all([
    keygen('a', 'ed25519'),
    keygen('b', 'ed25519'),
    keygen('e', 'ecdsa'),
    keygen('r', 'rsa'),
  ]);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fingerprints', () => {
  it.each(['a', 'e', 'r'])('prints key %s exactly as ssh-keygen -lf does', async (name) => {
    const { stdout } = await execa('ssh-keygen', ['-lf', key(name).pub]);
    expect(fingerprintSha256(key(name).blob)).toBe(stdout.split(' ')[1]);
  });

  it.each([
    ['a', 'ssh-ed25519'],
    ['e', 'ecdsa-sha2-nistp256'],
    ['r', 'ssh-rsa'],
  ])('reads the key type of %s from the blob: %s', (name, type) => {
    expect(keyTypeOfBlob(key(name).blob)).toBe(type);
  });

  it('has no key type for garbage', () => {
    expect(keyTypeOfBlob(Buffer.from([0, 0, 0, 200, 1]))).toBeUndefined();
  });
});

describe('known_hosts host patterns', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5', true],
    ['10.0.0.5', '10.0.0.50', false],
    ['pc-node1,10.0.0.5', '10.0.0.5', true],
    ['10.0.0.*', '10.0.0.77', true],
    ['10.0.0.?', '10.0.0.7', true],
    ['10.0.0.?', '10.0.0.77', false],
    ['10.0.0.*,!10.0.0.9', '10.0.0.9', false],
    ['!10.0.0.9,10.0.0.*', '10.0.0.9', false],
    ['[10.0.0.5]:2222', '[10.0.0.5]:2222', true],
    ['[10.0.0.5]:2222', '10.0.0.5', false],
    ['10.0.0.5', '[10.0.0.5]:2222', false],
    ['PC-Node1', 'pc-node1', true],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (field, name, want) => {
    expect(hostFieldMatches(field, name)).toBe(want);
  });

  it.each([
    ['10.0.0.5', 22, '10.0.0.5'],
    ['10.0.0.5', 2222, '[10.0.0.5]:2222'],
  ])('looks up %s port %s as %s', (host, port, name) => {
    expect(knownHostName(host, port)).toBe(name);
  });

  it.each(['10.0.0.5', '[127.0.0.1]:2222', 'pc-node1.lan'])(
    'matches names hashed by ssh-keygen -H (%s) and nothing else',
    async (name) => {
      const file = join(dir, `hashed-${name.replace(/\W/g, '_')}`);
      await writeFile(file, `${name} ${key('a').line}\n`);
      await execa('ssh-keygen', ['-H', '-f', file]);
      const { entries } = parseKnownHosts(await readFile(file, 'utf8'));
      expect(entries).toHaveLength(1);
      const field = entries[0]!.hosts;
      expect(field).toMatch(/^\|1\|/);
      expect(hostFieldMatches(field, name)).toBe(true);
      expect(hostFieldMatches(field, `${name}x`)).toBe(false);
      // Our hash function writes what ssh-keygen writes for the same salt.
      const salt = Buffer.from(field.split('|')[2]!, 'base64');
      expect(hashHostName(name, salt)).toBe(field);
    },
  );
});

describe('parseKnownHosts', () => {
  it('reads markers, skips comments and blank lines, and reports unreadable lines', () => {
    const text = [
      '# comment',
      '',
      `10.0.0.5 ${key('a').line} comment words`,
      `@revoked * ${key('b').line}`,
      `@cert-authority *.lan ${key('e').line}`,
      '@bogus host ssh-ed25519 AAAA',
      'onlyhost',
      '10.0.0.6 ssh-ed25519 !!!notbase64',
    ].join('\n');
    const { entries, skipped } = parseKnownHosts(text);
    expect(entries.map((e) => [e.line, e.marker, e.hosts, e.keyType])).toEqual([
      [3, undefined, '10.0.0.5', 'ssh-ed25519'],
      [4, 'revoked', '*', 'ssh-ed25519'],
      [5, 'cert-authority', '*.lan', 'ecdsa-sha2-nistp256'],
    ]);
    expect(skipped.map((s) => s.line)).toEqual([6, 7, 8]);
  });
});

describe('checkHostKey', () => {
  const file = () =>
    parseKnownHosts(
      [
        `10.0.0.5 ${key('a').line}`,
        `[10.0.0.5]:2222 ${key('b').line}`,
        `10.0.0.7,10.0.0.8 ${key('e').line}`,
        `@revoked * ${key('r').line}`,
        `@cert-authority 10.0.0.9 ${key('a').line}`,
      ].join('\n'),
    ).entries;

  it.each([
    ['10.0.0.5', 'a', 'trusted'],
    ['10.0.0.5', 'b', 'changed'],
    ['[10.0.0.5]:2222', 'b', 'trusted'],
    ['[10.0.0.5]:2222', 'a', 'changed'],
    ['10.0.0.8', 'e', 'trusted'],
    ['10.0.0.6', 'a', 'unknown'],
    ['10.0.0.6', 'r', 'revoked'],
    ['10.0.0.5', 'r', 'revoked'],
    // A CA key is not a host key, and picocal cannot check certificates: the verdict says so.
    ['10.0.0.9', 'a', 'cert-authority-only'],
    ['10.0.0.9', 'b', 'cert-authority-only'],
  ])('%s presenting key %s is %s', (name, k, verdict) => {
    expect(checkHostKey(file(), name, key(k).blob).kind).toBe(verdict);
  });

  it('names the entries a changed key differs from, with their lines', () => {
    const v = checkHostKey(file(), '10.0.0.5', key('b').blob);
    expect(v.kind === 'changed' && v.known.map((e) => e.line)).toEqual([1]);
  });

  it('lists the key types on file for a host', () => {
    expect(knownKeyTypes(file(), '10.0.0.7')).toEqual(['ecdsa-sha2-nistp256']);
    expect(knownKeyTypes(file(), '10.0.0.6')).toEqual([]);
  });
});

describe('hostKeyOrder', () => {
  it('asks first for the key types known_hosts has, like OpenSSH', () => {
    expect(hostKeyOrder(['ecdsa-sha2-nistp256']).slice(0, 2)).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    expect(hostKeyOrder(['ssh-rsa']).slice(0, 2)).toEqual(['rsa-sha2-512', 'rsa-sha2-256']);
    expect(hostKeyOrder([])[0]).toBe('ssh-ed25519');
  });

  it.each([[[]], [['ssh-rsa']], [['ssh-dss', 'ssh-rsa', 'ssh-ed25519']]])(
    'never offers ssh-rsa (SHA-1) or ssh-dss, whatever known_hosts has (%j)',
    (known) => {
      const order = hostKeyOrder(known);
      expect(order).not.toContain('ssh-rsa');
      expect(order).not.toContain('ssh-dss');
      expect(order).toEqual(expect.arrayContaining(['ssh-ed25519', 'rsa-sha2-512', 'rsa-sha2-256']));
    },
  );
});

describe('KnownHostsFile', () => {
  it('treats a missing file as empty and creates it when a key is accepted', async () => {
    const path = join(dir, 'sub', 'known_hosts');
    const f = await KnownHostsFile.open(path);
    expect(f.check('10.0.0.5', key('a').blob).kind).toBe('unknown');
    await f.add('10.0.0.5', key('a').blob);
    expect(f.check('10.0.0.5', key('a').blob).kind).toBe('trusted');
    expect(await readFile(path, 'utf8')).toBe(`10.0.0.5 ${key('a').line}\n`);
  });

  it('appends on a new line, once per key, when several connections accept at the same time', async () => {
    const path = join(dir, 'known_hosts_no_newline');
    await writeFile(path, `10.0.0.1 ${key('e').line}`);
    const f = await KnownHostsFile.open(path);
    await Promise.all([
      f.add('[10.0.0.5]:2222', key('a').blob),
      f.add('[10.0.0.5]:2222', key('a').blob),
      f.add('10.0.0.6', key('b').blob),
    ]);
    expect((await readFile(path, 'utf8')).split('\n')).toEqual([
      `10.0.0.1 ${key('e').line}`,
      formatKnownHostsLine('[10.0.0.5]:2222', 'ssh-ed25519', key('a').blob),
      `10.0.0.6 ${key('b').line}`,
      '',
    ]);
    // ssh-keygen finds what we wrote.
    const { stdout } = await execa('ssh-keygen', ['-F', '[10.0.0.5]:2222', '-f', path]);
    expect(stdout).toContain(key('a').line);
  });
});

describe('--accept-new-host-keys is atomic per host', () => {
  const NAME = '[10.0.0.9]:2230';
  function verifierFor(node: string, file: KnownHostsFile, seen: NewHostKey[]) {
    return createHostVerifier({
      node,
      address: '10.0.0.9:2230',
      name: NAME,
      file,
      acceptNew: true,
      onNewHostKey: (k) => seen.push(k),
    });
  }
  const verify = (v: ReturnType<typeof createHostVerifier>, blob: Buffer) =>
    new Promise<boolean>((done) => v.verify(blob, done));

  // Two connections to one address that answer with different keys (a jump host that is also a board,
  // two boards behind one address, an interception): they overlap in one pool, or run in two pools
  // (two phases of a run) that each opened the file.
  it.each([
    ['in one pool (one KnownHostsFile)', false],
    ['in two pools (the file opened twice)', true],
  ])(
    'two different keys at once %s: the first is recorded, the second refused naming both',
    async (_w, two) => {
      const path = join(dir, `kh-race-${two ? 2 : 1}`);
      const f1 = await KnownHostsFile.open(path);
      const f2 = two ? await KnownHostsFile.open(path) : f1;
      const seen: NewHostKey[] = [];
      const node = verifierFor('pc-node1', f1, seen);
      const jump = verifierFor('pc-node2 via jump host pc-node1', f2, seen);
      const results = await Promise.all([verify(node, key('a').blob), verify(jump, key('b').blob)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const [winner, loser, winKey, loseKey] = results[0]
        ? [node, jump, key('a'), key('b')]
        : [jump, node, key('b'), key('a')];
      expect(winner.refusal()).toBeUndefined();
      const refusal = loser.refusal();
      expect(refusal?.kind).toBe('host-key');
      expect(refusal?.message).toContain(fingerprintSha256(winKey.blob));
      expect(refusal?.message).toContain(fingerprintSha256(loseKey.blob));
      expect(refusal?.message).toContain(`${path}:1`);
      expect(refusal?.hint).toContain(`ssh-keygen -R '${NAME}'`);
      expect(seen.map((k) => k.fingerprint)).toEqual([fingerprintSha256(winKey.blob)]);
      expect(await readFile(path, 'utf8')).toBe(`${NAME} ${winKey.line}\n`);
      // Both views now hold the recorded key only.
      for (const f of [f1, f2]) {
        expect(f.check(NAME, winKey.blob).kind).toBe('trusted');
        expect(f.check(NAME, loseKey.blob).kind).toBe('changed');
      }
    },
  );

  it('reads the file again under <file>.lock: a key another process recorded meanwhile wins', async () => {
    const path = join(dir, 'kh-other-process');
    const mine = await KnownHostsFile.open(path); // empty when this run started
    // Another picocal process holds the lock and is appending key a.
    await writeFile(`${path}.lock`, '99999\n');
    const pending = mine.add(NAME, key('b').blob);
    await new Promise((r) => setTimeout(r, 50));
    await writeFile(path, `${NAME} ${key('a').line}\n`);
    await rm(`${path}.lock`);
    const outcome = await pending;
    expect(outcome.kind).toBe('changed');
    expect(await readFile(path, 'utf8')).toBe(`${NAME} ${key('a').line}\n`);
    expect(existsSync(`${path}.lock`)).toBe(false);
    // The same key as the other process recorded is simply trusted, and nothing is written twice.
    expect((await mine.add(NAME, key('a').blob)).kind).toBe('trusted');
    expect(await readFile(path, 'utf8')).toBe(`${NAME} ${key('a').line}\n`);
  });
});
