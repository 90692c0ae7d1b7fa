// The argv that runs in the source pod, and the report next to the static verdict. Values are never
// re-split or quoted for a shell: kubectl exec passes each element to the program as it is.
import { describe, expect, it } from 'vitest';
import {
  defaultProbeArgv,
  displayArgv,
  execArgs,
  planProbe,
  probeJson,
  probeReport,
  probeText,
  templateProbeArgv,
} from '../../../src/policy/probe/index.js';
import { runCalicoValidate } from '../../../src/cli/calico-validate.js';
import { Writable } from 'node:stream';
import type { Pod } from '../../../src/policy/model/cluster.js';
import type { Peer } from '../../../src/policy/model/flow.js';
import { parseIp } from '../../../src/net/ip.js';

const V = { ip: '10.244.2.20', port: 8080, timeoutSeconds: 3 };

describe('defaultProbeArgv', () => {
  it.each([
    [6, V, ['nc', '-v', '-z', '-w', '3', '10.244.2.20', '8080']],
    [17, V, ['nc', '-v', '-u', '-z', '-w', '3', '10.244.2.20', '8080']],
    [1, { ...V, port: undefined }, ['ping', '-c', '1', '-W', '3', '10.244.2.20']],
    [58, { ...V, ip: 'fd00::5', port: undefined }, ['ping', '-c', '1', '-W', '3', 'fd00::5']],
  ])('protocol %i → %j', (protocol, values, argv) => {
    expect(defaultProbeArgv(protocol, values)).toEqual(argv);
  });

  it.each([
    [6, { ...V, port: undefined }, /needs --port/],
    [132, V, /no default SCTP probe/],
  ])('protocol %i without a usable default is a usage error', (protocol, values, message) => {
    expect(() => defaultProbeArgv(protocol, values)).toThrow(message);
  });
});

describe('templateProbeArgv', () => {
  it.each([
    [
      'agnhost connect {ip}:{port} --timeout {timeout}s',
      ['agnhost', 'connect', '10.244.2.20:8080', '--timeout', '3s'],
    ],
    ['  curl   -m {timeout}  http://{ip}:{port}/  ', ['curl', '-m', '3', 'http://10.244.2.20:8080/']],
    // Quotes are not shell syntax here: they stay in the element, nothing is joined or re-split.
    ["sh -c 'nc {ip} {port}'", ['sh', '-c', "'nc", '10.244.2.20', "8080'"]],
    [
      'wget -q -T {timeout} -O- http://[{ip}]:{port}',
      ['wget', '-q', '-T', '3', '-O-', 'http://[10.244.2.20]:8080'],
    ],
  ])('%j → %j', (template, argv) => {
    expect(templateProbeArgv(template, 6, V)).toEqual(argv);
  });

  it('substitutes a value with spaces, quotes and shell characters as one element, uninterpreted', () => {
    const ip = `1.2.3.4 "; rm -rf / $(id) 'x'`;
    expect(templateProbeArgv('probe --to={ip} {port}', 6, { ...V, ip })).toEqual([
      'probe',
      `--to=${ip}`,
      '8080',
    ]);
  });

  it.each([
    ['', 6, V, /--probe-command is empty/],
    ['nc {host} {port}', 6, V, /unknown placeholder \{host\}/],
    ['ping {ip} {port}', 1, { ...V, port: undefined }, /ICMP has no port/],
    ['nc {ip} {port}', 6, { ...V, port: undefined }, /\{port\} needs --port/],
  ])('%j is refused', (template, protocol, values, message) => {
    expect(() => templateProbeArgv(template, protocol, values)).toThrow(message);
  });
});

describe('execArgs and displayArgv', () => {
  it('puts -- between kubectl and the probe, with -c only when a container is named', () => {
    expect(execArgs({ namespace: 'shop', pod: 'web', container: undefined }, ['nc', '-z'])).toEqual([
      'exec',
      '-n',
      'shop',
      'web',
      '--',
      'nc',
      '-z',
    ]);
    expect(execArgs({ namespace: 'shop', pod: 'web', container: 'side car' }, ['nc'])).toEqual([
      'exec',
      '-n',
      'shop',
      'web',
      '-c',
      'side car',
      '--',
      'nc',
    ]);
  });

  it('shows bare words bare and quotes anything else, so element boundaries stay visible', () => {
    expect(displayArgv(['nc', '-w', '3', 'a b', "it's"])).toBe(`nc -w 3 "a b" "it's"`);
  });
});

describe('probeReport', () => {
  const cmd = ['kubectl', 'exec', '--', 'nc'];
  it.each([
    ['connected', 'allow', 'allow', true, null],
    ['connected', 'allow', 'deny', false, /calico-node Ready/],
    ['refused', 'allow', 'allow', true, null],
    ['refused', 'allow', 'deny', false, /calico-node Ready/],
    ['timeout', 'deny', 'deny', true, null],
    ['timeout', 'deny', 'allow', false, /something dropped a flow the policies allow/],
    ['inconclusive', null, 'allow', null, null],
  ] as const)('%s (live %s) against static %s: agrees=%s', (result, live, stat, agrees, hint) => {
    const r = probeReport(cmd, { result, verdict: live, detail: 'd' }, stat);
    expect(r.agrees).toBe(agrees);
    if (hint) expect(r.hint).toMatch(hint);
    else expect(r.hint).toBeNull();
    expect(Object.keys(probeJson(r))).toEqual(['command', 'result', 'verdict', 'agrees', 'detail', 'hint']);
  });

  it('prints a Probe section with the argv, result and agreement', () => {
    const r = probeReport(
      ['kubectl', 'exec', '--', 'nc', '-z'],
      { result: 'refused', verdict: 'allow', detail: 'd' },
      'allow',
    );
    expect(probeText(r, 'allow')).toEqual([
      'Probe:',
      '  command: kubectl exec -- nc -z',
      '  result: reached but port closed (live: allow): d',
      '  agrees with the static verdict (allow)',
      '  (a refused connection counts as allow: a policy deny drops the packet, it never answers)',
    ]);
  });
});

describe('calico-validate --probe usage errors (before any cluster is read)', () => {
  async function run(...argv: string[]) {
    let stderr = '';
    const code = await runCalicoValidate(argv, {
      color: false,
      stdout: new Writable({ write: (_c, _e, cb) => cb() }),
      stderr: new Writable({
        write(c, _e, cb) {
          stderr += String(c);
          cb();
        },
      }),
    });
    return { code, stderr };
  }

  it.each([
    [['a', 'b', '--probe'], /--probe needs --port/],
    [['a', 'b', '--probe', '--port', '80', '--probe-timeout', '0'], /--probe-timeout must be whole seconds/],
    [['a', 'b', '--probe', '--port', '80', '--probe-command', 'nc {nope}'], /unknown placeholder/],
    [['a', 'b', '--port', '80', '--probe-command', 'nc'], /--probe-command needs --probe/],
    [['a', 'b', '--probe', '--port', '80', '--policies', 'p.yaml'], /--probe reads the cluster/],
    [['a', 'b', '--probe', '--protocol', 'SCTP', '--port', '80'], /no default SCTP probe/],
  ])('%j → exit 2', async (argv, message) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('planProbe', () => {
  const pod = (name: string, ip?: string): Peer => ({
    kind: 'pod',
    pod: { name, namespace: 'shop', ip: ip ? parseIp(ip) : undefined } as unknown as Pod,
  });
  const outside: Peer = { kind: 'ip', ip: parseIp('203.0.113.7')! };
  const settings = { timeoutSeconds: 2, container: 'app', command: undefined };

  it("probes from the source pod's container to the destination pod's IP", () => {
    const plan = planProbe(pod('web'), pod('api', '10.244.2.20'), { protocol: 6, port: 8080 }, settings);
    expect(plan.target).toEqual({ namespace: 'shop', pod: 'web', container: 'app' });
    expect(plan.argv).toEqual(['nc', '-v', '-z', '-w', '2', '10.244.2.20', '8080']);
  });

  it.each([
    [outside, pod('api', '10.244.2.20'), /the probe needs a source pod: SRC 203.0.113.7/],
    [pod('web'), outside, /the probe needs a destination pod/],
    [pod('web'), pod('api'), /DST pod shop\/api has no IP yet/],
  ])('refuses what it cannot probe (%#)', (src, dst, message) => {
    expect(() => planProbe(src, dst, { protocol: 6, port: 8080 }, settings)).toThrow(message);
  });
});
