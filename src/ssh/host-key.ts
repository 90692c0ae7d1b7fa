// A host's public key as it travels in SSH (the wire-format blob) and the ways OpenSSH shows it.
import { createHash } from 'node:crypto';

/** `SHA256:<base64 without padding>`: exactly what `ssh-keygen -l` and ssh's prompts print. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside the blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ...). */
export function keyTypeOfBlob(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const len = blob.readUInt32BE(0);
  if (len === 0 || len > 64 || 4 + len > blob.length) return undefined;
  const type = blob.subarray(4, 4 + len).toString('latin1');
  return /^[a-z0-9@.-]+$/.test(type) ? type : undefined;
}

// The host key algorithms picocal's client offers, as OpenSSH >= 8.8 does by default: no `ssh-rsa` (an RSA
// key signing with SHA-1) and no `ssh-dss`. An RSA host key still works through rsa-sha2-512/256 (RFC 8332),
// which every OpenSSH since 7.2 offers; a server that can only sign with SHA-1 is refused
// (classifyConnectError in ssh-failure.ts says so). https://www.openssh.com/txt/release-8.8
export const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
] as const;

/** The host key algorithms picocal may negotiate for a key of this type (an RSA key: SHA-2 signatures only). */
export function algorithmsForKeyType(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256'] : [type];
}
