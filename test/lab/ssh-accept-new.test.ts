// --accept-new-host-keys against real OpenSSH servers: one address that answers with two identities (two
// sshd with different host keys behind a TCP relay that alternates between them, as two boards behind one
// address or an interception would) must never end with two keys recorded for it. Whichever connection
// records first wins; the other is refused naming both fingerprints. Needs root on Linux (sshd).
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeSshd,
  generateKey,
  reapOrphanedSshd,
  SSHD,
  startLoopbackSshd,
  type LoopbackSshd,
} from '../../bench/verify-sshd.js';
import { SshConnectError } from '../../src/ssh/ssh-failure.js';
import type { NewHostKey } from '../../src/ssh/host-verifier.js';
import { SshPool } from '../../src/ssh/ssh-pool.js';
import type { SshTarget } from '../../src/ssh/ssh-target.js';

const reason =
  process.platform !== 'linux'
    ? 'needs Linux'
    : process.getuid?.() !== 0
      ? 'needs root (sshd privilege separation)'
      : !existsSync(SSHD)
        ? `needs ${SSHD} (bash scripts/install-deps.sh)`
        : undefined;
if (reason && process.env['CI'] === 'true') {
  describe('accept-new against real sshd', () => {
    it('runs in CI', () => {
      throw new Error(`SSH lab tests cannot run here: ${reason}; CI must run them as root on Linux`);
    });
  });
} else if (reason) {
  console.warn(`skipping test/lab/ssh-accept-new.test.ts: ${reason}`);
}

describe.skipIf(reason !== undefined)('--accept-new-host-keys with one address, two host keys', () => {
  let a: LoopbackSshd | undefined;
  let b: LoopbackSshd | undefined;
  let relay: Server | undefined;
  let relayPort = 0;
  let work = '';
  const sockets = new Set<Socket>();
  const pools: SshPool[] = [];

  beforeAll(async () => {
    await reapOrphanedSshd();
    work = await mkdtemp(join(tmpdir(), 'picocal-accept-new-'));
    a = await startLoopbackSshd();
    b = await startLoopbackSshd({ clientKey: a.clientKey, hostKey: await generateKey(join(work, 'host_b')) });
    // LAB ONLY relay: connection n goes to A when n is even, to B when odd (the review's alternate.cjs).
    let n = 0;
    relay = createServer((c) => {
      const to = n++ % 2 === 0 ? a! : b!;
      const s = connect(to.port, to.host);
      for (const x of [c, s]) {
        sockets.add(x);
        x.on('error', () => undefined);
        x.on('close', () => sockets.delete(x));
      }
      c.pipe(s).pipe(c);
    });
    await new Promise<void>((r) => relay!.listen(0, '127.0.0.3', r));
    const addr = relay.address();
    relayPort = addr && typeof addr === 'object' ? addr.port : 0;
  });

  afterAll(async () => {
    for (const p of pools) p.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => (relay ? relay.close(r) : r(undefined)));
    await disposeSshd(a);
    await disposeSshd(b);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const fingerprint = async (s: LoopbackSshd | undefined) =>
    (await execa('ssh-keygen', ['-lf', `${s!.hostKey.path}.pub`])).stdout.split(' ')[1] ?? '';
  const pool = (seen: NewHostKey[]) => {
    const p = new SshPool({
      connectTimeoutMs: 8000,
      acceptNewHostKeys: true,
      onNewHostKey: (k) => seen.push(k),
    });
    pools.push(p);
    return p;
  };
  const target = (node: string, kh: string, over: Partial<SshTarget> = {}): SshTarget => ({
    node,
    host: '127.0.0.3',
    port: relayPort,
    user: a!.user,
    privateKey: a!.clientKey.path,
    knownHosts: kh,
    jump: undefined,
    ...over,
  });

  it.each([
    ['two boards at one address, one pool', 'same-pool'],
    ['two boards at one address, two pools (two phases of a run)', 'two-pools'],
    ['a jump host that is also a board (the jump and the board connect at once)', 'jump'],
  ])('%s: one key recorded, the other connection refused naming both', async (_what, shape) => {
    const kh = join(work, `known_hosts.${shape}`);
    const seen: NewHostKey[] = [];
    const p1 = pool(seen);
    const p2 = shape === 'two-pools' ? pool(seen) : p1;
    const first = target('pc-node1', kh);
    const second =
      shape === 'jump'
        ? // pc-node2 sits behind jump host pc-node1 (the relay); the jump forwards to sshd A directly.
          target('pc-node2', kh, {
            host: a!.host,
            port: a!.port,
            jump: {
              label: 'pc-node1',
              host: '127.0.0.3',
              port: relayPort,
              user: a!.user,
              privateKey: a!.clientKey.path,
              knownHosts: kh,
            },
          })
        : target('pc-node2', kh);
    const results = await Promise.allSettled([p1.session(first), p2.session(second)]);
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(refused).toHaveLength(1);
    const err = refused[0] as SshConnectError;
    expect(err).toBeInstanceOf(SshConnectError);
    expect(err.kind).toBe('host-key');
    expect(err.message).toContain(await fingerprint(a));
    expect(err.message).toContain(await fingerprint(b));
    // The connection that got in works.
    const ok = results.find((r) => r.status === 'fulfilled');
    expect(ok?.status).toBe('fulfilled');
    if (ok?.status === 'fulfilled') expect((await ok.value.exec(['true'])).code).toBe(0);
    // known_hosts has exactly one key for the relay's address, and it is the one that was printed.
    const name = `[127.0.0.3]:${relayPort}`;
    const lines = (await readFile(kh, 'utf8')).split('\n').filter((l) => l.startsWith(`${name} `));
    expect(lines).toHaveLength(1);
    const printed = seen.filter((k) => k.address === `127.0.0.3:${relayPort}`).map((k) => k.fingerprint);
    expect(printed).toHaveLength(1);
    const { stdout } = await execa('ssh-keygen', ['-lf', kh]);
    expect(stdout).toContain(printed[0]);
  });
});
