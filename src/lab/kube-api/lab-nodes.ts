// LAB ONLY: part of the Kubernetes API stand-in. Plays the kubelets of the virtual PicoCluster: one
// Node object per lab node, labelled and addressed as a kubeadm or k3s cluster would register it,
// Ready while the node runs (lab.json state), NotReady while it is powered off or partitioned.
import type { LabNodeState, LabState } from '../lab-state.js';
import { LAB_KUBERNETES_VERSION } from './discovery.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './object-store.js';

export function kubeArch(unameArch: string): string {
  return (
    { x86_64: 'amd64', aarch64: 'arm64', armv7l: 'arm', ppc64le: 'ppc64le', s390x: 's390x' }[unameArch] ??
    unameArch
  );
}

function condition(type: string, ok: boolean, reason: string, message: string, at: string): object {
  return {
    type,
    status: ok ? 'True' : 'False',
    reason,
    message,
    lastHeartbeatTime: at,
    lastTransitionTime: at,
  };
}

function nodeObject(n: LabNodeState, prev: KubeObject | undefined, kubeletVersion: string): KubeObject {
  const running = n.state === 'running';
  const prevReady = (
    (
      prev?.status as
        { conditions?: { type: string; status: string; lastTransitionTime?: string }[] } | undefined
    )?.conditions ?? []
  ).find((c) => c.type === 'Ready');
  const at =
    prevReady && (prevReady.status === 'True') === running
      ? (prevReady.lastTransitionTime ?? '')
      : new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const arch = kubeArch(n.arch);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels: {
        'beta.kubernetes.io/arch': arch,
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': arch,
        'kubernetes.io/hostname': n.name,
        'kubernetes.io/os': 'linux',
        ...(n.role === 'control-plane' ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
      annotations: { 'picocal.dev/lab-stand-in': 'Node object maintained by the lab API stand-in' },
    },
    spec: n.role === 'control-plane' ? { podCIDR: '', taints: [] } : {},
    status: {
      addresses: [
        { type: 'InternalIP', address: n.address },
        { type: 'Hostname', address: n.name },
      ],
      conditions: [
        condition(
          'MemoryPressure',
          false,
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
          at,
        ),
        condition('DiskPressure', false, 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', at),
        condition(
          'PIDPressure',
          false,
          'KubeletHasSufficientPID',
          'kubelet has sufficient PID available',
          at,
        ),
        running
          ? condition('Ready', true, 'KubeletReady', 'kubelet is posting ready status', at)
          : {
              ...(condition(
                'Ready',
                false,
                'NodeStatusUnknown',
                'Kubelet stopped posting node status.',
                at,
              ) as object),
              status: 'Unknown',
            },
      ],
      nodeInfo: {
        architecture: arch,
        operatingSystem: 'linux',
        osImage: 'picocal lab node (network namespace)',
        kernelVersion: 'lab',
        kubeletVersion,
        kubeProxyVersion: kubeletVersion,
        containerRuntimeVersion: 'lab://stand-in',
        machineID: '',
        systemUUID: '',
        bootID: '',
      },
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '4', memory: '8Gi', pods: '110' },
    },
  };
}

/** Creates or updates the Node objects so they match lab.json. */
export function syncNodes(api: KubeApi, state: LabState): void {
  const t = api.registry.find('', 'v1', 'nodes')!;
  for (const n of state.nodes) {
    const prev = api.store.get('/nodes', undefined, n.name);
    const want = nodeObject(n, prev, state.kubernetesVersion ?? LAB_KUBERNETES_VERSION);
    if (!prev) {
      const created = api.create(t, undefined, want, 'kubelet');
      api.update(t, undefined, n.name, { ...created, status: want.status }, 'status', 'kubelet');
    } else {
      api.update(
        t,
        undefined,
        n.name,
        {
          ...prev,
          metadata: { ...prev.metadata, labels: { ...prev.metadata.labels, ...want.metadata.labels } },
        },
        undefined,
        'kubelet',
      );
      api.update(
        t,
        undefined,
        n.name,
        { ...api.get(t, undefined, n.name), status: want.status },
        'status',
        'kubelet',
      );
    }
  }
}

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export function ensureDefaultNamespaces(api: KubeApi): void {
  const t = api.registry.find('', 'v1', 'namespaces')!;
  for (const name of DEFAULT_NAMESPACES) {
    if (!api.store.get('/namespaces', undefined, name))
      api.create(t, undefined, { metadata: { name } }, 'kube-apiserver');
  }
}
