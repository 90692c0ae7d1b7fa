// The virtual PicoCluster's nodes: real sshd per node, strict host keys, isolated filesystems, and a
// `down` that leaves nothing behind. Needs root on Linux (see helpers/lab-fixture.ts).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../../src/lab/host-processes.js';
import { labDown } from '../../src/lab/lab-down.js';
import { labUp } from '../../src/lab/lab-up.js';
import { runInNode } from '../../src/lab/node-exec.js';
import { runCli } from '../helpers/run-cli.js';
import { leftovers, NOTHING } from './helpers/host-leftovers.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh, sshArgs } from './helpers/ssh.js';

describeLab('lab nodes', () => {
  const lab = useLab('nodes-t', 5);

  it('every node answers SSH with strict host-key checking and reports its own hostname', async () => {
    const results = await Promise.all(lab.state.nodes.map((n) => ssh(lab.state, n, 'hostname')));
    expect(results.map((r) => r.stdout)).toEqual(lab.state.nodes.map((n) => n.name));
  });

  it('known_hosts holds exactly the host keys the nodes present (ssh-keyscan)', async () => {
    const scan = await execa('ssh-keyscan', [
      '-T',
      '5',
      '-t',
      'ed25519',
      ...lab.state.nodes.map((n) => n.address),
    ]);
    const scanned = new Map(
      scan.stdout
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => [l.split(' ')[0], l.split(' ').slice(1, 3).join(' ')]),
    );
    const known = readFileSync(lab.state.knownHosts, 'utf8').trim().split('\n');
    expect(known).toHaveLength(lab.state.nodes.length);
    for (const line of known) {
      const [hosts, type, key] = line.split(' ');
      const address = hosts?.split(',')[0] ?? '';
      expect(scanned.get(address)).toBe(`${type} ${key}`);
    }
    const fingerprints = await execa('ssh-keygen', ['-l', '-f', lab.state.knownHosts]);
    for (const n of lab.state.nodes) expect(fingerprints.stdout).toContain(n.hostKeyFingerprint);
  });

  it('refuses a node whose host key does not match known_hosts', async () => {
    const [n1, n2] = lab.state.nodes;
    if (!n1 || !n2) throw new Error('lab needs two nodes');
    const lines = readFileSync(lab.state.knownHosts, 'utf8').split('\n');
    const n2Key = lines
      .find((l) => l.startsWith(`${n2.address},`))
      ?.split(' ')
      .slice(1)
      .join(' ');
    const swapped = join(lab.state.dir, 'swapped_known_hosts');
    writeFileSync(swapped, `${n1.address} ${n2Key}\n`);
    const r = await ssh(lab.state, n1, 'true', { knownHosts: swapped });
    expect(r.exitCode).toBe(255);
    expect(r.stderr).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED');
  });

  it('a file written on one node is invisible on the other nodes and on the host', async () => {
    const [n1, n2] = lab.state.nodes;
    if (!n1 || !n2) throw new Error('lab needs two nodes');
    expect((await ssh(lab.state, n1, 'echo node1-was-here > /etc/picocal-probe')).exitCode).toBe(0);
    expect(readFileSync(join(n1.upperDir, 'etc/picocal-probe'), 'utf8')).toBe('node1-was-here\n');
    for (const other of lab.state.nodes.slice(1))
      expect(existsSync(join(other.upperDir, 'etc/picocal-probe'))).toBe(false);
    expect((await ssh(lab.state, n2, 'test -e /etc/picocal-probe')).exitCode).toBe(1);
    expect(existsSync('/etc/picocal-probe')).toBe(false);
  });

  it('a node looks like a Pi: /boot/firmware/cmdline.txt, its own machine-id, x86_64 reported honestly', async () => {
    const n = nodeOf(lab.state, 'pc-node3');
    const r = await ssh(lab.state, n, 'cat /boot/firmware/cmdline.txt; cat /etc/machine-id; uname -m');
    const [cmdline, machineId, arch] = r.stdout.split('\n');
    expect(cmdline).toMatch(
      /^console=serial0,115200 console=tty1 root=PARTUUID=[0-9a-f]{8}-02 rootfstype=ext4 fsck.repair=yes rootwait cgroup_memory=1 cgroup_enable=memory$/,
    );
    expect(machineId).toMatch(/^[0-9a-f]{32}$/);
    expect(machineId).not.toBe(readFileSync('/etc/machine-id', 'utf8').trim());
    expect(arch).toBe(n.arch);
  });

  it('net.* sysctls are per node; the rest of /proc/sys is read-only', async () => {
    const n = nodeOf(lab.state, 'pc-node2');
    const net = await ssh(
      lab.state,
      n,
      'sysctl -w net.ipv4.ip_forward=1 && cat /proc/sys/net/ipv4/ip_forward',
    );
    expect(net.stdout).toContain('net.ipv4.ip_forward = 1');
    expect(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim()).toBe('0');
    const vm = await ssh(lab.state, n, 'sysctl -w vm.swappiness=13');
    expect(vm.exitCode).not.toBe(0);
    expect(readFileSync('/proc/sys/vm/swappiness', 'utf8').trim()).not.toBe('13');
  });

  it("nodes see neither the host's /tmp (lab keys) nor the host's other SSH host keys", async () => {
    const r = await ssh(
      lab.state,
      nodeOf(lab.state, 'pc-node4'),
      `test ! -e ${lab.state.privateKey} && ls /etc/ssh | grep ssh_host_`,
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').sort()).toEqual(['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']);
  });

  it('only the control-plane node has the k3s kubeconfig, pointing at the lab API server', async () => {
    const cp = await ssh(lab.state, nodeOf(lab.state, 'pc-node1'), 'cat /etc/rancher/k3s/k3s.yaml');
    expect(cp.exitCode).toBe(0);
    expect(
      (load(cp.stdout) as { clusters: { cluster: { server: string } }[] }).clusters[0]?.cluster.server,
    ).toBe(lab.state.apiServer.url);
    expect(
      (await ssh(lab.state, nodeOf(lab.state, 'pc-node2'), 'test -e /etc/rancher/k3s/k3s.yaml')).exitCode,
    ).toBe(1);
  });

  it("writes an inventory in picocal's shape that points at the nodes", () => {
    const inv = load(readFileSync(lab.state.inventory, 'utf8')) as {
      all: {
        vars: Record<string, unknown> & { picocal: Record<string, unknown> };
        children: Record<string, { hosts: Record<string, { ansible_host: string }> }>;
      };
    };
    expect(inv.all.vars.picocal).toMatchObject({
      cluster_name: 'nodes-t',
      calico_version: '3.32.1',
      kubernetes: { flavour: 'k3s', kubeconfig: '/etc/rancher/k3s/k3s.yaml' },
      node_address_autodetection: { cidrs: [lab.state.subnet] },
      lab: { enabled: true },
    });
    expect(inv.all.vars).toMatchObject({
      ansible_user: 'root',
      ansible_ssh_private_key_file: lab.state.privateKey,
      picocal_known_hosts: lab.state.knownHosts,
    });
    expect(inv.all.children['control_plane']?.hosts).toEqual({
      'pc-node1': { ansible_host: lab.state.nodes[0]?.address },
    });
    expect(Object.keys(inv.all.children['workers']?.hosts ?? {})).toEqual([
      'pc-node2',
      'pc-node3',
      'pc-node4',
      'pc-node5',
    ]);
  });

  it("real Ansible reaches every node with the lab's ansible.cfg (host-key checking on)", async () => {
    const r = await execa('ansible', ['all', '-m', 'ping', '-o'], {
      env: { ANSIBLE_CONFIG: lab.state.ansibleCfg },
      reject: false,
      timeout: 60_000,
    });
    expect(r.exitCode, String(r.stdout) + String(r.stderr)).toBe(0);
    expect(String(r.stdout).match(/SUCCESS/g)).toHaveLength(5);
    expect(readFileSync(lab.state.ansibleCfg, 'utf8')).toMatch(/host_key_checking = True/);
  });

  it('`lab status --output json` lists every node with its address, role and live state', async () => {
    const r = await runCli(['lab', 'status', '--name', 'nodes-t', '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown> & { nodes: Record<string, unknown>[] };
    expect(doc).toMatchObject({
      dir: lab.state.dir,
      inventory: lab.state.inventory,
      knownHosts: lab.state.knownHosts,
      privateKey: lab.state.privateKey,
    });
    expect(doc.nodes.map((n) => [n['name'], n['address'], n['role'], n['state']])).toEqual(
      lab.state.nodes.map((n) => [n.name, n.address, n.role, 'running']),
    );
  });

  it("runInNode serves on that node's loopback only: reachable over SSH on the node, not from others", async () => {
    const n2 = nodeOf(lab.state, 'pc-node2');
    const server = runInNode(lab.state, n2, ['python3', '-m', 'http.server', '--bind', '127.0.0.1', '9099'], {
      cwd: lab.state.dir,
      detached: true,
    });
    const curl =
      'python3 -c "import urllib.request as u; print(u.urlopen(\'http://127.0.0.1:9099/\', timeout=2).status)"';
    let onNode = await ssh(lab.state, n2, curl);
    for (let i = 0; i < 50 && onNode.stdout !== '200'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      onNode = await ssh(lab.state, n2, curl);
    }
    expect(onNode.stdout).toBe('200');
    expect((await ssh(lab.state, nodeOf(lab.state, 'pc-node3'), curl)).exitCode).not.toBe(0);
    expect(isAlive(server.pid)).toBe(true);
  });
});

describeLab('lab usability', () => {
  const lab = useLab('usable-t', 3);

  it('board-to-board traffic passes with br_netfilter loaded (bridged frames traverse iptables FORWARD)', async (t) => {
    const sysctl = '/proc/sys/net/bridge/bridge-nf-call-iptables';
    if (!existsSync(sysctl)) await execa('modprobe', ['br_netfilter'], { reject: false });
    if (!existsSync(sysctl))
      return t.skip('br_netfilter cannot be loaded on this kernel (no modprobe or module)');
    const before = readFileSync(sysctl, 'utf8').trim();
    writeFileSync(sysctl, '1');
    try {
      const [, n2, n3] = lab.state.nodes;
      const r = await execa(
        'ip',
        [
          'netns',
          'exec',
          n2!.netns,
          'timeout',
          '5',
          'bash',
          '-c',
          `exec 3<>/dev/tcp/${n3!.address}/22 && head -c 4 <&3`,
        ],
        { reject: false },
      );
      expect(r.stdout, r.stderr).toBe('SSH-');
    } finally {
      writeFileSync(sysctl, before);
    }
  });

  it("`lab up` writes <lab dir>/kubeconfig for the host's kubectl; `lab status` shows it", async () => {
    const r = await runCli(['lab', 'status', '--name', 'usable-t', '--output', 'json']);
    const doc = JSON.parse(r.stdout) as { kubeconfig: string };
    expect(doc.kubeconfig).toBe(join(lab.state.dir, 'kubeconfig'));
    const text = await runCli(['lab', 'status', '--name', 'usable-t']);
    expect(text.stdout).toContain(`kubeconfig  ${doc.kubeconfig}`);
    const k = await execa('kubectl', ['--kubeconfig', doc.kubeconfig, 'get', 'nodes', '-o', 'name'], {
      reject: false,
    });
    expect(k.stdout.split('\n').sort(), k.stderr).toEqual(
      lab.state.nodes.map((n) => `node/${n.name}`).sort(),
    );
  });

  it('`picocal doctor -i INV` logs in to every board with strict host keys; a wrong key is a failed check', async () => {
    const r = await runCli(['doctor', '-i', lab.state.inventory, '--output', 'json']);
    const doc = JSON.parse(r.stdout) as {
      checks: { check: string; status: string; detail: string; fix: string }[];
    };
    const ssh = doc.checks.filter((c) => c.check.startsWith('ssh '));
    expect(ssh.map((c) => [c.check, c.status])).toEqual(lab.state.nodes.map((n) => [`ssh ${n.name}`, 'ok']));
    // Another copy of the inventory whose known_hosts gives pc-node2 the key of pc-node3.
    const lines = readFileSync(lab.state.knownHosts, 'utf8').trim().split('\n');
    const key = (name: string) =>
      lines
        .find((l) => l.split(' ')[0]?.endsWith(`,${name}`))!
        .split(' ')
        .slice(1)
        .join(' ');
    const wrong = lines.map((l) =>
      l.split(' ')[0]?.endsWith(',pc-node2') ? `${l.split(' ')[0]} ${key('pc-node3')}` : l,
    );
    const kh = join(lab.state.dir, 'known_hosts.wrong');
    writeFileSync(kh, wrong.join('\n') + '\n');
    const inv = join(lab.state.dir, 'inventory.wrong.yaml');
    writeFileSync(
      inv,
      readFileSync(lab.state.inventory, 'utf8').replace(
        JSON.stringify(lab.state.knownHosts),
        JSON.stringify(kh),
      ),
    );
    const bad = await runCli(['doctor', '-i', inv, '--output', 'json']);
    expect(bad.code).toBe(1);
    const row = (JSON.parse(bad.stdout) as typeof doc).checks.find((c) => c.check === 'ssh pc-node2');
    expect(row).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/HOST IDENTIFICATION HAS CHANGED for pc-node2/),
    });
    expect(row?.fix).not.toBe('');
  });

  it('lab commands find the lab of PICOCAL_INVENTORY without --name; a wrong name lists the labs (exit 2)', async () => {
    const saved = process.env['PICOCAL_INVENTORY'];
    process.env['PICOCAL_INVENTORY'] = lab.state.inventory;
    try {
      const r = await runCli(['lab', 'status', '--output', 'json']);
      expect(r.code, r.stderr).toBe(0);
      expect((JSON.parse(r.stdout) as { name: string }).name).toBe('usable-t');
    } finally {
      if (saved === undefined) delete process.env['PICOCAL_INVENTORY'];
      else process.env['PICOCAL_INVENTORY'] = saved;
    }
    const wrong = await runCli(['lab', 'fault', 'pc-node2', 'power-off', '--name', 'usable-x']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/no lab named 'usable-x' \(labs here: [^)]*usable-t/);
  });
});

describeLab('lab up and down', () => {
  const name = 'updown-t';

  it('refuses to run without root or Linux with a clear error (checked here as the positive case)', async () => {
    // This machine qualifies; the message for one that does not is covered by labHostProblem's wording.
    const { labHostProblem } = await import('../../src/lab/host-requirements.js');
    expect(labHostProblem()).toBeUndefined();
  });

  it('down leaves no namespace, link, route, rule, mount, process or directory, even with extra processes', async () => {
    await labDown({ name });
    expect(await leftovers(name)).toEqual(NOTHING);
    const { state } = await labUp({ name, nodes: 2 });
    const n1 = state.nodes[0];
    if (!n1) throw new Error('no node');
    const up = await leftovers(name);
    expect(up.netns).toHaveLength(2);
    // The guard: DROP into and out of the bridge, and the bridge-to-bridge ACCEPT before them (br_netfilter).
    expect(up.rules).toHaveLength(3);
    expect(up.rules.filter((r) => r.includes('DROP'))).toHaveLength(2);
    expect(up.rules.filter((r) => r.includes('ACCEPT'))).toHaveLength(1);
    // What the operator stand-in and Ansible leave running: a process in a node, an SSH control master.
    const inNode = runInNode(state, n1, ['sleep', '600'], { detached: true });
    const master = await execa(
      'ssh',
      [
        ...sshArgs(state, n1, {
          extra: [
            '-o',
            'ControlMaster=auto',
            '-o',
            'ControlPersist=60',
            '-o',
            `ControlPath=${state.dir}/cp/%C`,
          ],
        }),
        'true',
      ],
      { reject: false, timeout: 20_000, stdio: 'ignore' },
    );
    expect(master.exitCode).toBe(0);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toContain(`/run/netns/${n1.netns}`);

    const down = await labDown({ name });
    expect(down.found).toBe(true);
    expect(await leftovers(name)).toEqual(NOTHING);
    expect(isAlive(inNode.pid)).toBe(false);
    expect(state.nodes.every((n) => !isAlive(n.pid))).toBe(true);
  });

  it('down cleans up after a lab whose lab.json is gone, and a second down is a no-op', async () => {
    const { state } = await labUp({ name, nodes: 2 });
    rmSync(join(state.dir, 'lab.json'));
    await labDown({ name });
    expect(await leftovers(name)).toEqual(NOTHING);
    expect(state.nodes.every((n) => !isAlive(n.pid))).toBe(true);
    expect(isAlive(state.apiServer.pid)).toBe(false);
    const again = await labDown({ name });
    expect(again.found).toBe(false);
  });

  it('up refuses a lab that already exists and leaves it running', async () => {
    try {
      await labUp({ name, nodes: 1 });
      await expect(labUp({ name, nodes: 1 })).rejects.toThrow(/already exists/);
      expect((await leftovers(name)).netns).toHaveLength(1);
    } finally {
      await labDown({ name });
    }
  });

  it('`lab up` rejects a bad name or node count before touching anything (exit 2)', async () => {
    const badName = await runCli(['lab', 'up', '--name', 'Bad_Name']);
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/lab name 'Bad_Name' is not valid/);
    const badCount = await runCli(['lab', 'up', '--name', name, '--nodes', 'five']);
    expect(badCount.code).toBe(2);
    expect(await leftovers(name)).toEqual(NOTHING);
  });
});

describe('lab keys and names', () => {
  it('writes ed25519 keys that OpenSSH reads as its own', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { generateEd25519 } = await import('../../src/lab/ssh-keys.js');
    const path = join(mkdtempSync(join(tmpdir(), 'pcl-keys-')), 'id_ed25519');
    const key = generateEd25519(path, 'probe@lab');
    const derived = await execa('ssh-keygen', ['-y', '-f', path]);
    expect(`${derived.stdout.trim().split(' ').slice(0, 2).join(' ')}`).toBe(key.publicLine);
    const listed = await execa('ssh-keygen', ['-l', '-f', `${path}.pub`]);
    expect(listed.stdout).toContain(key.fingerprint);
    rmSync(dirname(path), { recursive: true });
  });

  it('gives two lab names distinct subnets, bridges and namespaces', async () => {
    const { labIdentity } = await import('../../src/lab/lab-naming.js');
    const a = labIdentity('nodes-t');
    const b = labIdentity('faults-t');
    expect(a.subnet).not.toBe(b.subnet);
    expect(a.bridge).not.toBe(b.bridge);
    expect(a.bridge.length).toBeLessThanOrEqual(15);
    expect(`${a.vethPrefix}200`.length).toBeLessThanOrEqual(15);
  });
});

describe('finding a lab by its directory', () => {
  const dir = '/tmp/pcl-a';
  const cases: [string[], boolean][] = [
    [['node', 'server-main.js', '--dir', '/tmp/pcl-a'], true],
    [['node', 'main.js', '--faults-dir=/tmp/pcl-a/faults'], true],
    [['ssh', '-o', 'ControlPath="/tmp/pcl-a/cp/%C"', 'root@10.77.1.11'], true],
    [['ssh: /tmp/pcl-a/cp/0123abcd [mux]'], true],
    [['node', 'server-main.js', '--dir', '/tmp/pcl-a-b'], false],
    [['ssh: /tmp/pcl-a-b/cp/0123abcd [mux]'], false],
    [['vim', '/tmp/pcl-abc/inventory.yaml'], false],
  ];
  it.each(cases)('%j mentions /tmp/pcl-a: %s', async (argv, expected) => {
    const { mentionsDir } = await import('../../src/lab/host-processes.js');
    expect(mentionsDir(argv, dir)).toBe(expected);
  });
});
