// ed25519 keys for the lab: the client key picocal logs in with and each node's host key. Written in
// OpenSSH's own formats (openssh-key-v1 private key, `ssh-ed25519 AAAA...` public key) straight from
// node:crypto: the lab needs 1 + N keys per `up`, and a process per key was a tenth of the start time.
// OpenSSH reads these files as its own (the lab tests log in with them and ssh-keyscan the host keys).
// LAB ONLY.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export interface SshKeyPair {
  privateKey: string;
  publicKey: string;
  /** `ssh-ed25519 AAAA...` without a comment. */
  publicLine: string;
  fingerprint: string;
}

function sshString(data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

/** The private key file ssh-keygen -t ed25519 -N '' writes (unencrypted openssh-key-v1). */
function opensshPrivateKey(seed: Buffer, pub: Buffer, comment: string): string {
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]);
  const check = randomBytes(4);
  let priv = Buffer.concat([
    check,
    check,
    sshString('ssh-ed25519'),
    sshString(pub),
    sshString(Buffer.concat([seed, pub])),
    sshString(comment),
  ]);
  const pad = (8 - (priv.length % 8)) % 8;
  priv = Buffer.concat([priv, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  const body = Buffer.concat([
    Buffer.from('openssh-key-v1\0'),
    sshString('none'),
    sshString('none'),
    sshString(''),
    uint32(1),
    sshString(pubBlob),
    sshString(priv),
  ]).toString('base64');
  const lines = body.match(/.{1,70}/g) ?? [];
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${lines.join('\n')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

export function generateEd25519(path: string, comment: string): SshKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const jwk = privateKey.export({ format: 'jwk' });
  const seed = Buffer.from(jwk.d ?? '', 'base64url');
  const pub = Buffer.from((publicKey.export({ format: 'jwk' }).x ?? '') as string, 'base64url');
  if (seed.length !== 32 || pub.length !== 32)
    throw new Error('node:crypto returned an unexpected ed25519 key');
  const publicLine = `ssh-ed25519 ${Buffer.concat([sshString('ssh-ed25519'), sshString(pub)]).toString('base64')}`;
  writeFileSync(path, opensshPrivateKey(seed, pub, comment), { mode: 0o600 });
  writeFileSync(`${path}.pub`, `${publicLine} ${comment}\n`, { mode: 0o644 });
  return { privateKey: path, publicKey: `${path}.pub`, publicLine, fingerprint: fingerprintOf(publicLine) };
}

/** The `type base64` part of a public key or known_hosts line. */
export function publicKeyLine(text: string): string {
  const [type, blob] = text.trim().split(/\s+/);
  if (!type || !blob) throw new Error(`not an OpenSSH public key: ${text.slice(0, 40)}`);
  return `${type} ${blob}`;
}

/** The `SHA256:...` fingerprint ssh-keygen -l prints (base64 of the key blob's digest, unpadded). */
export function fingerprintOf(publicLine: string): string {
  const blob = publicLine.split(' ')[1] ?? '';
  const digest = createHash('sha256').update(Buffer.from(blob, 'base64')).digest('base64');
  return `SHA256:${digest.replace(/=+$/, '')}`;
}
