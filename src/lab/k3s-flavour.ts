// What k3s leaves on a board, per lab flavour. LAB ONLY.
// - `calico-ready` (default): k3s installed as Calico's k3s guide says
//   (https://docs.tigera.io/calico/latest/getting-started/kubernetes/k3s/multi-node-install): the server's
//   /etc/rancher/k3s/config.yaml has flannel-backend none, disable-network-policy and cluster-cidr; no flannel.
// - `k3s-default`: a plain `curl -sfL https://get.k3s.io | sh -`: the install script's systemd units with no
//   networking flags (https://github.com/k3s-io/k3s/blob/master/install.sh, create_systemd_service_file), no
//   config.yaml, and what flannel creates while it runs (https://docs.k3s.io/networking/basic-network-options):
//   its CNI config in k3s's agent directory (k3s-io/k3s pkg/agent/config/config.go: CNIConfDir is
//   agent/etc/cni/net.d while flannel is on), /run/flannel/subnet.env and a VXLAN link flannel.1.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { LabError, UsageError } from '../errors.js';
import type { LabState } from './lab-state.js';
import { nodeInitPid } from './node-process.js';

export const LAB_FLAVOURS = ['calico-ready', 'k3s-default'] as const;
export type LabFlavour = (typeof LAB_FLAVOURS)[number];
export const DEFAULT_LAB_FLAVOUR: LabFlavour = 'calico-ready';
/** The lab inventory's pod_cidr (lab-files.ts), which Calico's k3s guide also uses; k3s's own default is 10.42.0.0/16. */
export const LAB_POD_CIDR = '192.168.0.0/16';
const K3S_DEFAULT_CLUSTER_CIDR = '10.42.0.0/16';

export function parseLabFlavour(text: string): LabFlavour {
  if ((LAB_FLAVOURS as readonly string[]).includes(text)) return text as LabFlavour;
  throw new UsageError(`--flavour must be one of ${LAB_FLAVOURS.join(', ')}, not '${text}'`);
}

/** install.sh's unit, ExecStart as it writes it: the binary, the command, then INSTALL_K3S_EXEC's flags. */
export function k3sUnit(role: 'server' | 'agent', flags: string[] = []): string {
  const exec = ['/usr/local/bin/k3s', role, ...flags.map((f) => `'${f}'`)].join(' \\\n    ');
  return [
    '[Unit]',
    'Description=Lightweight Kubernetes',
    'Documentation=https://k3s.io',
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    '[Service]',
    'Type=notify',
    `EnvironmentFile=-/etc/systemd/system/k3s${role === 'agent' ? '-agent' : ''}.service.env`,
    'KillMode=process',
    'Delegate=yes',
    `ExecStart=${exec} \\`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

// flannel's CNI config as k3s writes it (k3s-io/k3s pkg/agent/flannel/setup.go, cniConf).
const FLANNEL_CONFLIST = `{
  "name":"cbr0",
  "cniVersion":"1.0.0",
  "plugins":[
    {"type":"flannel","delegate":{"hairpinMode":true,"forceAddress":true,"isDefaultGateway":true}},
    {"type":"portmap","capabilities":{"portMappings":true}},
    {"type":"bandwidth","capabilities":{"bandwidth":true}}
  ]
}
`;

function put(upper: string, path: string, content: string, mode = 0o644): void {
  const file = join(upper, path);
  mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
  writeFileSync(file, content, { mode });
}

/** Files in the board's upper layer before it starts. */
export function writeK3sFiles(upper: string, role: 'control-plane' | 'worker', flavour: LabFlavour): void {
  const k3sRole = role === 'control-plane' ? 'server' : 'agent';
  put(upper, `/etc/systemd/system/k3s${k3sRole === 'agent' ? '-agent' : ''}.service`, k3sUnit(k3sRole));
  if (flavour === 'calico-ready') {
    if (k3sRole === 'server')
      put(
        upper,
        '/etc/rancher/k3s/config.yaml',
        `flannel-backend: none\ndisable-network-policy: true\ncluster-cidr: ${LAB_POD_CIDR}\n`,
      );
    return;
  }
  put(upper, '/var/lib/rancher/k3s/agent/etc/cni/net.d/10-flannel.conflist', FLANNEL_CONFLIST);
}

/** What flannel creates at run time on a started board: /run/flannel/subnet.env and the flannel.1 link. */
export async function startFlannelLeftovers(state: LabState): Promise<void> {
  for (const [i, node] of state.nodes.entries()) {
    const init = nodeInitPid(node.pid ?? 0);
    if (init === undefined) throw new LabError(`${node.name} is not running`, { node: node.name });
    // flannel's subnet file (flannel's subnet/config.go: FLANNEL_NETWORK, FLANNEL_SUBNET, FLANNEL_MTU, FLANNEL_IPMASQ).
    const env = `FLANNEL_NETWORK=${K3S_DEFAULT_CLUSTER_CIDR}\nFLANNEL_SUBNET=10.42.${i}.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n`;
    await execa(
      'nsenter',
      [
        '--target',
        String(init),
        '--mount',
        // The board's own root (its overlay), where its /run tmpfs is: without it, this would be the host's /run.
        '--root',
        '--',
        'sh',
        '-c',
        'mkdir -p /run/flannel && cat > /run/flannel/subnet.env',
      ],
      { input: env },
    );
    // flannel's VXLAN device (VNI 1, port 8472); a dummy link of that name where this kernel has no vxlan
    // (the check only looks for the name, as `ip link show dev flannel.1` does on a board).
    const vxlan = await execa(
      'ip',
      [
        '-n',
        node.netns,
        'link',
        'add',
        'flannel.1',
        'type',
        'vxlan',
        'id',
        '1',
        'dstport',
        '8472',
        'dev',
        'eth0',
        'nolearning',
      ],
      { reject: false },
    );
    if (vxlan.exitCode !== 0)
      await execa('ip', ['-n', node.netns, 'link', 'add', 'flannel.1', 'type', 'dummy']);
  }
}
