// Host-key policy against real OpenSSH servers, each case next to what OpenSSH's own client does with the
// same server and known_hosts file:
// - a board that signs only with `ssh-rsa` (RSA with SHA-1): refused with a clear error and hint, as
//   OpenSSH >= 8.8 refuses it; the same RSA key signing with rsa-sha2-512/256 is accepted;
// - a board known only through `@cert-authority` (a real host certificate): ssh accepts it, picocal (ssh2
//   checks no certificates) refuses and prints the board's own line; with that line added, it connects;
// - `@revoked`: refused by `picocal verify` although the key is also listed plainly, exit 1.
// Needs root on Linux (sshd).
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeSshd,
  reapOrphanedSshd,
  SSHD,
  startLoopbackSshd,
  type KeyPair,
  type LoopbackSshd,
} from '../../bench/verify-sshd.js';
import { loopbackInventory, writeClusterStandIn } from '../../bench/verify-fixture.js';
import { ansibleSshArgs } from '../../src/ansible/ssh-args.js';
import type { HealthReport } from '../../src/health/health-types.js';
import { SshConnectError } from '../../src/ssh/ssh-failure.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import type { SshTarget } from '../../src/ssh/ssh-target.js';
import { runCli } from '../helpers/run-cli.js';

const reason =
  process.platform !== 'linux'
    ? 'needs Linux'
    : process.getuid?.() !== 0
      ? 'needs root (sshd privilege separation)'
      : !existsSync(SSHD)
        ? `needs ${SSHD} (bash scripts/install-deps.sh)`
        : undefined;
if (reason && process.env['CI'] === 'true') {
  describe('host-key policy against real sshd', () => {
    it('runs in CI', () => {
      throw new Error(`SSH lab tests cannot run here: ${reason}; CI must run them as root on Linux`);
    });
  });
} else if (reason) {
  console.warn(`skipping test/lab/ssh-host-key-policy.test.ts: ${reason}`);
}

async function keyPair(path: string, type: 'rsa' | 'ed25519'): Promise<KeyPair> {
  await execa('ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '3072'] : []),
    '-N',
    '',
    '-f',
    path,
  ]);
  const [t, b64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  return { path, publicLine: `${t} ${b64}`, blob: Buffer.from(b64 ?? '', 'base64') };
}

async function fingerprint(pubPath: string): Promise<string> {
  return (await execa('ssh-keygen', ['-lf', pubPath])).stdout.split(' ')[1] ?? '';
}

describe.skipIf(reason !== undefined)('host-key policy against real sshd', () => {
  let work = '';
  const servers: LoopbackSshd[] = [];
  const pools: SshPool[] = [];

  beforeAll(async () => {
    await reapOrphanedSshd();
    work = await mkdtemp(join(tmpdir(), 'picocal-hkp-'));
  });
  afterAll(async () => {
    for (const p of pools) p.close();
    for (const s of servers) await disposeSshd(s);
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** An sshd with this host key and these extra sshd_config lines. */
  async function sshd(hostKey: KeyPair, extra: string[] = []): Promise<LoopbackSshd> {
    const s = await startLoopbackSshd({ hostKey, clientKey: servers[0]?.clientKey });
    servers.push(s);
    if (extra.length > 0) {
      await appendFile(join(s.dir, 'sshd_config'), `${extra.join('\n')}\n`);
      await s.restart();
    }
    return s;
  }
  let files = 0;
  async function knownHosts(text: string): Promise<string> {
    const path = join(work, `known_hosts.${++files}`);
    await writeFile(path, text);
    return path;
  }
  const nameOf = (s: LoopbackSshd) => `[${s.host}]:${s.port}`;
  const target = (s: LoopbackSshd, kh: string): SshTarget => ({
    node: 'se-board1',
    host: s.host,
    port: s.port,
    user: s.user,
    privateKey: s.clientKey.path,
    knownHosts: kh,
    jump: undefined,
  });
  async function connect(s: LoopbackSshd, kh: string, acceptNewHostKeys = false): Promise<unknown> {
    const pool = new SshPool({ connectTimeoutMs: 5000, acceptNewHostKeys });
    pools.push(pool);
    return pool.session(target(s, kh)).then(
      async (session) => (await session.exec(['true'])).code,
      (e: unknown) => e,
    );
  }
  /** OpenSSH's client, strict, against the same known_hosts file only. */
  async function openssh(s: LoopbackSshd, kh: string, extra: string[] = []) {
    return execa(
      'ssh',
      [
        ...['-F', 'none', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', ...extra],
        ...['-o', `UserKnownHostsFile=${kh}`, '-o', 'GlobalKnownHostsFile=/dev/null'],
        ...['-i', s.clientKey.path, '-p', String(s.port), `${s.user}@${s.host}`, 'true'],
      ],
      { reject: false },
    );
  }

  describe('ssh-rsa (SHA-1) host keys', () => {
    let rsa: KeyPair;
    beforeAll(async () => {
      rsa = await keyPair(join(work, 'host_rsa'), 'rsa');
    });

    it('refuses a board that signs only with ssh-rsa, naming the algorithms it accepts and what to change', async () => {
      const s = await sshd(rsa, ['HostKeyAlgorithms ssh-rsa']);
      const kh = await knownHosts(`${nameOf(s)} ${rsa.publicLine}\n`);
      const err = await connect(s, kh, true);
      expect(err).toBeInstanceOf(SshConnectError);
      const e = err as SshConnectError;
      expect(e.kind).toBe('host-key');
      expect(e.message).toContain('se-board1');
      expect(e.message).toContain('offers no host key algorithm picocal accepts');
      expect(e.message).toContain('rsa-sha2-512');
      expect(e.message).toContain('picocal refuses ssh-rsa');
      expect(e.hint).toContain('ed25519 host key');
      expect(e.hint).toContain('HostKeyAlgorithms');
      // OpenSSH (>= 8.8) refuses the same server the same way.
      const ssh = await openssh(s, kh);
      expect(ssh.exitCode).not.toBe(0);
      expect(ssh.stderr).toMatch(/no matching host key type found\. Their offer: ssh-rsa/);
      // Nothing was recorded although --accept-new-host-keys was given.
      expect(await readFile(kh, 'utf8')).toBe(`${nameOf(s)} ${rsa.publicLine}\n`);
    });

    it("Ansible's ssh arguments refuse it too, even where ~/.ssh/config or the inventory allows ssh-rsa again", async () => {
      const s = await sshd(rsa, ['HostKeyAlgorithms ssh-rsa']);
      const kh = await knownHosts(`${nameOf(s)} ${rsa.publicLine}\n`);
      const allowAgain = ['-o', 'HostKeyAlgorithms=+ssh-rsa'];
      // Without picocal's arguments, OpenSSH told to allow ssh-rsa connects: the refusal below is picocal's.
      const plain = await openssh(s, kh, allowAgain);
      expect(plain.exitCode, plain.stderr).toBe(0);
      const sockets = await mkdtemp(join(work, 'cp-'));
      // As Ansible runs ssh: ansible_ssh_args (split by the shell the way shlex splits it) first.
      const args = ansibleSshArgs(target(s, kh), { dir: sockets });
      const ssh = await execa(
        'bash',
        ['-c', `exec ssh ${args} "$@"`, 'ssh', '-F', 'none', '-o', 'BatchMode=yes', ...allowAgain,
          '-i', s.clientKey.path, '-p', String(s.port), `${s.user}@${s.host}`, 'true'],
        { reject: false },
      ); // prettier-ignore
      expect(ssh.exitCode).not.toBe(0);
      expect(ssh.stderr).toMatch(/no matching host key type found\. Their offer: ssh-rsa/);
    });

    it('accepts the same RSA key when the board signs with rsa-sha2-512/256', async () => {
      const s = await sshd(rsa);
      // Unknown: the hint names the board's RSA key file to compare the fingerprint with.
      const unknown = (await connect(s, await knownHosts(''))) as SshConnectError;
      expect(unknown.message).toContain(`ssh-rsa ${await fingerprint(`${rsa.path}.pub`)}`);
      expect(unknown.hint).toContain('ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub');
      const kh = await knownHosts(`${nameOf(s)} ${rsa.publicLine}\n`);
      expect(await connect(s, kh)).toBe(0);
      expect((await openssh(s, kh)).exitCode).toBe(0);
    });
  });

  describe('@cert-authority', () => {
    it("refuses a board known only through a CA (ssh would accept its certificate), prints the board's own line, and connects once it is added", async () => {
      const ca = await keyPair(join(work, 'host_ca'), 'ed25519');
      const board = await keyPair(join(work, 'host_cert_board'), 'ed25519');
      // A real host certificate for 127.0.0.1, signed by the CA (ssh-keygen(1) CERTIFICATES).
      await execa('ssh-keygen', [
        '-q',
        '-s',
        ca.path,
        '-I',
        'se-board1',
        '-h',
        '-n',
        '127.0.0.1',
        `${board.path}.pub`,
      ]);
      const s = await sshd(board, [`HostCertificate ${board.path}-cert.pub`]);
      const caLine = `@cert-authority ${nameOf(s)} ${ca.publicLine}\n`;
      const kh = await knownHosts(caLine);

      const ssh = await openssh(s, kh);
      expect(ssh.exitCode, ssh.stderr).toBe(0);

      const err = (await connect(s, kh, true)) as SshConnectError;
      expect(err).toBeInstanceOf(SshConnectError);
      expect(err.kind).toBe('host-key');
      expect(err.message).toContain(`only through @cert-authority (${kh}:1)`);
      expect(err.message).toContain('picocal does not check host certificates');
      expect(err.message).toContain(await fingerprint(`${board.path}.pub`));
      expect(await readFile(kh, 'utf8')).toBe(caLine);
      const line = err.hint?.split(': ').pop() ?? '';
      expect(line).toBe(`${nameOf(s)} ${board.publicLine}`);

      await appendFile(kh, `${line}\n`);
      expect(await connect(s, kh)).toBe(0);
      expect((await openssh(s, kh)).exitCode).toBe(0);
    });
  });

  describe('@revoked', () => {
    it('picocal verify refuses a revoked key although it is also listed plainly (exit 1, nothing recorded)', async () => {
      const key = await keyPair(join(work, 'host_revoked'), 'ed25519');
      const s = await sshd(key);
      const text = `${nameOf(s)} ${key.publicLine}\n@revoked * ${key.publicLine}\n`;
      const kh = await knownHosts(text);
      const cluster = await writeClusterStandIn(join(work, 'kube'), [hostname()], 'v3.32.1');
      const inv = join(work, 'inventory.yaml');
      await writeFile(
        inv,
        loopbackInventory({
          user: s.user,
          privateKey: s.clientKey.path,
          knownHosts: kh,
          cluster,
          nodes: [{ name: 'se-board1', host: s.host, port: s.port }],
        }),
      );
      const r = await runCli(['verify', '-i', inv, '--output', 'json', '--accept-new-host-keys']);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout) as HealthReport;
      expect(doc.nodes[0]).toMatchObject({ reachable: false, error: { code: 'E_SSH' } });
      // The JSON document carries the error; stderr the hint.
      const message = doc.nodes[0]?.error?.message ?? '';
      expect(message).toContain('REVOKED');
      expect(message).toContain(`${kh}:2`);
      expect(message).toContain(await fingerprint(`${key.path}.pub`));
      expect(r.stderr).toContain('se-board1: hint: the board is using a key marked @revoked');
      expect(await readFile(kh, 'utf8')).toBe(text);
      // OpenSSH refuses it too.
      const ssh = await openssh(s, kh);
      expect(ssh.exitCode).not.toBe(0);
      expect(ssh.stderr).toMatch(/REVOKED/);
    });
  });
});
