// Everything the templates may use, computed once from the inventory and the version catalog. Templates
// only place values; every decision (which kinds, which fields) is made here where it can be tested.
import { releaseImages } from '../catalog/images.js';
import type { CalicoRelease } from '../catalog/versions.js';
import type { Inventory, InventoryHost } from '../inventory/types.js';

const AUTODETECT_FIELDS: Record<string, string> = {
  interface: 'interface',
  skip_interface: 'skipInterface',
  cidrs: 'cidrs',
  first_found: 'firstFound',
  can_reach: 'canReach',
  kubernetes: 'kubernetes',
};

export function clusterContext(inv: Inventory, release: CalicoRelease, picocalVersion: string) {
  const c = inv.cluster;
  const autodetection: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.node_address_autodetection)) {
    if (v !== undefined) autodetection[AUTODETECT_FIELDS[k] ?? k] = v;
  }
  const staged = c.policy.mode === 'staged';
  return {
    picocal: { version: picocalVersion },
    cluster: c,
    controlPlane: { name: inv.controlPlane.name, address: inv.controlPlane.address },
    release: {
      version: release.version,
      tag: release.tag,
      operatorVersion: release.operatorVersion,
      goldmaneAndWhisker: release.goldmaneAndWhisker,
      systemTier: release.systemTier,
      manifestSha256: Object.fromEntries(
        [release.crds, release.operator].flatMap((m) => (m ? [[m.name, m.sha256 ?? null]] : [])),
      ),
      calicoctlSha256: Object.fromEntries(
        (['arm64', 'amd64'] as const).map((a) => [a, release.calicoctl[a] ?? null]),
      ),
      // Pulled on every board before the operator or an upgrade needs them (calico_images role).
      images: releaseImages(release).map((i) => i.ref),
      manifests: {
        crds: release.crds?.name ?? null,
        operator: release.operator.name,
        custom_resources: release.customResources.name,
      },
    },
    installation: {
      bgp: c.bgp ? 'Enabled' : 'Disabled',
      linuxDataplane: c.dataplane,
      hasMtu: typeof c.mtu === 'number',
      mtu: typeof c.mtu === 'number' ? c.mtu : 0,
      mtuText: String(c.mtu),
      autodetection,
      bpf: c.dataplane === 'BPF',
      apiServerHost: inv.controlPlane.address,
      // k3s's ServiceLB (klipper-lb) pods exit unless ip_forward is 1 inside the pod, and Calico's CNI sets it
      // to 0 unless told otherwise (k3s-io/klipper-lb#6, projectcalico/calico#6732).
      containerIPForwarding: inv.cluster.kubernetes.flavour === 'k3s',
    },
    felix: { iptablesBackend: c.iptables_backend },
    policy: {
      staged,
      modeText: staged ? 'staged: reported, not enforced' : 'enforced',
      networkPolicyKind: staged ? 'StagedNetworkPolicy' : 'NetworkPolicy',
    },
  };
}

export type ClusterContext = ReturnType<typeof clusterContext>;

export function nodeContext(cluster: ClusterContext, host: InventoryHost) {
  const labelList = Object.keys(host.labels)
    .sort()
    .map((key) => ({ key, value: host.labels[key] ?? '' }));
  return {
    ...cluster,
    node: {
      name: host.name,
      role: host.role,
      address: host.address,
      cmdlinePath: host.cmdlinePath,
      boardText: host.board ?? 'unknown',
      hasLabels: labelList.length > 0,
      labelList,
    },
  };
}

export function namespaceContext(cluster: ClusterContext, namespace: string) {
  return { ...cluster, namespace };
}
