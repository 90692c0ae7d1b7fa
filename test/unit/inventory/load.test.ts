import { describe, expect, it } from 'vitest';
import { InputError, formatProblem } from '../../../src/errors.js';
import { loadInventory, parseInventory } from '../../../src/inventory/load.js';

const VALID = `all:
  vars:
    ansible_user: pi
    picocal:
      cluster_name: demo
      calico_version: "3.32.1"
      kubernetes:
        flavour: k3s
      pod_cidr: 10.42.0.0/16
      service_cidr: 10.43.0.0/16
      node_network: 192.168.1.0/24
      encapsulation: VXLAN
      mtu: auto
  children:
    control_plane:
      hosts:
        cp1:
          ansible_host: 192.168.1.10
    workers:
      hosts:
        w1:
          ansible_host: 192.168.1.11
        w2:
          ansible_host: 192.168.1.12
`;

function problemsOf(text: string) {
  try {
    parseInventory(text, 'inv.yaml');
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
  return [];
}

describe('inventory loading', () => {
  it('accepts a valid inventory and fills in defaults', () => {
    const inv = parseInventory(VALID, 'inv.yaml');
    expect(inv.hosts.map((h) => [h.name, h.role, h.address])).toEqual([
      ['cp1', 'control-plane', '192.168.1.10'],
      ['w1', 'worker', '192.168.1.11'],
      ['w2', 'worker', '192.168.1.12'],
    ]);
    expect(inv.controlPlane.name).toBe('cp1');
    expect(inv.cluster.block_size).toBe(26);
    expect(inv.cluster.kubernetes.kubeconfig).toBe('/etc/rancher/k3s/k3s.yaml');
    expect(inv.cluster.policy).toEqual({ mode: 'staged', default_deny_namespaces: ['default'] });
    expect(inv.hosts[0]?.ssh.user).toBe('pi');
  });

  it('loads the worked example inventory shipped in inventory/', async () => {
    const inv = await loadInventory('inventory/picocluster.yaml');
    expect(inv.hosts).toHaveLength(5);
    expect(inv.hosts.filter((h) => h.role === 'control-plane')).toHaveLength(1);
  });

  // Each row: what is wrong, how to break the valid inventory, and what the error must say and where.
  const cases: Array<{ what: string; edit: (s: string) => string; field: string; message: RegExp; line: number; hint?: RegExp }> = [
    {
      what: 'unknown key with a did-you-mean',
      edit: (s) => s.replace('      mtu: auto', '      mtu: auto\n      blok_size: 24'),
      field: 'all.vars.picocal.blok_size',
      message: /unknown key 'blok_size'/,
      line: 14,
      hint: /did you mean 'block_size'/,
    },
    {
      what: 'duplicate addresses',
      edit: (s) => s.replace('192.168.1.12', '192.168.1.11'),
      field: 'all.children.workers.hosts.w2.ansible_host',
      message: /address 192\.168\.1\.11 is used by both w1 and w2/,
      line: 24,
    },
    {
      what: 'a host defined twice with different addresses',
      edit: (s) => s.replace('        w2:\n          ansible_host: 192.168.1.12', '        cp1:\n          ansible_host: 192.168.1.99'),
      field: 'all.children.workers.hosts.cp1.ansible_host',
      message: /defined twice with different addresses/,
      line: 24,
    },
    {
      what: 'invalid IP address',
      edit: (s) => s.replace('192.168.1.11', '192.168.1.300'),
      field: 'all.children.workers.hosts.w1.ansible_host',
      message: /invalid IPv4 address '192\.168\.1\.300'/,
      line: 22,
    },
    {
      what: 'invalid CIDR',
      edit: (s) => s.replace('10.42.0.0/16', '10.42.0.0/33'),
      field: 'all.vars.picocal.pod_cidr',
      message: /invalid CIDR/,
      line: 9,
    },
    {
      what: 'CIDR with host bits set',
      edit: (s) => s.replace('10.42.0.0/16', '10.42.1.0/16'),
      field: 'all.vars.picocal.pod_cidr',
      message: /invalid CIDR/,
      line: 9,
      hint: /did you mean '10\.42\.0\.0\/16'/,
    },
    {
      what: 'pod CIDR overlapping the node network',
      edit: (s) => s.replace('10.42.0.0/16', '192.168.0.0/16'),
      field: 'all.vars.picocal.pod_cidr',
      message: /overlaps the node network 192\.168\.1\.0\/24/,
      line: 9,
    },
    {
      what: 'pod CIDR containing a node address when no node_network is given',
      edit: (s) => s.replace('10.42.0.0/16', '192.168.0.0/16').replace('      node_network: 192.168.1.0/24\n', ''),
      field: 'all.vars.picocal.pod_cidr',
      message: /contains cp1's address 192\.168\.1\.10/,
      line: 9,
    },
    {
      what: 'pod CIDR overlapping the service CIDR',
      edit: (s) => s.replace('10.43.0.0/16', '10.42.128.0/17'),
      field: 'all.vars.picocal.service_cidr',
      message: /overlaps the pod CIDR/,
      line: 10,
    },
    {
      what: 'block size out of range',
      edit: (s) => s.replace('      mtu: auto', '      mtu: auto\n      block_size: 33'),
      field: 'all.vars.picocal.block_size',
      message: /33 is out of range 20\.\.32/,
      line: 14,
    },
    {
      what: 'block size larger than the pool',
      edit: (s) => s.replace('10.42.0.0/16', '10.42.0.0/24').replace('      mtu: auto', '      mtu: auto\n      block_size: 22'),
      field: 'all.vars.picocal.block_size',
      message: /larger than the pod CIDR/,
      line: 14,
    },
    {
      what: 'MTU too large for the encapsulation overhead',
      edit: (s) => s.replace('mtu: auto', 'mtu: 1480'),
      field: 'all.vars.picocal.mtu',
      message: /VXLAN adds 50 bytes/,
      line: 13,
      hint: /at most 1450/,
    },
    {
      what: 'no control-plane host',
      edit: (s) => s.replace('    control_plane:\n      hosts:\n        cp1:\n          ansible_host: 192.168.1.10\n', ''),
      field: 'all.children',
      message: /no control-plane host/,
      line: 14,
    },
    {
      what: 'unknown Calico version',
      edit: (s) => s.replace('"3.32.1"', '"3.27.0"'),
      field: 'all.vars.picocal.calico_version',
      message: /unknown Calico version '3\.27\.0'/,
      line: 6,
      hint: /3\.32\.1/,
    },
    {
      what: 'an armv7-only board',
      edit: (s) => s.replace('ansible_host: 192.168.1.11', 'ansible_host: 192.168.1.11\n          picocal_board: pi-zero-w'),
      field: 'all.children.workers.hosts.w1.picocal_board',
      message: /no 32-bit ARM images/,
      line: 23,
    },
    {
      what: 'a board declared armv7l',
      edit: (s) => s.replace('ansible_host: 192.168.1.11', 'ansible_host: 192.168.1.11\n          picocal_arch: armv7l'),
      field: 'all.children.workers.hosts.w1.picocal_arch',
      message: /declared armv7l/,
      line: 23,
      hint: /64-bit OS/,
    },
    {
      what: 'an unknown encapsulation value',
      edit: (s) => s.replace('encapsulation: VXLAN', 'encapsulation: VXLANCrossSubnt'),
      field: 'all.vars.picocal.encapsulation',
      message: /is not one of/,
      line: 12,
      hint: /did you mean 'VXLANCrossSubnet'/,
    },
    {
      what: 'IPIP without BGP',
      edit: (s) => s.replace('encapsulation: VXLAN', 'encapsulation: IPIP'),
      field: 'all.vars.picocal.encapsulation',
      message: /needs BGP/,
      line: 12,
    },
    {
      what: 'an invalid node name',
      edit: (s) => s.replace('        w2:', '        W_2:'),
      field: 'all.children.workers.hosts.W_2',
      message: /not a valid Kubernetes node name/,
      line: 23,
    },
    {
      what: 'a label value Kubernetes would reject',
      edit: (s) => s.replace('ansible_host: 192.168.1.11', 'ansible_host: 192.168.1.11\n          picocal_labels: {zone: "a: b"}'),
      field: 'all.children.workers.hosts.w1.picocal_labels.zone',
      message: /invalid label value "a: b"/,
      line: 23,
    },
    {
      what: 'picocal settings in a group other than all',
      edit: (s) => s.replace('    workers:\n', '    workers:\n      vars:\n        picocal: {}\n'),
      field: 'all.children.workers.vars.picocal',
      message: /belong in all\.vars/,
      line: 21,
    },
    {
      what: 'a misspelt group key',
      edit: (s) => s.replace('    workers:\n      hosts:', '    workers:\n      host:'),
      field: 'all.children.workers.host',
      message: /unknown key 'host'/,
      line: 20,
      hint: /did you mean 'hosts'/,
    },
  ];

  it.each(cases)('reports $what with file:line, field path and hint', ({ edit, field, message, line, hint }) => {
    const text = edit(VALID);
    expect(text).not.toBe(VALID);
    const problems = problemsOf(text);
    const p = problems.find((x) => x.field === field && message.test(x.message));
    expect(p, `problems were:\n${problems.map(formatProblem).join('\n')}`).toBeDefined();
    expect(p?.location).toMatchObject({ file: 'inv.yaml', line });
    if (hint) expect(p?.hint).toMatch(hint);
  });

  it('collects every problem instead of stopping at the first', () => {
    const text = VALID.replace('192.168.1.12', '192.168.1.11')
      .replace('mtu: auto', 'mtu: 1480')
      .replace('"3.32.1"', '"9.9.9"')
      .replace('      mtu: 1480', '      mtu: 1480\n      colour: blue');
    const problems = problemsOf(text);
    expect(problems.map((p) => p.field).sort()).toEqual([
      'all.children.workers.hosts.w2.ansible_host',
      'all.vars.picocal.calico_version',
      'all.vars.picocal.colour',
      'all.vars.picocal.mtu',
    ]);
    // Sorted by position in the file.
    const lines = problems.map((p) => p.location?.line ?? 0);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf(VALID.replace('        flavour: k3s', '      flavour: [k3s'));
    expect(problems[0]?.location?.line).toBeGreaterThan(7);
    expect(problems[0]?.hint).toMatch(/YAML syntax/);
  });

  it('names a missing file and what to pass instead', async () => {
    await expect(loadInventory('does/not/exist.yaml')).rejects.toMatchObject({
      exitCode: 2,
      hint: expect.stringMatching(/-i FILE/),
    });
  });
});

// A settings field that fails its type or range check must not hide the cross-field and host checks of the
// other fields, and must not produce problems of its own through them (no cascades).
describe('inventory validation with some settings invalid', () => {
  type Expected = Array<[field: string, message: RegExp]>;
  const run = (text: string) => {
    const problems = problemsOf(text);
    return { problems, shown: problems.map(formatProblem).join('\n') };
  };
  const expectExactly = (text: string, expected: Expected) => {
    const { problems, shown } = run(text);
    expect(problems.map((p) => p.field), shown).toEqual(expected.map(([f]) => f));
    problems.forEach((p, i) => expect(p.message, shown).toMatch(expected[i]?.[1] ?? /^$/));
    const lines = problems.map((p) => p.location?.line ?? 0);
    expect(lines, shown).toEqual([...lines].sort((a, b) => a - b));
  };
  const withBlockSize = (n: number) => (s: string) => s.replace('      mtu: auto', `      mtu: auto\n      block_size: ${n}`);

  const together: Array<{ what: string; edit: (s: string) => string; expected: Expected }> = [
    {
      what: 'a block size out of range, IPIP without BGP and host bits set in the pod CIDR',
      edit: (s) => withBlockSize(19)(s).replace('encapsulation: VXLAN', 'encapsulation: IPIP').replace('10.42.0.0/16', '10.42.1.0/16'),
      expected: [
        ['all.vars.picocal.pod_cidr', /invalid CIDR '10\.42\.1\.0\/16'/],
        ['all.vars.picocal.encapsulation', /IPIP needs BGP, but bgp is false/],
        ['all.vars.picocal.block_size', /19 is out of range 20\.\.32/],
      ],
    },
    {
      what: 'a block size out of range, an unknown Calico version, an MTU too large and a service/node overlap',
      edit: (s) =>
        withBlockSize(40)(s)
          .replace('"3.32.1"', '"3.27.0"')
          .replace('mtu: auto', 'mtu: 1480')
          .replace('10.43.0.0/16', '192.168.0.0/16'),
      expected: [
        ['all.vars.picocal.calico_version', /unknown Calico version '3\.27\.0'/],
        ['all.vars.picocal.service_cidr', /overlaps the node network 192\.168\.1\.0\/24/],
        ['all.vars.picocal.mtu', /MTU 1480 is too large: VXLAN adds 50 bytes/],
        ['all.vars.picocal.block_size', /40 is out of range 20\.\.32/],
      ],
    },
    {
      what: 'a missing service CIDR beside a pod CIDR that overlaps the node network',
      edit: (s) => s.replace('      service_cidr: 10.43.0.0/16\n', '').replace('10.42.0.0/16', '192.168.0.0/16'),
      expected: [
        // A missing field is located at its parent mapping (line 4).
        ['all.vars.picocal.service_cidr', /missing required field 'service_cidr'/],
        ['all.vars.picocal.pod_cidr', /pod_cidr 192\.168\.0\.0\/16 overlaps the node network/],
      ],
    },
  ];
  it.each(together)('reports $what together, sorted by line', ({ edit, expected }) => {
    expectExactly(edit(VALID), expected);
  });

  // Each row would produce a second, derived problem if the invalid field were read as a default or
  // loosely parsed; only the field's own problem may appear.
  const alone: Array<{ what: string; edit: (s: string) => string; expected: Expected }> = [
    {
      what: 'a pod CIDR that is not a CIDR',
      edit: (s) => s.replace('10.42.0.0/16', 'banana'),
      expected: [['all.vars.picocal.pod_cidr', /invalid CIDR 'banana'/]],
    },
    {
      what: 'a pod CIDR that is not a string',
      edit: (s) => s.replace('pod_cidr: 10.42.0.0/16', 'pod_cidr: {net: 192.168.0.0/16}'),
      expected: [['all.vars.picocal.pod_cidr', /expected a string, found a mapping/]],
    },
    {
      what: 'a pod CIDR with host bits set whose corrected form would overlap the service CIDR',
      edit: (s) => s.replace('10.42.0.0/16', '10.42.1.0/16').replace('10.43.0.0/16', '10.42.128.0/17'),
      expected: [['all.vars.picocal.pod_cidr', /invalid CIDR '10\.42\.1\.0\/16'/]],
    },
    {
      what: 'a block size out of range that is also larger than the pod CIDR',
      edit: (s) => withBlockSize(19)(s).replace('10.42.0.0/16', '10.42.0.0/24'),
      expected: [['all.vars.picocal.block_size', /19 is out of range 20\.\.32/]],
    },
    {
      what: 'a node MTU out of range (its default 1500 would make MTU 9000 too large)',
      edit: (s) => s.replace('mtu: auto', 'mtu: 9000\n      node_mtu: 9300'),
      expected: [['all.vars.picocal.node_mtu', /9300 is out of range 576\.\.9216/]],
    },
    {
      what: 'an MTU out of range',
      edit: (s) => s.replace('mtu: auto', 'mtu: 10000'),
      expected: [['all.vars.picocal.mtu', /10000 is out of range 576\.\.9216/]],
    },
    {
      what: 'a misspelt encapsulation (its default VXLAN would make MTU 1480 too large)',
      edit: (s) => s.replace('encapsulation: VXLAN', 'encapsulation: IPIPP').replace('mtu: auto', 'mtu: 1480'),
      expected: [['all.vars.picocal.encapsulation', /"IPIPP" is not one of/]],
    },
    {
      what: 'bgp that is not a boolean beside IPIP',
      edit: (s) => s.replace('encapsulation: VXLAN', 'encapsulation: IPIP\n      bgp: "yes"'),
      expected: [['all.vars.picocal.bgp', /expected true or false, found "yes"/]],
    },
    {
      what: 'a Calico version that is not a string',
      edit: (s) => s.replace('"3.32.1"', '[3, 32]'),
      expected: [['all.vars.picocal.calico_version', /expected a string, found a list/]],
    },
    {
      what: 'an autodetection method of the wrong type (not "no method set")',
      edit: (s) => s.replace('      mtu: auto', '      mtu: auto\n      node_address_autodetection: {can_reach: [1.1.1.1]}'),
      expected: [['all.vars.picocal.node_address_autodetection.can_reach', /expected a string, found a list/]],
    },
  ];
  it.each(alone)('reports only $what, no problem derived from it', ({ edit, expected }) => {
    expectExactly(edit(VALID), expected);
  });

  const hostChecks: Array<{ what: string; edit: (s: string) => string; expected: Expected }> = [
    {
      what: 'duplicate addresses',
      edit: (s) => s.replace('192.168.1.12', '192.168.1.11'),
      expected: [['all.children.workers.hosts.w2.ansible_host', /address 192\.168\.1\.11 is used by both w1 and w2/]],
    },
    {
      what: 'duplicate host names',
      edit: (s) => s.replace('        w2:\n          ansible_host: 192.168.1.12', '        cp1:\n          ansible_host: 192.168.1.99'),
      expected: [['all.children.workers.hosts.cp1.ansible_host', /defined twice with different addresses/]],
    },
    {
      what: 'a 32-bit board',
      edit: (s) => s.replace('ansible_host: 192.168.1.11', 'ansible_host: 192.168.1.11\n          picocal_board: pi-zero-w'),
      expected: [['all.children.workers.hosts.w1.picocal_board', /no 32-bit ARM images/]],
    },
    {
      what: 'a board declared armv7l',
      edit: (s) => s.replace('ansible_host: 192.168.1.11', 'ansible_host: 192.168.1.11\n          picocal_arch: armv7l'),
      expected: [['all.children.workers.hosts.w1.picocal_arch', /declared armv7l/]],
    },
  ];
  const settingsErrors: Array<{ setting: string; edit: (s: string) => string; expected: Expected }> = [
    {
      setting: 'a block size out of range',
      edit: withBlockSize(19),
      expected: [['all.vars.picocal.block_size', /19 is out of range/]],
    },
    {
      setting: 'settings that are not a mapping',
      edit: (s) => s.replace(/ {4}picocal:\n(?: {6}.*\n)+/, '    picocal: 5\n'),
      expected: [['all.vars.picocal', /expected a mapping, found 5/]],
    },
  ];
  const combined = hostChecks.flatMap((h) => settingsErrors.map((e) => ({ ...h, ...e, edit: (s: string) => h.edit(e.edit(s)) })));
  it.each(combined)('reports $what when the settings have $setting', ({ edit, expected, what }) => {
    const { problems, shown } = run(edit(VALID));
    const hostRow = hostChecks.find((h) => h.what === what)?.expected ?? [];
    for (const [field, message] of [...expected, ...hostRow]) {
      expect(
        problems.some((p) => p.field === field && message.test(p.message)),
        `${field} ${message} not in:\n${shown}`,
      ).toBe(true);
    }
    expect(problems, shown).toHaveLength(expected.length + hostRow.length);
  });
});
