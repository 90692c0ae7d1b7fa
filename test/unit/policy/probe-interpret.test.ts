// What a probe's exit says about the flow: table-driven over kubectl's exit code and stderr as the
// real kubectl and the real tools (OpenBSD nc -v, iputils ping, containerd) print them.
import { describe, expect, it } from 'vitest';
import { interpretProbe, type ProbeResult } from '../../../src/policy/probe/index.js';

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const term = (n: number) => `command terminated with exit code ${n}\n`;

type Row = [string, number, number, string, ProbeResult, 'allow' | 'deny' | null, RegExp];

const ROWS: Row[] = [
  [
    'nc connects',
    TCP,
    0,
    'Connection to 10.0.0.2 8080 port [tcp/*] succeeded!\n',
    'connected',
    'allow',
    /established/,
  ],
  [
    'nc refused: reached, port closed',
    TCP,
    1,
    `nc: connect to 10.0.0.2 port 9090 (tcp) failed: Connection refused\n${term(1)}`,
    'refused',
    'allow',
    /reset/,
  ],
  [
    'nc timed out: dropped',
    TCP,
    1,
    `nc: connect to 10.0.0.2 port 8080 (tcp) timed out: Operation now in progress\n${term(1)}`,
    'timeout',
    'deny',
    /dropped/,
  ],
  ['exit 1 without a message: no connection', TCP, 1, term(1), 'timeout', 'deny', /taken as no connection/],
  ['agnhost connect TIMEOUT', TCP, 1, `TIMEOUT\n${term(1)}`, 'timeout', 'deny', /no answer within 3s/],
  ['agnhost connect REFUSED', TCP, 1, `REFUSED\n${term(1)}`, 'refused', 'allow', /reset/],
  [
    'network unreachable: routing, not policy',
    TCP,
    1,
    `nc: connect to 10.0.0.2 port 80 (tcp) failed: Network is unreachable\n${term(1)}`,
    'inconclusive',
    null,
    /no route/,
  ],
  [
    'sh: program not found (127)',
    TCP,
    127,
    `sh: 1: nc: not found\n${term(127)}`,
    'inconclusive',
    null,
    /did not start/,
  ],
  ['program not executable (126)', TCP, 126, term(126), 'inconclusive', null, /did not start \(exit 126\)/],
  [
    'containerd: executable file not found',
    TCP,
    1,
    'error: Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: "nc": executable file not found in $PATH: unknown\n',
    'inconclusive',
    null,
    /executable file not found/,
  ],
  [
    'a BusyBox nc without -z',
    TCP,
    1,
    `nc: invalid option -- 'z'\nBusyBox v1.35.0 multi-call binary.\n\nUsage: nc [-iN] [-wN] [-l] [-p PORT]\n${term(1)}`,
    'inconclusive',
    null,
    /rejected its options/,
  ],
  [
    'kubectl: pod not found',
    TCP,
    1,
    'Error from server (NotFound): pods "web" not found\n',
    'inconclusive',
    null,
    /kubectl exec failed: Error from server \(NotFound\): pods "web" not found/,
  ],
  [
    'kubectl: exec forbidden',
    TCP,
    1,
    'Error from server (Forbidden): pods "web" is forbidden: User "dev" cannot create resource "pods/exec"\n',
    'inconclusive',
    null,
    /forbidden/,
  ],
  [
    'kubectl: no connection',
    TCP,
    1,
    'E0101 dial tcp 10.0.0.1:6443: connect: connection refused\nThe connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?\n',
    'inconclusive',
    null,
    /kubectl exec failed: The connection to the server/,
  ],
  [
    'unexpected exit code',
    TCP,
    2,
    `nc: getaddrinfo: Name or service not known\n${term(2)}`,
    'inconclusive',
    null,
    /exited 2/,
  ],
  ['UDP: silence proves nothing', UDP, 0, '', 'inconclusive', null, /look the same/],
  ['UDP: ICMP port unreachable came back', UDP, 1, term(1), 'refused', 'allow', /port-unreachable/],
  ['ping answered', ICMP, 0, '', 'connected', 'allow', /answered the ping/],
  ['ping: no reply', ICMP, 1, term(1), 'timeout', 'deny', /no echo reply within 3s/],
  [
    'ping without CAP_NET_RAW',
    ICMP,
    2,
    `ping: socket: Operation not permitted\n${term(2)}`,
    'inconclusive',
    null,
    /ping failed \(exit 2\)/,
  ],
];

describe('interpretProbe', () => {
  it.each(ROWS)('%s', (_title, protocol, exitCode, stderr, result, verdict, detail) => {
    const o = interpretProbe(
      { exitCode, stdout: '', stderr },
      { protocol, timeoutSeconds: 3, custom: false },
    );
    expect(o.result).toBe(result);
    expect(o.verdict).toBe(verdict);
    expect(o.detail).toMatch(detail);
  });

  it('hints at --probe-command when the tool is missing, and at pods/exec RBAC when forbidden', () => {
    const missing = interpretProbe(
      { exitCode: 127, stdout: '', stderr: term(127) },
      { protocol: TCP, timeoutSeconds: 3, custom: false },
    );
    expect(missing.hint).toContain('--probe-command');
    const forbidden = interpretProbe(
      { exitCode: 1, stdout: '', stderr: 'Error from server (Forbidden): pods "web" is forbidden\n' },
      { protocol: TCP, timeoutSeconds: 3, custom: false },
    );
    expect(forbidden.hint).toContain('pods/exec');
  });

  it('does not take a silent exit 1 of a custom UDP command as refused', () => {
    const o = interpretProbe(
      { exitCode: 1, stdout: '', stderr: term(1) },
      { protocol: UDP, timeoutSeconds: 3, custom: true },
    );
    expect(o.result).toBe('timeout');
  });
});
