// A real OpenSSH sshd on a loopback address and a free port, with its own ed25519 host key and key-only
// login: what the SSH lab tests and the verify benchmarks connect to. Needs root (sshd's privilege
// separation) and Linux. Test and benchmark use only: never started against a real cluster.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export const SSHD = '/usr/sbin/sshd';
const PREFIX = 'picocal-sshd-';
const OWNER_FILE = 'owner.pid';

export interface KeyPair {
  path: string;
  /** `type base64`, as in a .pub file without the comment. */
  publicLine: string;
  blob: Buffer;
}

export interface LoopbackSshd {
  host: string;
  port: number;
  dir: string;
  hostKey: KeyPair;
  clientKey: KeyPair;
  user: string;
  /** sshd's log (started with -e): useful when a test fails. */
  log(): string;
  stop(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  restart(): Promise<void>;
  running(): boolean;
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function generateKey(path: string, comment = 'picocal-test'): Promise<KeyPair> {
  await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  const [type, b64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  if (!type || !b64) throw new Error(`bad public key ${path}.pub`);
  return { path, publicLine: `${type} ${b64}`, blob: Buffer.from(b64, 'base64') };
}

function banner(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('data', (d) => done(d.toString('latin1').startsWith('SSH-')));
    s.once('error', () => done(false));
  });
}

export interface SshdOptions {
  host?: string;
  port?: number;
  /** Reuse keys (several sshd sharing one client key, or a host key swapped in on purpose). */
  hostKey?: KeyPair;
  clientKey?: KeyPair;
  dir?: string;
  /**
   * Hide the login user's ~/.bashrc from sshd's sessions (a bind mount of an empty file in a private
   * mount namespace; the host's file is untouched). bash sources ~/.bashrc for every SSH command, and a
   * heavy one (pyenv init: ~0.4 s) would make a benchmark measure the shell, not picocal.
   */
  plainShell?: boolean;
}

export async function startLoopbackSshd(opts: SshdOptions = {}): Promise<LoopbackSshd> {
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), PREFIX)));
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = opts.hostKey ?? (await generateKey(join(dir, 'host_ed25519'), 'picocal-test-host'));
  const clientKey = opts.clientKey ?? (await generateKey(join(dir, 'client_ed25519'), 'picocal-test-client'));
  await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicLine}\n`, { mode: 0o600 });
  await writeFile(join(dir, 'empty-bashrc'), '');
  await writeFile(join(dir, OWNER_FILE), `${process.pid}\n`);
  await chmod(hostKey.path, 0o600);
  const config = join(dir, 'sshd_config');
  await writeFile(
    config,
    [
      `Port ${port}`,
      `ListenAddress ${host}`,
      `HostKey ${hostKey.path}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'UseDNS no',
      'StrictModes no',
      'AllowTcpForwarding yes',
      'MaxStartups 200',
      'MaxSessions 50',
      'LogLevel ERROR',
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    const argv = ['-D', '-e', '-f', config];
    const empty = join(dir, 'empty-bashrc');
    const c = opts.plainShell
      ? spawn(
          'unshare',
          [
            '--mount',
            '--propagation',
            'private',
            'sh',
            '-c',
            'if [ -f "$HOME/.bashrc" ]; then mount --bind "$1" "$HOME/.bashrc" || exit 1; fi; shift; exec "$@"',
            'sh',
            empty,
            SSHD,
            ...argv,
          ],
          { stdio: ['ignore', 'ignore', 'pipe'] },
        )
      : spawn(SSHD, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    c.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    c.once('exit', () => {
      if (child === c) child = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (!child) throw new Error(`sshd exited at start: ${log}`);
      if (await banner(host, port, 500)) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    c.kill('SIGKILL');
    throw new Error(`sshd did not answer on ${host}:${port}: ${log}`);
  };
  const stop = async () => {
    const c = child;
    if (!c) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const t = setTimeout(() => c.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(t);
  };
  await start();
  return {
    host,
    port,
    dir,
    hostKey,
    clientKey,
    user: 'root',
    log: () => log,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    running: () => child !== undefined,
  };
}

/** Stops sshd and removes its folder (only folders this module created under the temp dir). */
export async function disposeSshd(s: LoopbackSshd | undefined): Promise<void> {
  if (!s) return;
  await s.stop();
  if (s.dir.startsWith(join(tmpdir(), PREFIX))) await rm(s.dir, { recursive: true, force: true });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Stops sshd instances this module started for a test process that has since died (a killed test
 * worker never runs its afterAll). Only PIDs from our own pid files whose command line names our own
 * config are signalled.
 */
export async function reapOrphanedSshd(): Promise<number> {
  let reaped = 0;
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  for (const name of entries.filter((e) => e.startsWith(PREFIX))) {
    const dir = join(tmpdir(), name);
    const owner = Number((await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => '')).trim());
    if (!owner || alive(owner)) continue;
    const pid = Number((await readFile(join(dir, 'sshd.pid'), 'utf8').catch(() => '')).trim());
    if (pid) {
      const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.includes(join(dir, 'sshd_config'))) {
        process.kill(pid, 'SIGTERM');
        reaped++;
      }
    }
    await rm(dir, { recursive: true, force: true });
  }
  return reaped;
}
