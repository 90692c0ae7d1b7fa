// The files a lab hands to its users: picocal inventory, ansible.cfg, known_hosts and the control-plane
// kubeconfig. Every value here is derived from a validated lab name, so plain templates are safe; strings
// still go out JSON-quoted (valid YAML). LAB ONLY.
import { LAB_POD_CIDR } from './k3s-flavour.js';
import type { LabNodeState } from './lab-state.js';

export const LAB_CALICO_VERSION = '3.32.1';

export interface InventoryInput {
  name: string;
  subnet: string;
  privateKey: string;
  knownHosts: string;
  /** Login user (root, or a user with passwordless sudo: Ansible then uses become). */
  user: string;
  nodes: readonly Pick<LabNodeState, 'name' | 'address' | 'role'>[];
}

const q = (s: string) => JSON.stringify(s);

export function renderInventory(input: InventoryInput): string {
  const hosts = (role: LabNodeState['role']) =>
    input.nodes
      .filter((n) => n.role === role)
      .map((n) => `        ${n.name}: { ansible_host: ${n.address} }`)
      .join('\n');
  return `# picocal inventory for the virtual PicoCluster '${input.name}' (written by \`picocal lab up\`; LAB ONLY).
all:
  vars:
    picocal:
      cluster_name: ${q(input.name)}
      calico_version: ${q(LAB_CALICO_VERSION)}
      kubernetes: { flavour: k3s, kubeconfig: /etc/rancher/k3s/k3s.yaml }
      pod_cidr: ${LAB_POD_CIDR}
      block_size: 26
      service_cidr: 10.43.0.0/16
      encapsulation: VXLAN
      bgp: false
      dataplane: Iptables
      mtu: auto
      node_address_autodetection: { cidrs: [${q(input.subnet)}] }
      policy: { mode: staged, default_deny_namespaces: [default] }
      metrics: { enabled: true }
      # The virtual PicoCluster (LAB ONLY): picocal may use its stand-in release files.
      lab: { enabled: true }
    ansible_user: ${q(input.user)}
    ansible_ssh_private_key_file: ${q(input.privateKey)}
    ansible_port: 22
    picocal_known_hosts: ${q(input.knownHosts)}
  children:
    control_plane:
      hosts:
${hosts('control-plane')}
    workers:
      hosts:
${hosts('worker') || '        {}'}
`.replace('      hosts:\n        {}\n', '      hosts: {}\n');
}

export interface AnsibleCfgInput {
  user: string;
  inventory: string;
  privateKey: string;
  knownHosts: string;
  controlPathDir: string;
  forks: number;
}

/** Ansible ignores an ansible.cfg in a world-writable directory: callers point ANSIBLE_CONFIG at this file. */
export function renderAnsibleCfg(input: AnsibleCfgInput): string {
  const sshArgs = [
    '-o ControlMaster=auto',
    '-o ControlPersist=60s',
    // Without keepalives a node whose link goes down mid-task hangs the run forever; with them it fails in ~6 s.
    '-o ServerAliveInterval=2',
    '-o ServerAliveCountMax=3',
    '-o StrictHostKeyChecking=yes',
    `-o UserKnownHostsFile=${input.knownHosts}`,
    '-o IdentitiesOnly=yes',
  ].join(' ');
  return `# ansible.cfg for a picocal lab (LAB ONLY). Use it with ANSIBLE_CONFIG=<this file>.
[defaults]
inventory = ${input.inventory}
remote_user = ${input.user}
private_key_file = ${input.privateKey}
host_key_checking = True
interpreter_python = /usr/bin/python3
forks = ${input.forks}
timeout = 10

[ssh_connection]
pipelining = True
ssh_args = ${sshArgs}
control_path_dir = ${input.controlPathDir}
control_path = %(directory)s/%%C
`;
}

export function renderKnownHosts(
  nodes: readonly { name: string; address: string; hostKey: string }[],
): string {
  return nodes.map((n) => `${n.address},${n.name} ${n.hostKey}\n`).join('');
}

/** What k3s writes to /etc/rancher/k3s/k3s.yaml, pointing at the lab's Kubernetes API stand-in. */
export function renderKubeconfig(name: string, serverUrl: string): string {
  return `# picocal lab kubeconfig (LAB ONLY): the API server is picocal's Kubernetes API stand-in.
apiVersion: v1
kind: Config
clusters:
  - name: ${q(name)}
    cluster:
      server: ${q(serverUrl)}
contexts:
  - name: ${q(name)}
    context:
      cluster: ${q(name)}
      user: ${q(name)}
current-context: ${q(name)}
users:
  - name: ${q(name)}
    user: {}
`;
}
