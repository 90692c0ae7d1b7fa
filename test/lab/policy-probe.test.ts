// `calico-validate --probe` against the lab's API stand-in, through the real kubectl: kubectl exec
// speaks WebSocket (v5.channel.k8s.io) to the stand-in, which runs the probe in the network namespace
// of the pod's lab node. Two netns-backed nodes joined by a veth pair carry the pods' IPs; listeners
// on those IPs stand in for the pods' servers. The lab enforces no policy, so a statically denied flow
// connects: exactly the disagreement --probe exists to report.
import { type ChildProcess, spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/calico-validate.js';
import { acceptKey, WebSocketConnection } from '../../src/lab/kube-api/exec-websocket.js';
import { planProbe, runProbe } from '../../src/policy/probe/index.js';
import type { Pod } from '../../src/policy/model/cluster.js';
import { runCli, type CliResult } from '../helpers/run-cli.js';
import { KUBECTL, labSkipReason, startHarness, type Harness } from './kube-api-harness.js';

const skip = labSkipReason(true);
const tag = randomBytes(3).toString('hex');
const NETNS = [`pclp-${tag}-1`, `pclp-${tag}-2`];
const VETH = [`pp${tag}a`, `pp${tag}b`];
const VALIDATE = { name: 'calico-validate', summary: 'test', commands: [validateCommand], single: true };
const FRONTEND_IP = '10.244.1.10';
const BACKEND_IP = '10.244.2.20';

const pod = (name: string, app: string, node: string | undefined, ip: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: shop, labels: {app: ${app}}}
spec:
  ${node ? `nodeName: ${node}` : ''}
  containers: [{name: main, image: busybox}]
status: {phase: Running, podIP: ${ip}}
`;

const CLUSTER = `apiVersion: v1
kind: Namespace
metadata: {name: shop}
${pod('frontend', 'frontend', 'pc-node1', FRONTEND_IP)}${pod('backend', 'backend', 'pc-node2', BACKEND_IP)}${pod('nohost', 'batch', undefined, '10.244.3.1')}`;

const POLICIES = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny-ingress, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: backend-from-frontend, namespace: shop}
spec:
  podSelector: {matchLabels: {app: backend}}
  policyTypes: [Ingress]
  ingress:
    - from: [{podSelector: {matchLabels: {app: frontend}}}]
      ports: [{port: 8080}, {port: 9090}]
`;

interface ProbeJson {
  verdict: string;
  probe: {
    command: string[];
    result: string;
    verdict: string | null;
    agrees: boolean | null;
    detail: string;
    hint: string | null;
  };
}

/** A TCP server in a node's network namespace; resolves once it listens. */
function listen(netns: string, ip: string, port: number): Promise<ChildProcess> {
  const script = `require('net').createServer((s) => s.end()).listen(${port}, '${ip}', () => console.log('up'))`;
  const child = spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`listener on ${ip}:${port} exited ${code}`)));
  });
}

describe.skipIf(skip !== undefined)(
  `calico-validate --probe against the lab API${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let h: Harness;
    let kubeconfig: string;
    const listeners: ChildProcess[] = [];
    const validate = (...args: string[]): Promise<CliResult> =>
      runCli([...args, '--probe', '--kubeconfig', kubeconfig], { program: VALIDATE });
    const json = async (...args: string[]): Promise<{ r: CliResult; doc: ProbeJson }> => {
      const r = await validate(...args, '--output', 'json');
      return { r, doc: JSON.parse(r.stdout) as ProbeJson };
    };

    beforeAll(async () => {
      const nc = await execa('sh', ['-c', 'command -v nc'], { reject: false });
      expect(nc.exitCode, 'the default probe runs the host nc: install netcat-openbsd').toBe(0);
      for (const ns of NETNS) {
        await execa('ip', ['netns', 'add', ns]);
        await execa('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      await execa('ip', ['link', 'add', VETH[0]!, 'type', 'veth', 'peer', 'name', VETH[1]!]);
      for (const [i, ip] of [FRONTEND_IP, BACKEND_IP].entries()) {
        await execa('ip', ['link', 'set', VETH[i]!, 'netns', NETNS[i]!]);
        await execa('ip', ['-n', NETNS[i]!, 'addr', 'add', `${ip}/16`, 'dev', VETH[i]!]);
        await execa('ip', ['-n', NETNS[i]!, 'link', 'set', VETH[i]!, 'up']);
      }
      // The lab's kubelet stand-in reports a pod's board address as its podIP (hostNetwork-like): the
      // boards carry the pods' addresses.
      h = await startHarness([
        { netns: NETNS[0]!, address: FRONTEND_IP },
        { netns: NETNS[1]!, address: BACKEND_IP },
      ]);
      kubeconfig = join(h.state.dir, 'kubeconfig');
      const c = await h.kubectl(['create', '-f', '-'], CLUSTER);
      expect(c.exitCode, c.stderr).toBe(0);
      const p = await h.kubectl(['create', '-f', '-'], POLICIES);
      expect(p.exitCode, p.stderr).toBe(0);
      listeners.push(await listen(NETNS[1]!, BACKEND_IP, 8080), await listen(NETNS[0]!, FRONTEND_IP, 80));
    }, 60_000);

    afterAll(async () => {
      for (const l of listeners) l.kill('SIGKILL');
      await h?.cleanup();
      for (const ns of NETNS) await execa('ip', ['netns', 'del', ns], { reject: false });
    });

    it('kubectl exec runs in the pod node’s network namespace and returns the exit code, stdout and stderr', async () => {
      const r = await h.kubectl([
        'exec',
        '-n',
        'shop',
        'frontend',
        '--',
        'sh',
        '-c',
        'ip -o -4 addr show; echo oops >&2; exit 3',
      ]);
      expect(r.exitCode).toBe(3);
      expect(r.stdout).toContain(FRONTEND_IP);
      expect(r.stdout).not.toContain(BACKEND_IP);
      expect(r.stderr).toContain('oops');
      expect(r.stderr).toContain('command terminated with exit code 3');
    });

    it('(a) static allow and a listener: the probe connects and agrees, exit 0', async () => {
      const { r, doc } = await json('frontend', 'backend', 'shop', '--port', '8080');
      expect(r.code, r.stderr).toBe(0);
      expect(doc.verdict).toBe('allow');
      expect(doc.probe).toMatchObject({ result: 'connected', verdict: 'allow', agrees: true, hint: null });
      expect(doc.probe.command).toEqual([
        'kubectl',
        '--kubeconfig',
        kubeconfig,
        'exec',
        '-n',
        'shop',
        'frontend',
        '--',
        'nc',
        '-v',
        '-z',
        '-w',
        '3',
        BACKEND_IP,
        '8080',
      ]);
      const text = await validate('frontend', 'backend', 'shop', '--port', '8080');
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toContain('Probe:');
      expect(text.stdout).toContain(`nc -v -z -w 3 ${BACKEND_IP} 8080`);
      expect(text.stdout).toContain('agrees with the static verdict (allow)');
    });

    it('(b) static deny but the lab enforces nothing: the probe connects, disagrees, exit 1 with a hint', async () => {
      const { r, doc } = await json('backend', 'frontend', 'shop', '--port', '80', '--expect', 'deny');
      expect(r.code).toBe(1);
      expect(doc.verdict).toBe('deny');
      expect(doc.probe).toMatchObject({ result: 'connected', verdict: 'allow', agrees: false });
      expect(doc.probe.hint).toMatch(/calico-node Ready/);
      expect(r.stderr).toContain('the probe disagrees: the cluster says allow, the policies say deny');
      const text = await validate('backend', 'frontend', 'shop', '--port', '80', '--expect', 'deny');
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('DISAGREES with the static verdict (deny)');
      expect(text.stdout).toContain('hint: the cluster let through what the policies deny');
    });

    it('(c) nothing listens on a reachable address: refused, counted as allow, agrees', async () => {
      const { r, doc } = await json('frontend', 'backend', 'shop', '--port', '9090');
      expect(r.code, r.stderr).toBe(0);
      expect(doc.probe).toMatchObject({ result: 'refused', verdict: 'allow', agrees: true });
      expect(doc.probe.detail).toMatch(/answered with a reset/);
      const text = await validate('frontend', 'backend', 'shop', '--port', '9090');
      expect(text.stdout).toContain('result: reached but port closed (live: allow)');
      expect(text.stdout).toContain('a refused connection counts as allow');
    });

    it('(d) a probe program the pod lacks: inconclusive with a --probe-command hint, exit code unchanged', async () => {
      const { r, doc } = await json(
        'frontend',
        'backend',
        'shop',
        '--port',
        '8080',
        '--probe-command',
        'no-such-probe-tool {ip} {port}',
      );
      expect(r.code, r.stderr).toBe(0);
      expect(doc.probe).toMatchObject({ result: 'inconclusive', verdict: null, agrees: null });
      expect(doc.probe.command.slice(-3)).toEqual(['no-such-probe-tool', BACKEND_IP, '8080']);
      expect(doc.probe.detail).toContain('executable file not found');
      expect(doc.probe.hint).toContain('--probe-command');
      expect(r.stderr).toContain('warning: the probe was inconclusive');
    });

    it('(e) a source pod that is not in the cluster: a clear error before any probe (exit 2)', async () => {
      const r = await validate('ghost', 'backend', 'shop', '--port', '8080');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("SRC 'ghost' is not a pod of the cluster");
    });

    it('(e) a pod gone by the time of the probe: inconclusive, with the API server’s not-found message', async () => {
      const ghost = { name: 'ghost', namespace: 'shop', ip: undefined } as unknown as Pod;
      const backend = {
        name: 'backend',
        namespace: 'shop',
        ip: { version: 4, value: 0, text: BACKEND_IP },
      } as unknown as Pod;
      const plan = planProbe(
        { kind: 'pod', pod: ghost },
        { kind: 'pod', pod: backend },
        { protocol: 6, port: 8080 },
        { timeoutSeconds: 1, container: undefined, command: undefined },
      );
      const run = await runProbe({ kubeconfig, binary: KUBECTL }, plan);
      expect(run.outcome).toMatchObject({ result: 'inconclusive', verdict: null });
      expect(run.outcome.detail).toContain('pods "ghost" not found');
    });

    it('a pod without a node: inconclusive with the API server’s reason, verdict exit code kept', async () => {
      const { r, doc } = await json('nohost', 'backend', 'shop', '--port', '8080', '--expect', 'deny');
      expect(r.code, r.stderr).toBe(0);
      expect(doc.probe.result).toBe('inconclusive');
      expect(doc.probe.detail).toContain('pod nohost does not have a host assigned');
    });

    it('packets dropped on the way (as Calico drops a denied flow): timeout, disagrees with a static allow', async () => {
      const drop = ['-p', 'tcp', '--dport', '8080', '-j', 'DROP'];
      await execa('ip', ['netns', 'exec', NETNS[1]!, 'iptables', '-I', 'INPUT', ...drop]);
      try {
        const { r, doc } = await json(
          'frontend',
          'backend',
          'shop',
          '--port',
          '8080',
          '--probe-timeout',
          '1',
        );
        expect(r.code).toBe(1);
        expect(doc.probe).toMatchObject({ result: 'timeout', verdict: 'deny', agrees: false });
        expect(doc.probe.command).toContain('1');
        expect(doc.probe.hint).toMatch(/something dropped a flow the policies allow/);
      } finally {
        await execa('ip', ['netns', 'exec', NETNS[1]!, 'iptables', '-D', 'INPUT', ...drop]);
      }
    });
  },
);

/** A client frame as RFC 6455 requires it: masked. */
function clientFrame(opcode: number, payload: Buffer, fin = true): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]!));
  return Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]), mask, masked]);
}

describe('the lab exec WebSocket (RFC 6455 server side)', () => {
  function connection() {
    const written: Buffer[] = [];
    const messages: Buffer[] = [];
    const socket = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        written.push(chunk);
        cb();
      },
    });
    const ws = new WebSocketConnection(socket, { message: (m) => messages.push(m), closed: () => {} });
    return { ws, written, messages };
  }

  it('answers the handshake key of RFC 6455 section 1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('unmasks client frames, joins fragments, and accepts frames split across reads', () => {
    const { ws, messages } = connection();
    const bytes = Buffer.concat([
      clientFrame(0x2, Buffer.from([0, 104, 105]), false),
      clientFrame(0x0, Buffer.from('!')),
      clientFrame(0x2, Buffer.from([255, 0])),
    ]);
    ws.receive(bytes.subarray(0, 5));
    ws.receive(bytes.subarray(5));
    expect(messages.map((m) => [...m])).toEqual([
      [0, 104, 105, 33],
      [255, 0],
    ]);
  });

  it('answers ping with pong, and close with close; sends unmasked binary frames', () => {
    const { ws, written } = connection();
    ws.send(Buffer.from([1, 111, 107]));
    ws.receive(clientFrame(0x9, Buffer.from('hb')));
    ws.receive(clientFrame(0x8, Buffer.from([0x03, 0xe8])));
    expect(written.map((b) => [...b])).toEqual([
      [0x82, 3, 1, 111, 107],
      [0x8a, 2, 104, 98],
      [0x88, 2, 0x03, 0xe8],
    ]);
  });

  it('closes with 1002 on an unmasked client frame', () => {
    const { ws, written } = connection();
    ws.receive(Buffer.from([0x82, 1, 1]));
    expect([...written[0]!]).toEqual([0x88, 2, 0x03, 0xea]);
  });
});
