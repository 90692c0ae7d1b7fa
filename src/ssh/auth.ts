// Which credentials a connection offers: the inventory's private key, the ssh-agent, or (with neither)
// the default identities OpenSSH would try. Key files are read once per run.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { SshConnectError } from './ssh-failure.js';

export interface Credentials {
  privateKey?: Buffer;
  agent?: string;
}

const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa'];
const keyCache = new Map<string, Promise<Buffer>>();

function readKey(path: string): Promise<Buffer> {
  let p = keyCache.get(path);
  if (!p) {
    p = readFile(path);
    keyCache.set(path, p);
    p.catch(() => keyCache.delete(path));
  }
  return p;
}

export async function credentialsFor(
  node: string,
  address: string,
  privateKeyPath: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Credentials> {
  const agent = env['SSH_AUTH_SOCK'] || undefined;
  if (privateKeyPath) {
    try {
      return { privateKey: await readKey(privateKeyPath), ...(agent ? { agent } : {}) };
    } catch (err) {
      throw new SshConnectError(
        'config',
        address,
        `cannot read the private key ${privateKeyPath} for ${node}`,
        {
          node,
          hint: 'fix ansible_ssh_private_key_file in the inventory (the key picocal and Ansible log in with)',
          cause: err,
        },
      );
    }
  }
  if (agent) return { agent };
  for (const name of DEFAULT_IDENTITIES) {
    try {
      return { privateKey: await readKey(join(homedir(), '.ssh', name)) };
    } catch {
      // try the next default identity
    }
  }
  throw new SshConnectError('config', address, `no SSH credentials for ${node}`, {
    node,
    hint: 'set ansible_ssh_private_key_file in the inventory, or start ssh-agent with the key loaded',
  });
}
