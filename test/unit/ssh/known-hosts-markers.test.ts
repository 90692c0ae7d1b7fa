// known_hosts markers (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"), through the verifier picocal's client uses:
// a key marked @revoked is refused whatever else the file says about it, and a host known only through
// @cert-authority is refused with a message that says why (picocal's client does not check host
// certificates) and the line to add, never treated as new (which --accept-new-host-keys would record).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprintSha256 } from '../../../src/ssh/host-key.js';
import { boardHostKeyFile, createHostVerifier, type NewHostKey } from '../../../src/ssh/host-verifier.js';
import { hashHostName } from '../../../src/ssh/known-hosts.js';
import { KnownHostsFile } from '../../../src/ssh/known-hosts-file.js';

let dir = '';
const keys: Record<string, { line: string; blob: Buffer }> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'picocal-khm-'));
  await Promise.all(
    ['board', 'other', 'ca'].map(async (name) => {
      const path = join(dir, name);
      await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', path]);
      const [t, b64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
      keys[name] = { line: `${t} ${b64}`, blob: Buffer.from(b64 ?? '', 'base64') };
    }),
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const k = (name: string) => {
  const v = keys[name];
  if (!v) throw new Error(`no key ${name}`);
  return v;
};
const HOST = '10.0.0.9';
const NAME = `[${HOST}]:2222`;
const SALT = Buffer.alloc(20, 7);

type Want = { accepted: true; recorded?: boolean } | { accepted: false; message: string[]; hint?: string[] };

// Each row: what the known_hosts file holds (`board`, `other`, `ca` stand for those keys' `type base64`;
// `HASHED` for the board's name hashed the way ssh-keygen -H hashes it), the board presenting key `board`.
const ROWS: [string, string[], boolean, Want][] = [
  ['a plain entry', [`${NAME} board`], false, { accepted: true }],
  [
    'a plain entry and the same key @revoked for this host',
    [`${NAME} board`, `@revoked ${NAME} board`],
    true,
    { accepted: false, message: ['REVOKED', ':2'] },
  ],
  [
    'a plain entry and the same key @revoked under *',
    [`@revoked * board`, `${NAME} board`],
    true,
    { accepted: false, message: ['REVOKED', ':1'] },
  ],
  [
    'a hashed entry and the key @revoked for another host',
    [`HASHED board`, `@revoked 192.0.2.1 board`],
    false,
    { accepted: false, message: ['REVOKED'] },
  ],
  [
    'only @revoked: never recorded, even with --accept-new-host-keys',
    [`@revoked * board`],
    true,
    { accepted: false, message: ['REVOKED'] },
  ],
  [
    'another key @revoked: the plain entry still counts',
    [`${NAME} board`, `@revoked * other`],
    false,
    { accepted: true },
  ],
  [
    'only @cert-authority for this host',
    [`@cert-authority ${NAME} ca`],
    false,
    {
      accepted: false,
      message: ['only through @cert-authority', ':1', 'does not check host certificates', 'SHA256:'],
      hint: ['ssh-keygen -lf', `${NAME} ssh-ed25519 `],
    },
  ],
  [
    'only @cert-authority, with --accept-new-host-keys: still refused, nothing recorded',
    [`# site CA`, `@cert-authority [10.0.0.*]:2222 ca`],
    true,
    { accepted: false, message: ['only through @cert-authority', ':2'] },
  ],
  [
    'only a hashed @cert-authority line',
    [`@cert-authority HASHED ca`],
    true,
    { accepted: false, message: ['does not check host certificates'] },
  ],
  [
    '@cert-authority and the board key: the board key counts',
    [`@cert-authority * ca`, `${NAME} board`],
    false,
    { accepted: true },
  ],
  [
    '@cert-authority and a different board key: changed',
    [`@cert-authority * ca`, `${NAME} other`],
    true,
    { accepted: false, message: ['HAS CHANGED', ':2'] },
  ],
  [
    '@cert-authority and the key @revoked: revoked',
    [`@cert-authority * ca`, `@revoked * board`],
    true,
    { accepted: false, message: ['REVOKED'] },
  ],
  [
    '@cert-authority for other hosts only (negated): unknown, refused without the flag',
    [`@cert-authority *,!${NAME} ca`],
    false,
    { accepted: false, message: ['is not in'], hint: ['--accept-new-host-keys'] },
  ],
  [
    '@cert-authority for other hosts only: unknown, recorded with the flag',
    [`@cert-authority 192.0.2.* ca`],
    true,
    { accepted: true, recorded: true },
  ],
];

describe('known_hosts markers, decided by the host verifier', () => {
  let n = 0;
  it.each(ROWS)('%s', async (_what, lines, acceptNew, want) => {
    const text = `${lines
      .map((l) =>
        l
          .replace(/^HASHED |(?<=^@\S+ )HASHED /, hashHostName(NAME, SALT) + ' ')
          .replace(/ (board|other|ca)$/, (_m, key: string) => ` ${k(key).line}`),
      )
      .join('\n')}\n`;
    const path = join(dir, `known_hosts.${++n}`);
    await writeFile(path, text);
    const seen: NewHostKey[] = [];
    const verifier = createHostVerifier({
      node: 'pc-node9',
      address: `${HOST}:2222`,
      name: NAME,
      file: await KnownHostsFile.open(path),
      acceptNew,
      onNewHostKey: (key) => seen.push(key),
    });
    const ok = await new Promise<boolean>((done) => verifier.verify(k('board').blob, done));
    const after = await readFile(path, 'utf8');
    if (want.accepted) {
      expect(ok).toBe(true);
      expect(verifier.refusal()).toBeUndefined();
      expect(seen.map((s) => s.fingerprint)).toEqual(
        want.recorded ? [fingerprintSha256(k('board').blob)] : [],
      );
      expect(after).toBe(want.recorded ? `${text}${NAME} ${k('board').line}\n` : text);
      return;
    }
    expect(ok).toBe(false);
    const refusal = verifier.refusal();
    expect(refusal?.kind).toBe('host-key');
    for (const part of want.message) {
      expect(refusal?.message).toContain(part.startsWith(':') ? `${path}${part}` : part);
    }
    for (const part of want.hint ?? []) expect(refusal?.hint).toContain(part);
    expect(seen).toEqual([]);
    expect(after).toBe(text);
  });

  it("prints, for a host known only through a CA, exactly the line ssh would accept for the board's key", async () => {
    const path = join(dir, 'known_hosts.ca-hint');
    await writeFile(path, `@cert-authority ${NAME} ${k('ca').line}\n`);
    const verifier = createHostVerifier({
      node: 'pc-node9',
      address: `${HOST}:2222`,
      name: NAME,
      file: await KnownHostsFile.open(path),
      acceptNew: false,
    });
    await new Promise<boolean>((done) => verifier.verify(k('board').blob, done));
    const line = verifier.refusal()?.hint?.split(': ').pop() ?? '';
    expect(line).toBe(`${NAME} ${k('board').line}`);
    // Added to the file, the line is what OpenSSH finds for the board.
    await writeFile(path, `@cert-authority ${NAME} ${k('ca').line}\n${line}\n`);
    const { stdout } = await execa('ssh-keygen', ['-F', NAME, '-f', path]);
    expect(stdout).toContain(k('board').line);
  });
});

describe('boardHostKeyFile: the file on the board whose fingerprint the hint asks to compare', () => {
  it.each([
    ['ssh-ed25519', '/etc/ssh/ssh_host_ed25519_key.pub'],
    ['ecdsa-sha2-nistp256', '/etc/ssh/ssh_host_ecdsa_key.pub'],
    ['ecdsa-sha2-nistp521', '/etc/ssh/ssh_host_ecdsa_key.pub'],
    ['ssh-rsa', '/etc/ssh/ssh_host_rsa_key.pub'],
  ])('%s → %s', (type, file) => {
    expect(boardHostKeyFile(type)).toBe(file);
  });
});
