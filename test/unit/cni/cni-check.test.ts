// The CNI preflight's decisions (src/cni): CIDR relations, the k3s settings in effect, and which boards
// are refused with which fix. Table-driven: each row is a board or cluster as found.
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { parseBoardFacts, type BoardCniFacts } from '../../../src/cni/board-facts.js';
import { checkCni, type ClusterCidrFacts } from '../../../src/cni/cni-check.js';
import { k3sCalicoSettings, k3sConfigYaml } from '../../../src/cni/k3s-config.js';
import { execStartArgs, k3sSettings } from '../../../src/cni/k3s-settings.js';
import { poolWithin, relateCidrs } from '../../../src/cni/pod-cidr.js';
import { load } from 'js-yaml';

describe('relateCidrs / poolWithin', () => {
  it.each([
    ['10.42.0.0/16', '10.42.0.0/16', 'equal', true],
    ['10.42.0.0/17', '10.42.0.0/16', 'inside', true],
    ['10.42.128.0/17', '10.42.0.0/16', 'inside', true],
    ['10.42.0.0/16', '10.42.0.0/17', 'contains', false],
    ['10.42.0.0/16', '10.0.0.0/8', 'inside', true],
    ['10.42.0.0/16', '10.244.0.0/16', 'disjoint', false],
    ['192.168.0.0/16', '10.244.0.0/16', 'disjoint', false],
    ['10.42.0.0/15', '10.43.0.0/16', 'contains', false],
    ['10.42.0.0/16', 'not-a-cidr', 'invalid', false],
  ])('pool %s vs platform %s → %s', (pool, platform, relation, within) => {
    expect(relateCidrs(pool, platform)).toBe(relation);
    expect(poolWithin(pool, platform)).toBe(within);
  });

  it('takes the IPv4 entry of a dual-stack list', () => {
    expect(poolWithin('10.244.0.0/16', 'fd00:10:244::/56, 10.244.0.0/16')).toBe(true);
    expect(poolWithin('10.42.0.0/16', 'fd00:10:244::/56,10.244.0.0/16')).toBe(false);
  });
});

const SERVER_DEFAULT = `[Unit]
Description=Lightweight Kubernetes
[Service]
Type=notify
ExecStart=/usr/local/bin/k3s \\
    server \\
`;
const SERVER_FLAGS = `[Service]
ExecStart=/usr/local/bin/k3s \\
    server \\
\t'--flannel-backend=none' \\
\t'--disable-network-policy' \\
\t'--cluster-cidr' '10.42.0.0/16' \\
`;
const READY_CONFIG = 'flannel-backend: none\ndisable-network-policy: true\ncluster-cidr: 10.42.0.0/16\n';

describe('k3sSettings', () => {
  it('reads ExecStart words across continuation lines and quotes', () => {
    expect(execStartArgs(SERVER_FLAGS)).toEqual([
      '/usr/local/bin/k3s',
      'server',
      '--flannel-backend=none',
      '--disable-network-policy',
      '--cluster-cidr',
      '10.42.0.0/16',
    ]);
  });

  it.each<[string, Record<string, string>, string | undefined, Record<string, string>]>([
    ['nothing installed', {}, undefined, { 'flannel-backend': 'vxlan', 'disable-network-policy': 'false' }],
    [
      'default install: k3s defaults',
      { '/etc/systemd/system/k3s.service': SERVER_DEFAULT },
      'server',
      { 'flannel-backend': 'vxlan', 'disable-network-policy': 'false', 'cluster-cidr': '10.42.0.0/16' },
    ],
    [
      'flags on the unit',
      { '/etc/systemd/system/k3s.service': SERVER_FLAGS },
      'server',
      { 'flannel-backend': 'none', 'disable-network-policy': 'true', 'cluster-cidr': '10.42.0.0/16' },
    ],
    [
      'config.yaml, then config.yaml.d overrides',
      {
        '/etc/systemd/system/k3s.service': SERVER_DEFAULT,
        '/etc/rancher/k3s/config.yaml': READY_CONFIG,
        '/etc/rancher/k3s/config.yaml.d/10-cidr.yaml': 'cluster-cidr: "10.244.0.0/16"\n',
      },
      'server',
      { 'flannel-backend': 'none', 'disable-network-policy': 'true', 'cluster-cidr': '10.244.0.0/16' },
    ],
    [
      'config.yaml.d files apply in name order (the later one wins)',
      {
        '/etc/rancher/k3s/config.yaml.d/9-b.yaml': 'cluster-cidr: 10.2.0.0/16\n',
        '/etc/rancher/k3s/config.yaml.d/10-a.yaml': 'cluster-cidr: 10.1.0.0/16\n',
        '/etc/rancher/k3s/config.yaml': 'cluster-cidr: 10.3.0.0/16\n',
      },
      'server',
      { 'cluster-cidr': '10.2.0.0/16' },
    ],
    [
      'a unit flag overrides config.yaml',
      {
        '/etc/systemd/system/k3s.service': `${SERVER_DEFAULT}\t'--flannel-backend=vxlan' \\\n`,
        '/etc/rancher/k3s/config.yaml': READY_CONFIG,
      },
      'server',
      { 'flannel-backend': 'vxlan', 'disable-network-policy': 'true' },
    ],
    [
      'an agent',
      { '/etc/systemd/system/k3s-agent.service': 'ExecStart=/usr/local/bin/k3s agent\n' },
      'agent',
      {},
    ],
  ])('%s', (_title, files, role, expected) => {
    const s = k3sSettings(files);
    expect(s.role).toBe(role);
    expect(s.values).toMatchObject(expected);
  });
});

function board(over: Partial<BoardCniFacts> = {}): BoardCniFacts {
  return {
    cniFiles: [],
    flannelLink: false,
    flannelSubnetEnv: false,
    k3sFiles: {},
    unreadable: [],
    complete: true,
    ...over,
  };
}
const READY_SERVER = board({
  k3sFiles: {
    '/etc/systemd/system/k3s.service': SERVER_DEFAULT,
    '/etc/rancher/k3s/config.yaml': READY_CONFIG,
  },
});
const NO_CIDRS: ClusterCidrFacts = { kubeadmPodSubnet: undefined, nodePodCidrs: {} };

describe('checkCni', () => {
  let inv: Inventory;
  const k3s = async () => (inv ??= await loadInventory('inventory/picocluster.yaml'));

  it.each<[string, Record<string, BoardCniFacts>, ClusterCidrFacts, [string, RegExp, RegExp][]]>([
    ['a Calico-ready k3s server and a clean agent', { s: READY_SERVER, a: board() }, NO_CIDRS, []],
    [
      "a re-run: Calico's own CNI files are fine",
      {
        s: board({
          ...READY_SERVER,
          cniFiles: ['/etc/cni/net.d/10-calico.conflist', '/etc/cni/net.d/calico-kubeconfig'],
        }),
      },
      NO_CIDRS,
      [],
    ],
    [
      'a default k3s install',
      {
        s: board({
          cniFiles: ['/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist'],
          flannelLink: true,
          flannelSubnetEnv: true,
          k3sFiles: { '/etc/systemd/system/k3s.service': SERVER_DEFAULT },
        }),
      },
      NO_CIDRS,
      [
        [
          's',
          /flannel is .*10-flannel\.conflist, link flannel\.1, \/run\/flannel\/subnet\.env/,
          /picocal k3s-config -i .*ip link delete flannel\.1/,
        ],
        ['s', /flannel-backend vxlan \(k3s default\)/, /picocal k3s-config/],
        ['s', /kube-router.*disable-network-policy: false/, /picocal k3s-config/],
      ],
    ],
    [
      'flannel off but kube-router still on (unit flag only)',
      {
        s: board({
          k3sFiles: { '/etc/systemd/system/k3s.service': `${SERVER_DEFAULT}\t'--flannel-backend=none' \\\n` },
        }),
      },
      NO_CIDRS,
      [['s', /kube-router/, /picocal k3s-config/]],
    ],
    [
      'another CNI config',
      { s: READY_SERVER, a: board({ cniFiles: ['/etc/cni/net.d/05-cilium.conflist'] }) },
      NO_CIDRS,
      [['a', /another CNI's config .*05-cilium\.conflist/, /remove \/etc\/cni\/net\.d\/05-cilium\.conflist/]],
    ],
    [
      'k3s cluster-cidr other than pod_cidr',
      {
        s: board({
          k3sFiles: {
            '/etc/systemd/system/k3s.service': SERVER_DEFAULT,
            '/etc/rancher/k3s/config.yaml': READY_CONFIG.replace('10.42.0.0/16', '10.52.0.0/16'),
          },
        }),
      },
      NO_CIDRS,
      [
        [
          's',
          /pod_cidr 10\.42\.0\.0\/16 is not inside k3s's cluster-cidr 10\.52\.0\.0\/16/,
          /set pod_cidr: 10\.52\.0\.0\/16/,
        ],
      ],
    ],
    [
      'kubeadm podSubnet and node podCIDRs elsewhere',
      { s: READY_SERVER },
      { kubeadmPodSubnet: '10.244.0.0/16', nodePodCidrs: { n1: '10.244.1.0/24', n2: '10.42.3.0/24' } },
      [
        ['cluster', /not inside kubeadm's podSubnet 10\.244\.0\.0\/16/, /set pod_cidr: 10\.244\.0\.0\/16/],
        ['cluster', /spec\.podCIDR outside pod_cidr .*: n1 10\.244\.1\.0\/24$/, /set pod_cidr/],
      ],
    ],
  ])('%s', async (_title, boards, cluster, expected) => {
    const problems = checkCni(await k3s(), boards, cluster);
    expect(problems.map((p) => p.target)).toEqual(expected.map((e) => e[0]));
    problems.forEach((p, i) => {
      expect(p.message).toMatch(expected[i]![1]);
      expect(p.fix).toMatch(expected[i]![2]);
    });
  });
});

describe('parseBoardFacts', () => {
  it('reads files, links and file texts between the markers, and knows when the script finished', () => {
    const M = '@cni1';
    const out = [
      `${M} cni /var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist`,
      `${M} link flannel.1`,
      `${M} begin /etc/rancher/k3s/config.yaml`,
      'flannel-backend: none',
      `not ${M} a marker`,
      '',
      `${M} end`,
      `${M} done`,
    ].join('\n');
    const f = parseBoardFacts(out, M);
    expect(f).toEqual({
      cniFiles: ['/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist'],
      flannelLink: true,
      flannelSubnetEnv: false,
      k3sFiles: { '/etc/rancher/k3s/config.yaml': `flannel-backend: none\nnot ${M} a marker` },
      unreadable: [],
      complete: true,
    });
    expect(parseBoardFacts(out.replace(`${M} done`, ''), M).complete).toBe(false);
  });
});

describe('k3s-config output', () => {
  it.each([
    [{ pod_cidr: '10.42.0.0/16', service_cidr: '10.43.0.0/16', dataplane: 'Iptables' }, false],
    [{ pod_cidr: '10.60.0.0/16', service_cidr: '10.61.0.0/16', dataplane: 'BPF' }, true],
  ] as const)('%j', async (over, kubeProxyOff) => {
    const cluster = { ...(await loadInventory('inventory/picocluster.yaml')).cluster, ...over };
    const doc = load(k3sConfigYaml(cluster)) as Record<string, unknown>;
    expect(doc).toEqual({
      'flannel-backend': 'none',
      'disable-network-policy': true,
      'cluster-cidr': over.pod_cidr,
      'service-cidr': over.service_cidr,
      ...(kubeProxyOff ? { 'disable-kube-proxy': true } : {}),
    });
    // What config.yaml says is what the CNI check accepts.
    const s = k3sSettings({ '/etc/rancher/k3s/config.yaml': k3sConfigYaml(cluster) });
    expect(s.values).toMatchObject({
      'flannel-backend': 'none',
      'disable-network-policy': 'true',
      'cluster-cidr': over.pod_cidr,
    });
    expect(k3sCalicoSettings(cluster).map((x) => x.key)).toContain('cluster-cidr');
  });
});
