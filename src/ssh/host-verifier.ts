// ssh2's hostVerifier for one connection: the presented key blob is compared with known_hosts, and a
// refusal is kept as a PicocalError that names the node, the address and the fingerprints (ssh2 itself
// only says "Host denied (verification failed)").
import { describeKey } from './host-key-check.js';
import { fingerprintSha256, keyTypeOfBlob } from './host-key.js';
import type { KnownHostsFile } from './known-hosts-file.js';
import { formatKnownHostsLine, type KnownHostEntry } from './known-hosts.js';
import { SshConnectError } from './ssh-failure.js';

export interface HostVerifierOptions {
  node: string;
  /** What the user would type: `host` or `host:port`. */
  address: string;
  /** The known_hosts lookup name (`host` or `[host]:port`). */
  name: string;
  file: KnownHostsFile;
  acceptNew: boolean;
  /** Told about every key recorded under --accept-new-host-keys (the CLI prints the fingerprint). */
  onNewHostKey?: (info: NewHostKey) => void;
}

export interface NewHostKey {
  node: string;
  address: string;
  fingerprint: string;
  keyType: string;
  file: string;
}

/** The line the CLI prints for a recorded key: what `ssh-keygen -lf` would show, and where it went. */
export function describeNewHostKey(k: NewHostKey): string {
  return `${k.node}: recorded new host key ${k.keyType} ${k.fingerprint} for ${k.address} in ${k.file}`;
}

export interface HostVerifier {
  verify: (key: Buffer, done: (ok: boolean) => void) => void;
  /** Set when the key was refused: the error to report instead of ssh2's. */
  refusal(): SshConnectError | undefined;
}

/** Where sshd keeps the public host key of this type (the file to run `ssh-keygen -lf` on, on the board). */
export function boardHostKeyFile(keyType: string): string {
  const kind = keyType.startsWith('ecdsa-') ? 'ecdsa' : keyType === 'ssh-rsa' ? 'rsa' : 'ed25519';
  return `/etc/ssh/ssh_host_${kind}_key.pub`;
}

export function createHostVerifier(opts: HostVerifierOptions): HostVerifier {
  let refusal: SshConnectError | undefined;
  const { node, address, name, file } = opts;
  const refuse = (message: string, hint: string): false => {
    refusal = new SshConnectError('host-key', address, message, { node, hint });
    return false;
  };

  const changed = (presented: string, known: KnownHostEntry[]): false => {
    const list = known.map((e) => `${describeKey(e.key)} (${file.path}:${e.line})`).join(', ');
    return refuse(
      `REMOTE HOST IDENTIFICATION HAS CHANGED for ${node} (${address}): it presented ${presented}, ` +
        `known_hosts has ${list}`,
      'someone could be intercepting the connection, or the board was reinstalled. If you reinstalled it, ' +
        `check the new fingerprint on the board, remove the old entry (ssh-keygen -R '${name}' -f ${file.path}) ` +
        'and rerun with --accept-new-host-keys; picocal never replaces a known key',
    );
  };
  const revoked = (presented: string, entry: KnownHostEntry): false =>
    refuse(
      `${node} (${address}) presented a REVOKED host key ${presented} (${file.path}:${entry.line})`,
      'the board is using a key marked @revoked: reinstall its host keys and record the new one',
    );

  // Refused even with --accept-new-host-keys: the user chose to trust this host through a CA, and recording
  // whatever key answers would replace that trust with trust on first use.
  const certOnly = (key: Buffer, presented: string, authorities: KnownHostEntry[]): false =>
    refuse(
      `${node} (${address}) is known in ${file.path} only through @cert-authority ` +
        `(${authorities.map((e) => `${file.path}:${e.line}`).join(', ')}), and picocal does not check host ` +
        `certificates; the board presented its own key ${presented}`,
      `check that fingerprint on the board (ssh-keygen -lf ${boardHostKeyFile(keyTypeOfBlob(key) ?? '')}); if it matches, ` +
        `add the board's own key to ${file.path} (the @cert-authority line can stay, ssh and Ansible keep using it): ` +
        formatKnownHostsLine(name, keyTypeOfBlob(key) ?? 'unknown', key),
    );

  const decide = async (key: Buffer): Promise<boolean> => {
    const verdict = file.check(name, key);
    const presented = describeKey(key);
    switch (verdict.kind) {
      case 'trusted':
        return true;
      case 'revoked':
        return revoked(presented, verdict.entry);
      case 'changed':
        return changed(presented, verdict.known);
      case 'cert-authority-only':
        return certOnly(key, presented, verdict.authorities);
      case 'unknown': {
        if (!opts.acceptNew) {
          return refuse(
            `host key of ${node} (${address}) is not in ${file.path}: ${presented}`,
            `check that fingerprint on the board (ssh-keygen -lf ${boardHostKeyFile(keyTypeOfBlob(key) ?? '')}), ` +
              'then rerun with --accept-new-host-keys to record it',
          );
        }
        // Decided again where the key is written: another connection may have recorded one meanwhile.
        const outcome = await file.add(name, key);
        switch (outcome.kind) {
          case 'recorded': {
            const [keyType = 'unknown'] = presented.split(' ');
            opts.onNewHostKey?.({
              node,
              address,
              fingerprint: fingerprintSha256(key),
              keyType,
              file: file.path,
            });
            return true;
          }
          case 'trusted':
            return true;
          case 'revoked':
            return revoked(presented, outcome.entry);
          case 'cert-authority-only':
            return certOnly(key, presented, outcome.authorities);
          case 'changed':
            return refuse(
              `two connections to ${name} in this run presented different host keys: ${node} (${address}) presented ` +
                `${presented}, another connection had just recorded ${outcome.known
                  .map((e) => `${describeKey(e.key)} (${file.path}:${e.line})`)
                  .join(', ')}`,
              'one address answers with two identities (two boards behind one address, or someone intercepting ' +
                'the connection): picocal kept the first key and refused this one. Check the fingerprint on the ' +
                `board; if the recorded key is wrong, remove it (ssh-keygen -R '${name}' -f ${file.path}) and rerun`,
            );
        }
      }
    }
  };

  return {
    verify(key, done) {
      decide(key).then(done, (err: unknown) => {
        refuse(
          `cannot record the host key of ${node} (${address}) in ${file.path}: ${(err as Error).message}`,
          'make the known_hosts file writable (picocal_known_hosts in the inventory)',
        );
        done(false);
      });
    },
    refusal: () => refusal,
  };
}
