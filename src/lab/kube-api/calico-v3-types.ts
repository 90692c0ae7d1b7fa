// LAB ONLY: part of the Kubernetes API stand-in. The `projectcalico.org/v3` kinds the Calico API
// server (an aggregated API server the operator deploys for `APIServer default`) serves, as a small
// table: names, scope and short names as in Calico 3.32's own v3 types. The real API server keeps
// these objects in the `crd.projectcalico.org/v1` CRDs; so does the stand-in (`storageGroup`), so a
// FelixConfiguration written through either group is the same object.
import type { PrinterColumn, ResourceType } from './resource-types.js';

export const CALICO_V3_GROUP = 'projectcalico.org';
export const CALICO_V3_VERSION = 'v3';
export const CALICO_STORAGE_GROUP = 'crd.projectcalico.org';
/** The APIService the operator registers; the group is served while it is Available. */
export const CALICO_APISERVICE = `${CALICO_V3_VERSION}.${CALICO_V3_GROUP}`;

const tierOrder: PrinterColumn[] = [
  { name: 'Tier', type: 'string', jsonPath: '.spec.tier' },
  { name: 'Order', type: 'number', jsonPath: '.spec.order' },
];

type Row = [
  plural: string,
  kind: string,
  namespaced: boolean,
  shortNames?: string[],
  columns?: PrinterColumn[],
  subresources?: string[],
];

const KINDS: Row[] = [
  ['networkpolicies', 'NetworkPolicy', true, ['cnp', 'caliconetworkpolicy'], tierOrder],
  ['networksets', 'NetworkSet', true, []],
  ['stagednetworkpolicies', 'StagedNetworkPolicy', true, ['scnp', 'snp'], tierOrder],
  ['stagedkubernetesnetworkpolicies', 'StagedKubernetesNetworkPolicy', true, ['sknp']],
  ['globalnetworkpolicies', 'GlobalNetworkPolicy', false, ['gnp', 'cgnp'], tierOrder],
  ['stagedglobalnetworkpolicies', 'StagedGlobalNetworkPolicy', false, ['sgnp'], tierOrder],
  ['globalnetworksets', 'GlobalNetworkSet', false, ['gns']],
  [
    'tiers',
    'Tier',
    false,
    [],
    [
      { name: 'Order', type: 'integer', jsonPath: '.spec.order' },
      { name: 'DefaultAction', type: 'string', jsonPath: '.spec.defaultAction' },
    ],
  ],
  ['felixconfigurations', 'FelixConfiguration', false],
  ['bgpconfigurations', 'BGPConfiguration', false, ['bgpconfig', 'bgpconfigs']],
  ['bgppeers', 'BGPPeer', false],
  ['bgpfilters', 'BGPFilter', false],
  [
    'ippools',
    'IPPool',
    false,
    [],
    [
      { name: 'CIDR', type: 'string', jsonPath: '.spec.cidr' },
      { name: 'VXLAN', type: 'string', jsonPath: '.spec.vxlanMode' },
      { name: 'IPIP', type: 'string', jsonPath: '.spec.ipipMode' },
      { name: 'NAT', type: 'boolean', jsonPath: '.spec.natOutgoing' },
    ],
  ],
  ['ipreservations', 'IPReservation', false],
  ['ipamconfigurations', 'IPAMConfiguration', false, ['ipamconfig', 'ipamconfigs']],
  ['blockaffinities', 'BlockAffinity', false, ['affinity', 'affinities']],
  ['hostendpoints', 'HostEndpoint', false, ['hep', 'heps']],
  ['kubecontrollersconfigurations', 'KubeControllersConfiguration', false, ['kcc', 'kccs'], [], ['status']],
  ['clusterinformations', 'ClusterInformation', false, ['clusterinfo', 'clusterinfos']],
  ['caliconodestatuses', 'CalicoNodeStatus', false, [], [], ['status']],
];

export const CALICO_V3_TYPES: ResourceType[] = KINDS.map(
  ([plural, kind, namespaced, shortNames = [], columns = [], subresources = []]) => ({
    group: CALICO_V3_GROUP,
    version: CALICO_V3_VERSION,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    ...(shortNames.length > 0 ? { shortNames } : {}),
    subresources,
    ...(columns.length > 0 ? { printerColumns: columns } : {}),
    storageGroup: CALICO_STORAGE_GROUP,
  }),
);

const TIERED = new Set([
  'networkpolicies',
  'globalnetworkpolicies',
  'stagednetworkpolicies',
  'stagedglobalnetworkpolicies',
]);

/** The Calico API server's defaulting (the v3 schemas' defaults): policies land in tier `default`. */
export function calicoV3Defaults(plural: string, o: { spec?: Record<string, unknown> }): void {
  if (TIERED.has(plural)) {
    o.spec ??= {};
    if (!o.spec.tier) o.spec.tier = 'default';
    if (plural.startsWith('staged')) o.spec.stagedAction ??= 'Set';
  }
  if (plural === 'stagedkubernetesnetworkpolicies') {
    o.spec ??= {};
    o.spec.stagedAction ??= 'Set';
  }
  if (plural === 'tiers') {
    o.spec ??= {};
    o.spec.defaultAction ??= 'Deny';
  }
}
