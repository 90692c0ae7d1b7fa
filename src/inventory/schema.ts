// The shape of picocal's inventory: a standard Ansible YAML inventory whose `all.vars.picocal` holds the
// cluster settings and whose host variables hold per-board overrides. Types are inferred from the schema.
import {
  bool,
  either,
  int,
  list,
  object,
  oneOf,
  optional,
  record,
  str,
  withDefault,
  type Infer,
} from '../schema/schema.js';

export const ENCAPSULATIONS = ['VXLAN', 'VXLANCrossSubnet', 'IPIP', 'IPIPCrossSubnet', 'None'] as const;
export const DATAPLANES = ['Iptables', 'Nftables', 'BPF'] as const;
export const ARCHES = ['aarch64', 'x86_64', 'armv7l', 'armv6l', 'armhf'] as const;

const dnsLabel = str({
  pattern: /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
  patternHint: 'use lowercase letters, digits and "-" (an RFC 1123 label), e.g. picocluster',
});

const autodetection = object({
  interface: optional(str()),
  skip_interface: optional(str()),
  cidrs: optional(list(str(), { minItems: 1 })),
  first_found: optional(bool()),
  can_reach: optional(str()),
  kubernetes: optional(oneOf(['NodeInternalIP'] as const)),
});

export const clusterSchema = object(
  {
    cluster_name: dnsLabel,
    calico_version: str(),
    kubernetes: object({
      flavour: oneOf(['k3s', 'kubeadm'] as const),
      kubeconfig: optional(str()),
      kubectl: withDefault(str(), 'kubectl'),
    }),
    pod_cidr: str(),
    block_size: withDefault(int({ min: 20, max: 32, hint: 'Calico IPv4 block sizes are 20..32 (default 26)' }), 26),
    service_cidr: str(),
    node_network: optional(str()),
    node_mtu: withDefault(int({ min: 576, max: 9216 }), 1500),
    encapsulation: withDefault(oneOf(ENCAPSULATIONS), 'VXLAN'),
    bgp: withDefault(bool(), false),
    dataplane: withDefault(oneOf(DATAPLANES), 'Iptables'),
    mtu: withDefault(
      either<'auto', number>(oneOf(['auto'] as const), int({ min: 576, max: 9216 }), (v) =>
        typeof v === 'number' ? 'b' : 'a',
      ),
      'auto',
    ),
    node_address_autodetection: withDefault(autodetection, { first_found: true }),
    iptables_backend: withDefault(oneOf(['Auto', 'Legacy', 'NFT'] as const), 'Auto'),
    policy: withDefault(
      object({
        mode: withDefault(oneOf(['staged', 'enforced'] as const), 'staged'),
        default_deny_namespaces: withDefault(list(dnsLabel), ['default']),
      }),
      { mode: 'staged', default_deny_namespaces: ['default'] },
    ),
    metrics: withDefault(
      object({
        enabled: withDefault(bool(), true),
        felix_port: withDefault(int({ min: 1, max: 65535 }), 9091),
      }),
      { enabled: true, felix_port: 9091 },
    ),
    max_unavailable: withDefault(int({ min: 1, max: 100 }), 1),
    artifacts_dir: optional(str()),
    lab: withDefault(object({ enabled: withDefault(bool(), false) }), { enabled: false }),
  },
  { describeUnknown: 'picocal settings' },
);

export type ClusterSettings = Infer<typeof clusterSchema>;

/** Variables a host or group may set. Other `ansible_*` variables pass through to Ansible untouched, and so
 *  do the roles' `calico_*` settings, checked against their argument specs (role-inputs.ts). */
const connectionVars = {
  ansible_user: optional(str()),
  ansible_port: optional(int({ min: 1, max: 65535 })),
  ansible_ssh_private_key_file: optional(str()),
  picocal_known_hosts: optional(str()),
  picocal_jump_host: optional(str()),
  picocal_board: optional(str()),
  picocal_arch: optional(oneOf(ARCHES)),
  picocal_cmdline_path: optional(str()),
  picocal_labels: optional(record(str({ nonEmpty: false }))),
};

export const hostVarsSchema = object(
  { ansible_host: str(), ...connectionVars },
  { passthrough: /^(ansible|calico)_/, describeUnknown: 'host variables' },
);
export type HostVars = Infer<typeof hostVarsSchema>;

export const groupVarsSchema = object(connectionVars, {
  passthrough: /^(ansible|calico)_/,
  describeUnknown: 'group variables',
});
export type GroupVars = Infer<typeof groupVarsSchema>;
