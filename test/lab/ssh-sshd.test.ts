// SSH against a real OpenSSH sshd on loopback: host-key checking (plain, hashed, unknown, accept-new,
// changed), quoting through a real login shell, and the failure modes a cluster shows (sshd down, a
// blackholed address, a command killed mid-run, a node dying mid-command). Needs root on Linux.
import { existsSync } from 'node:fs';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  disposeSshd,
  reapOrphanedSshd,
  freePort,
  generateKey,
  SSHD,
  startLoopbackSshd,
  type LoopbackSshd,
} from '../../bench/verify-sshd.js';
import {
  loopbackInventory,
  startFelixStandIn,
  writeClusterStandIn,
  type ClusterStandIn,
  type FelixStandIn,
} from '../../bench/verify-fixture.js';
import type { HealthReport } from '../../src/health/health-types.js';
import { verifyCluster } from '../../src/health/verify-cluster.js';
import { loadInventory } from '../../src/inventory/load.js';
import { SshCommandError, SshConnectError } from '../../src/ssh/ssh-failure.js';
import type { NewHostKey } from '../../src/ssh/host-verifier.js';
import { SshPool, type SshPoolOptions } from '../../src/ssh/ssh-pool.js';
import type { SshTarget } from '../../src/ssh/ssh-target.js';
import { runCli } from '../helpers/run-cli.js';

function whyNot(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux';
  if (process.getuid?.() !== 0) return 'needs root (sshd privilege separation)';
  return undefined;
}
const reason = whyNot();
if (reason && process.env['CI'] === 'true') {
  describe('SSH lab (real sshd)', () => {
    it('runs in CI', () => {
      throw new Error(`SSH lab tests cannot run here: ${reason}; CI must run them as root on Linux`);
    });
  });
} else if (reason) {
  console.warn(`skipping test/lab/ssh-sshd.test.ts: ${reason}`);
}

describe.skipIf(reason !== undefined)('SSH against a real sshd on loopback', () => {
  let sshd: LoopbackSshd | undefined;
  let work = '';
  const cleanups: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    if (!existsSync(SSHD)) {
      await execa('apt-get', [
        'install',
        '-y',
        '--no-install-recommends',
        'openssh-server',
        'openssh-client',
      ]);
    }
    await reapOrphanedSshd();
    work = await mkdtemp(join(tmpdir(), 'picocal-ssh-test-'));
    sshd = await startLoopbackSshd();
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await disposeSshd(sshd);
    if (work) await rm(work, { recursive: true, force: true });
  });

  const s = (): LoopbackSshd => {
    if (!sshd) throw new Error('sshd did not start');
    return sshd;
  };
  let fileNo = 0;
  async function knownHosts(text: string): Promise<string> {
    const path = join(work, `known_hosts.${++fileNo}`);
    await writeFile(path, text);
    return path;
  }
  function target(knownHostsPath: string, over: Partial<SshTarget> = {}): SshTarget {
    return {
      node: 'pc-test1',
      host: s().host,
      port: s().port,
      user: s().user,
      privateKey: s().clientKey.path,
      knownHosts: knownHostsPath,
      jump: undefined,
      ...over,
    };
  }
  function pool(over: Partial<SshPoolOptions> = {}): SshPool {
    const p = new SshPool({ connectTimeoutMs: 5000, acceptNewHostKeys: false, ...over });
    cleanups.push(async () => p.close());
    return p;
  }
  const name = () => `[${s().host}]:${s().port}`;
  async function sshKeygenFingerprint(pubPath: string): Promise<string> {
    const { stdout } = await execa('ssh-keygen', ['-lf', pubPath]);
    return stdout.split(' ')[1] ?? '';
  }
  async function connectError(p: SshPool, t: SshTarget): Promise<SshConnectError> {
    const err = await p.session(t).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SshConnectError);
    return err as SshConnectError;
  }

  it('logs in with a plain known_hosts entry and runs a command', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const r = await session.exec(['echo', 'hello', 'world']);
    expect(r).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
  });

  it('logs in with a hashed known_hosts entry written by ssh-keygen -H', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    await execa('ssh-keygen', ['-H', '-f', kh]);
    const text = await readFile(kh, 'utf8');
    expect(text.startsWith('|1|')).toBe(true);
    const session = await pool().session(target(kh));
    expect((await session.exec(['true'])).code).toBe(0);
  });

  it('passes every argument through the login shell unchanged', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const args = ["it's", 'two words', '$(id -u)', '`id`', 'line1\nline2', '*', '', '"dq"', '\\', ';exit 7'];
    const r = await session.exec(['printf', '%s\\0', ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('reports the exit code and stderr of a failing command', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const r = await session.exec(['sh', '-c', 'echo oops >&2; exit 3']);
    expect(r).toEqual({ code: 3, stdout: '', stderr: 'oops\n' });
  });

  it('refuses an unknown host key, naming node, address and the fingerprint ssh-keygen prints', async () => {
    const kh = await knownHosts('');
    const started = Date.now();
    const err = await connectError(pool(), target(kh));
    expect(Date.now() - started).toBeLessThan(2000);
    const fp = await sshKeygenFingerprint(`${s().hostKey.path}.pub`);
    expect(err.kind).toBe('host-key');
    expect(err.node).toBe('pc-test1');
    expect(err.message).toContain(`${s().host}:${s().port}`);
    expect(err.message).toContain(fp);
    expect(err.hint).toContain('--accept-new-host-keys');
    expect(await readFile(kh, 'utf8')).toBe('');
  });

  it('records an unknown key with --accept-new-host-keys, reports its fingerprint, and trusts it next time', async () => {
    const kh = join(work, 'new-dir', 'known_hosts');
    const seen: NewHostKey[] = [];
    const session = await pool({ acceptNewHostKeys: true, onNewHostKey: (k) => seen.push(k) }).session(
      target(kh),
    );
    expect((await session.exec(['true'])).code).toBe(0);
    const fp = await sshKeygenFingerprint(`${s().hostKey.path}.pub`);
    expect(seen).toEqual([
      {
        node: 'pc-test1',
        address: `${s().host}:${s().port}`,
        fingerprint: fp,
        keyType: 'ssh-ed25519',
        file: kh,
      },
    ]);
    expect(await readFile(kh, 'utf8')).toBe(`${name()} ${s().hostKey.publicLine}\n`);
    const again = await pool().session(target(kh));
    expect((await again.exec(['true'])).code).toBe(0);
    // OpenSSH itself accepts the line picocal wrote.
    const { stdout } = await execa('ssh-keygen', ['-F', name(), '-f', kh]);
    expect(stdout).toContain(s().hostKey.publicLine);
  });

  it('refuses a changed host key even with --accept-new-host-keys, naming both fingerprints', async () => {
    const other = await generateKey(join(work, 'other_host_key'));
    const kh = await knownHosts(`# old board\n${name()} ${other.publicLine}\n`);
    const err = await connectError(pool({ acceptNewHostKeys: true }), target(kh));
    expect(err.kind).toBe('host-key');
    expect(err.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
    expect(err.message).toContain('pc-test1');
    expect(err.message).toContain(await sshKeygenFingerprint(`${s().hostKey.path}.pub`));
    expect(err.message).toContain(await sshKeygenFingerprint(`${other.path}.pub`));
    expect(err.message).toContain(`${kh}:2`);
    expect(await readFile(kh, 'utf8')).toBe(`# old board\n${name()} ${other.publicLine}\n`);
  });

  it('refuses a key marked @revoked', async () => {
    const kh = await knownHosts(
      `${name()} ${s().hostKey.publicLine}\n@revoked * ${s().hostKey.publicLine}\n`,
    );
    const err = await connectError(pool({ acceptNewHostKeys: true }), target(kh));
    expect(err.kind).toBe('host-key');
    expect(err.message).toContain('REVOKED');
  });

  it('asks the server for the key type known_hosts has when the server offers several', async () => {
    // A second host key type on the server: known_hosts only has the ECDSA one.
    const dir = await mkdtemp(join(tmpdir(), 'picocal-sshd-'));
    await execa('ssh-keygen', ['-q', '-t', 'ecdsa', '-N', '', '-f', join(dir, 'host_ecdsa')]);
    const multi = await startLoopbackSshd({ dir, clientKey: s().clientKey });
    cleanups.push(() => disposeSshd(multi));
    await appendFile(join(dir, 'sshd_config'), `HostKey ${join(dir, 'host_ecdsa')}\n`);
    await multi.restart();
    const ecdsa = (await readFile(join(dir, 'host_ecdsa.pub'), 'utf8')).split(' ').slice(0, 2).join(' ');
    const kh = await knownHosts(`[${multi.host}]:${multi.port} ${ecdsa}\n`);
    const session = await pool().session(target(kh, { port: multi.port }));
    expect((await session.exec(['true'])).code).toBe(0);
  });

  it('reports a stopped sshd as connection refused within a second or two', async () => {
    const down = await startLoopbackSshd({ clientKey: s().clientKey, hostKey: s().hostKey });
    cleanups.push(() => disposeSshd(down));
    await down.stop();
    const kh = await knownHosts(`[${down.host}]:${down.port} ${s().hostKey.publicLine}\n`);
    const started = Date.now();
    const err = await connectError(pool({ connectTimeoutMs: 8000 }), target(kh, { port: down.port }));
    expect(err.kind).toBe('refused');
    expect(err.message).toContain('connection refused');
    expect(err.message).toContain(`pc-test1 (${down.host}:${down.port})`);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('times out within the bound on a server that accepts TCP but never speaks SSH', async () => {
    // Reads (and so notices the client hanging up) but never answers.
    const silent: Server = createServer((sock) => sock.resume());
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => silent.close(r)));
    const addr = silent.address();
    const port = addr && typeof addr === 'object' ? addr.port : 0;
    const kh = await knownHosts('');
    const started = Date.now();
    const err = await connectError(pool({ connectTimeoutMs: 1500 }), target(kh, { port }));
    const took = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(3000);
  });

  it('times out within the bound on a blackholed port (iptables DROP on loopback)', async (ctx) => {
    const iptables = await execa('iptables', ['-w', '-L', 'INPUT', '-n'], { reject: false });
    if (iptables.exitCode !== 0) ctx.skip();
    const port = await freePort();
    const rule = [
      'INPUT',
      '-p',
      'tcp',
      '-d',
      '127.0.0.1',
      '--dport',
      String(port),
      '-m',
      'comment',
      '--comment',
      `picocal-test-${process.pid}`,
      '-j',
      'DROP',
    ];
    await execa('iptables', ['-w', '-I', ...rule]);
    cleanups.push(() => execa('iptables', ['-w', '-D', ...rule], { reject: false }));
    const kh = await knownHosts('');
    const started = Date.now();
    const err = await connectError(pool({ connectTimeoutMs: 2000 }), target(kh, { port }));
    const took = Date.now() - started;
    expect(err.kind).toBe('timeout');
    expect(err.message).toContain('no SSH handshake');
    expect(took).toBeLessThan(3500);
  });

  async function waitForPid(file: string): Promise<number> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const text = await readFile(file, 'utf8').catch(() => '');
      if (text.trim()) return Number(text.trim());
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no pid in ${file}`);
  }
  async function parentOf(pid: number): Promise<number> {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may contain spaces, so split after the closing parenthesis.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  }

  it('fails a command killed mid-run instead of returning an empty success', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const pidFile = join(work, 'killed.pid');
    const running = session.exec(['sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile]);
    process.kill(await waitForPid(pidFile), 'SIGKILL');
    const err = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SshCommandError);
    expect((err as SshCommandError).kind).toBe('signal');
    expect((err as SshCommandError).message).toContain('KILL');
  });

  it('fails a command whose node dies mid-run (channel closes without an exit status)', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const pidFile = join(work, 'died.pid');
    const running = session.exec(['sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile]);
    const shellPid = await waitForPid(pidFile);
    // The per-connection sshd process is the shell's parent: killing it is the node vanishing.
    const sessionPid = await parentOf(shellPid);
    process.kill(sessionPid, 'SIGKILL');
    process.kill(shellPid, 'SIGKILL');
    const started = Date.now();
    const err = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(SshCommandError);
    expect((err as SshCommandError).kind).toBe('lost');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('fails a running command when the link goes down (keepalives stop being answered)', async (ctx) => {
    const iptables = await execa('iptables', ['-w', '-L', 'INPUT', '-n'], { reject: false });
    if (iptables.exitCode !== 0) ctx.skip();
    const own = await startLoopbackSshd({ clientKey: s().clientKey, hostKey: s().hostKey });
    cleanups.push(() => disposeSshd(own));
    const kh = await knownHosts(`[${own.host}]:${own.port} ${s().hostKey.publicLine}\n`);
    const session = await pool({ keepaliveIntervalMs: 500, keepaliveCountMax: 3 }).session(
      target(kh, { port: own.port }),
    );
    const pidFile = join(work, 'partitioned.pid');
    const running = session.exec(['sh', '-c', 'echo $$ > "$1"; exec sleep 30', 'sh', pidFile]);
    const sleeper = await waitForPid(pidFile);
    cleanups.push(async () => process.kill(sleeper, 'SIGKILL'));
    const rule = [
      'INPUT',
      '-p',
      'tcp',
      '-d',
      '127.0.0.1',
      '--dport',
      String(own.port),
      '-m',
      'comment',
      '--comment',
      `picocal-test-${process.pid}`,
      '-j',
      'DROP',
    ];
    await execa('iptables', ['-w', '-I', ...rule]);
    cleanups.push(() => execa('iptables', ['-w', '-D', ...rule], { reject: false }));
    const started = Date.now();
    const err = await running.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as SshCommandError).kind).toBe('lost');
    expect((err as SshCommandError).message).toContain('Keepalive timeout');
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('stops a command at its timeout', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const session = await pool().session(target(kh));
    const started = Date.now();
    const err = await session.exec(['sleep', '20'], { timeoutMs: 500 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as SshCommandError).kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reaches a node through a jump host', async () => {
    const kh = await knownHosts(`${name()} ${s().hostKey.publicLine}\n`);
    const jump = {
      host: s().host,
      port: s().port,
      user: s().user,
      privateKey: s().clientKey.path,
      knownHosts: kh,
      label: 'bastion',
    };
    const session = await pool().session(target(kh, { jump }));
    const r = await session.exec(['echo', 'via jump']);
    expect(r.stdout).toBe('via jump\n');
  });

  describe('health probe and picocal verify against the loopback sshd', () => {
    let felix: FelixStandIn | undefined;
    let felixPort = 0;
    let inv = '';
    let kh = '';
    let cluster: ClusterStandIn | undefined;

    beforeAll(async () => {
      felix = await startFelixStandIn();
      felixPort = felix.port;
      // The pod is listed under the machine's hostname, not the inventory name: verify must match it
      // through the hostname the probe reports.
      cluster = await writeClusterStandIn(join(work, 'kube dir'), [hostname()], 'v3.32.1');
      kh = join(work, 'verify_known_hosts');
      await writeFile(kh, `${name()} ${s().hostKey.publicLine}\n`);
      inv = join(work, 'inventory.yaml');
      await writeFile(
        inv,
        loopbackInventory({
          user: s().user,
          privateKey: s().clientKey.path,
          knownHosts: kh,
          cluster,
          nodes: [{ name: 'pc-test1', host: s().host, port: s().port }],
        }),
      );
    });
    afterAll(async () => felix?.close());

    it('reports arch, kernel, Felix, the pod and its version, and the checks that fail on a plain host', async () => {
      felix?.setReady(true);
      const report = await verifyCluster(await loadInventory(inv), {
        timeoutMs: 8000,
        acceptNewHostKeys: false,
        felixPort,
      });
      const n = report.nodes[0]!;
      expect(n).toMatchObject({
        name: 'pc-test1',
        reachable: true,
        felix: 'ready',
        pod: 'Ready',
        version: 'v3.32.1',
      });
      expect(n.arch).toBe((await execa('uname', ['-m'])).stdout);
      expect(n.kernel).toBe((await execa('uname', ['-r'])).stdout);
      expect(report.cluster).toMatchObject({ queried: true, installedVersion: 'v3.32.1', problems: [] });
      const byName = Object.fromEntries(n.checks.map((c) => [c.name, c]));
      for (const c of [
        'ssh',
        'arch',
        'kernel',
        'felix-readiness',
        'felix-liveness',
        'pod-ready',
        'pod-version',
      ]) {
        expect(byName[c]?.ok, `${c}: ${byName[c]?.detail}`).toBe(true);
      }
      // This host is not a prepared Calico node: no tunnel link, no node-prep files.
      if (!existsSync('/sys/class/net/vxlan.calico')) {
        expect(byName['encapsulation-link']).toEqual({
          name: 'encapsulation-link',
          ok: false,
          detail: 'vxlan.calico missing (VXLAN)',
        });
      }
      if (!existsSync('/etc/sysctl.d/90-calico.conf'))
        expect(byName['node-prep']?.detail).toContain('/etc/sysctl.d/90-calico.conf');
      expect(n.healthy).toBe(false);
    });

    it('names the Felix component that is not ready', async () => {
      felix?.setReady(false);
      try {
        const report = await verifyCluster(await loadInventory(inv), {
          timeoutMs: 8000,
          acceptNewHostKeys: false,
          felixPort,
        });
        const n = report.nodes[0]!;
        expect(n.felix).toBe('not-ready');
        expect(n.problems).toContain('felix-readiness: not ready (503) [felix-startup: not in sync]');
      } finally {
        felix?.setReady(true);
      }
    });

    it('reports an unreachable node and an unqueryable cluster within the timeout instead of hanging', async () => {
      const port = await freePort();
      const rule = [
        'INPUT',
        '-p',
        'tcp',
        '-d',
        '127.0.0.1',
        '--dport',
        String(port),
        '-m',
        'comment',
        '--comment',
        `picocal-test-${process.pid}`,
        '-j',
        'DROP',
      ];
      const dropped = (await execa('iptables', ['-w', '-I', ...rule], { reject: false })).exitCode === 0;
      if (dropped) cleanups.push(() => execa('iptables', ['-w', '-D', ...rule], { reject: false }));
      const text = (await readFile(inv, 'utf8')).replace(
        `ansible_port: ${s().port}`,
        `ansible_port: ${port}`,
      );
      const blackholed = join(work, 'inventory-blackholed.yaml');
      await writeFile(blackholed, text);
      const started = Date.now();
      const report = await verifyCluster(await loadInventory(blackholed), {
        timeoutMs: 2000,
        acceptNewHostKeys: false,
        felixPort,
      });
      expect(Date.now() - started).toBeLessThan(3500);
      expect(report.nodes[0]).toMatchObject({ reachable: false, healthy: false });
      expect(report.nodes[0]?.error?.message).toMatch(dropped ? /no SSH handshake/ : /connection refused/);
      expect(report.cluster.queried).toBe(false);
    });

    it('picocal verify prints one JSON document, records a new host key with --accept-new-host-keys, and says so', async () => {
      await writeFile(kh, '');
      const refused = await runCli(['verify', '-i', inv, '--output', 'json']);
      expect(refused.code).toBe(1);
      const doc = JSON.parse(refused.stdout) as HealthReport;
      expect(doc.nodes[0]).toMatchObject({ reachable: false, error: { code: 'E_SSH' } });
      expect(refused.stderr).toContain('--accept-new-host-keys');

      const accepted = await runCli(['verify', '-i', inv, '--output', 'json', '--accept-new-host-keys']);
      const fp = (await execa('ssh-keygen', ['-lf', `${s().hostKey.path}.pub`])).stdout.split(' ')[1];
      expect(accepted.stderr).toContain(`pc-test1: recorded new host key ssh-ed25519 ${fp}`);
      const after = JSON.parse(accepted.stdout) as HealthReport;
      expect(after.nodes[0]?.reachable).toBe(true);
      expect(await readFile(kh, 'utf8')).toBe(`${name()} ${s().hostKey.publicLine}\n`);
    });

    // Table: what the cluster's List lacks → the kubectl runs verify makes (the first is always the one
    // call for everything; only what it cannot answer is asked again by name) and the same checks as ever.
    const kubectlCases: { what: string; damage: (dir: string) => Promise<void>; calls: string[] }[] = [
      { what: 'a healthy cluster: one call', damage: async () => {}, calls: [] },
      {
        what: 'the multi-resource get fails (a CRD missing): the four single calls',
        damage: (dir) => rm(join(dir, 'all.json')),
        calls: [
          'get pods -n calico-system -l k8s-app=calico-node -o json',
          'get tigerastatus calico -o json',
          'get installation default -o json',
          'get pods --all-namespaces -o json',
        ],
      },
      {
        what: 'no TigeraStatus calico in the List: asked by name',
        damage: async (dir) => {
          const doc = JSON.parse(await readFile(join(dir, 'all.json'), 'utf8')) as {
            items: { kind: string }[];
          };
          doc.items = doc.items.filter((i) => i.kind !== 'TigeraStatus');
          await writeFile(join(dir, 'all.json'), JSON.stringify(doc));
        },
        calls: ['get tigerastatus calico -o json'],
      },
    ];
    it.each(kubectlCases)('asks kubectl once for every cluster check: $what', async ({ damage, calls }) => {
      felix?.setReady(true);
      const dir = join(work, 'kube dir');
      const saved = await readFile(join(dir, 'all.json'), 'utf8');
      await writeFile(cluster!.callsLog, '');
      try {
        await damage(dir);
        const report = await verifyCluster(await loadInventory(inv), {
          timeoutMs: 8000,
          acceptNewHostKeys: false,
          felixPort,
        });
        const runs = (await readFile(cluster!.callsLog, 'utf8')).split('\n').filter(Boolean);
        expect(runs.map((r) => r.replace(/^--request-timeout=\d+s /, ''))).toEqual([
          'get pods,tigerastatus,installation --all-namespaces -o json',
          ...calls,
        ]);
        // Whichever way the answers came, the cluster's checks read the same.
        expect(report.cluster).toMatchObject({ queried: true, installedVersion: 'v3.32.1', problems: [] });
        expect(report.cluster.checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
          ['kubectl', true, `1 calico-node pods listed on pc-test1`],
          ['tigerastatus-calico', true, 'Available'],
          ['pod-addresses', true, expect.any(String)],
          ['installation-version', true, 'Installation reports v3.32.1'],
        ]);
        expect(report.nodes[0]).toMatchObject({ pod: 'Ready', version: 'v3.32.1' });
      } finally {
        await writeFile(join(dir, 'all.json'), saved);
      }
    });

    it('picocal verify prints a table with upper-case headers', async () => {
      const r = await runCli(['verify', '-i', inv, '--timeout', '5']);
      const lines = r.stdout.split('\n');
      expect(lines[0]).toMatch(/^NODE\s+ARCH\s+CALICO\s+FELIX\s+POD\s+PROBLEMS$/);
      expect(lines[1]).toMatch(/^pc-test1\s+\S+\s+v3\.32\.1\s+/);
      expect(r.stdout).toContain('0/1 nodes healthy; unhealthy: pc-test1');
      expect(r.code).toBe(1);
    });
  });
});
