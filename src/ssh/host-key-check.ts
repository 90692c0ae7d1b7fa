// What a presented host key means against known_hosts, decided the way OpenSSH decides it: a key listed
// for the host is trusted, a revoked key never is, a host with other keys on file has CHANGED its key,
// and a host with no keys on file is new. A host known only through `@cert-authority` lines is neither:
// OpenSSH would check the host's certificate, which picocal's client (ssh2) cannot (it negotiates no
// `*-cert-v01@openssh.com` algorithm), so the verdict says so instead of treating the host as new.
import { fingerprintSha256, keyTypeOfBlob } from './host-key.js';
import { hostFieldMatches, type KnownHostEntry } from './known-hosts.js';

export type HostKeyVerdict =
  | { kind: 'trusted'; entry: KnownHostEntry }
  | { kind: 'revoked'; entry: KnownHostEntry }
  | { kind: 'changed'; known: KnownHostEntry[] }
  /** No host key on file, only certificate authorities for this host: picocal cannot check certificates. */
  | { kind: 'cert-authority-only'; authorities: KnownHostEntry[] }
  | { kind: 'unknown' };

/** Entries naming this host: host keys, `@revoked` and `@cert-authority` lines alike. */
export function entriesFor(entries: readonly KnownHostEntry[], name: string): KnownHostEntry[] {
  return entries.filter((e) => hostFieldMatches(e.hosts, name));
}

export function checkHostKey(
  entries: readonly KnownHostEntry[],
  name: string,
  presented: Buffer,
): HostKeyVerdict {
  const mine = entriesFor(entries, name);
  // "must not ever be accepted" (sshd(8)): a key revoked under any host pattern is refused for every host.
  const revoked = entries.find((e) => e.marker === 'revoked' && e.key.equals(presented));
  if (revoked) return { kind: 'revoked', entry: revoked };
  const hostKeys = mine.filter((e) => e.marker === undefined);
  const match = hostKeys.find((e) => e.key.equals(presented));
  if (match) return { kind: 'trusted', entry: match };
  if (hostKeys.length > 0) return { kind: 'changed', known: hostKeys };
  const authorities = mine.filter((e) => e.marker === 'cert-authority');
  return authorities.length > 0 ? { kind: 'cert-authority-only', authorities } : { kind: 'unknown' };
}

/** Key types already on file for the host: the client should ask the server for these first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], name: string): string[] {
  const types = entriesFor(entries, name)
    .filter((e) => e.marker === undefined)
    .map((e) => keyTypeOfBlob(e.key) ?? e.keyType);
  return [...new Set(types)];
}

export function describeKey(blob: Buffer): string {
  return `${keyTypeOfBlob(blob) ?? 'unknown-type'} ${fingerprintSha256(blob)}`;
}
