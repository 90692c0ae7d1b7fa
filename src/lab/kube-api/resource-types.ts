// LAB ONLY: part of the Kubernetes API stand-in (see server.ts). The resource types the stand-in
// serves: the built-in kinds Calico's manifests and picocal's checks use, plus one type per served
// version of every CustomResourceDefinition stored, as a real API server adds them to discovery.

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources: string[]; // 'status', 'scale'
  /** CRD printer columns, for `kubectl get` tables. */
  printerColumns?: PrinterColumn[];
  /** Where the objects are kept when another group stores them (an aggregated API over CRDs). */
  storageGroup?: string;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
}

export const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

type Builtin = [
  group: string,
  version: string,
  plural: string,
  kind: string,
  namespaced: boolean,
  short?: string[],
];

// Kinds in Calico's tigera-operator.yaml and custom resources, plus what a kubeadm/k3s cluster shows.
const BUILTINS: Builtin[] = [
  ['', 'v1', 'namespaces', 'Namespace', false, ['ns']],
  ['', 'v1', 'nodes', 'Node', false, ['no']],
  ['', 'v1', 'pods', 'Pod', true, ['po']],
  ['', 'v1', 'services', 'Service', true, ['svc']],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true, ['sa']],
  ['', 'v1', 'configmaps', 'ConfigMap', true, ['cm']],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'events', 'Event', true, ['ev']],
  ['', 'v1', 'endpoints', 'Endpoints', true, ['ep']],
  ['', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, ['pvc']],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true, ['quota']],
  ['', 'v1', 'limitranges', 'LimitRange', true, ['limits']],
  ['apps', 'v1', 'deployments', 'Deployment', true, ['deploy']],
  ['apps', 'v1', 'daemonsets', 'DaemonSet', true, ['ds']],
  ['apps', 'v1', 'replicasets', 'ReplicaSet', true, ['rs']],
  ['apps', 'v1', 'statefulsets', 'StatefulSet', true, ['sts']],
  ['apps', 'v1', 'controllerrevisions', 'ControllerRevision', true],
  ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true, ['cj']],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  [
    'apiextensions.k8s.io',
    'v1',
    'customresourcedefinitions',
    'CustomResourceDefinition',
    false,
    ['crd', 'crds'],
  ],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, ['pdb']],
  ['networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true, ['netpol']],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true, ['ing']],
  [
    'admissionregistration.k8s.io',
    'v1',
    'mutatingwebhookconfigurations',
    'MutatingWebhookConfiguration',
    false,
  ],
  [
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
    false,
  ],
  ['admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', false],
  [
    'admissionregistration.k8s.io',
    'v1',
    'validatingadmissionpolicybindings',
    'ValidatingAdmissionPolicyBinding',
    false,
  ],
  ['coordination.k8s.io', 'v1', 'leases', 'Lease', true],
  ['scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false, ['pc']],
  ['storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false, ['sc']],
  ['discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true],
  ['apiregistration.k8s.io', 'v1', 'apiservices', 'APIService', false],
  ['certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false, ['csr']],
];

const WITH_STATUS = new Set([
  'namespaces',
  'nodes',
  'pods',
  'services',
  'deployments',
  'daemonsets',
  'replicasets',
  'statefulsets',
  'jobs',
  'cronjobs',
  'customresourcedefinitions',
  'poddisruptionbudgets',
  'ingresses',
  'persistentvolumeclaims',
  'resourcequotas',
  'apiservices',
  'certificatesigningrequests',
  'validatingadmissionpolicies',
]);
const WITH_SCALE = new Set(['deployments', 'replicasets', 'statefulsets']);

export const BUILTIN_TYPES: ResourceType[] = BUILTINS.map(
  ([group, version, plural, kind, namespaced, short]) => ({
    group,
    version,
    plural,
    singular: kind.toLowerCase(),
    kind,
    namespaced,
    ...(short ? { shortNames: short } : {}),
    ...(['pods', 'deployments', 'daemonsets', 'services', 'replicasets', 'statefulsets'].includes(plural)
      ? { categories: ['all'] }
      : {}),
    subresources: [
      ...(WITH_STATUS.has(plural) ? ['status'] : []),
      ...(WITH_SCALE.has(plural) ? ['scale'] : []),
    ],
  }),
);

interface CrdVersion {
  name?: string;
  served?: boolean;
  storage?: boolean;
  subresources?: { status?: unknown; scale?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

export interface CrdLike {
  spec?: {
    group?: string;
    scope?: string;
    names?: {
      plural?: string;
      singular?: string;
      kind?: string;
      shortNames?: string[];
      categories?: string[];
    };
    versions?: CrdVersion[];
  };
}

/** The resource types a stored CRD adds: one per served version. */
export function typesFromCrd(crd: CrdLike): ResourceType[] {
  const spec = crd.spec;
  const names = spec?.names;
  if (!spec?.group || !names?.plural || !names.kind) return [];
  return (spec.versions ?? [])
    .filter((v) => v.served !== false && v.name)
    .map((v) => ({
      group: spec.group as string,
      version: v.name as string,
      plural: names.plural as string,
      singular: names.singular ?? names.kind!.toLowerCase(),
      kind: names.kind as string,
      namespaced: spec.scope !== 'Cluster',
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
      subresources: [
        ...(v.subresources?.status ? ['status'] : []),
        ...(v.subresources?.scale ? ['scale'] : []),
      ],
      ...(v.additionalPrinterColumns ? { printerColumns: v.additionalPrinterColumns } : {}),
    }));
}

export function groupVersion(t: Pick<ResourceType, 'group' | 'version'>): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** How the API server names a resource in messages: `pods`, `daemonsets.apps`. */
export function qualifiedResource(t: Pick<ResourceType, 'group' | 'plural'>): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}
