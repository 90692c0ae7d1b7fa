// LAB ONLY: part of the Kubernetes API stand-in. Plays the kubelets for the pods a user creates on a lab
// board (spec.nodeName names it): the lab runs no containers, and such a pod shares its board's network
// namespace (`kubectl exec` runs there, see exec.ts), so it gets what a kubelet reports for a hostNetwork
// pod (https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/): phase Running, hostIP and podIP
// the board's address, PodScheduled/Initialized/ContainersReady/Ready conditions (Ready only while the
// board runs), and one running container status per container. Pods the operator stand-in manages (it
// reports their status itself) and pods with no node (no scheduler in the lab: they stay Pending, as on a
// cluster whose scheduler is down) are left alone.
import { isDeepStrictEqual } from 'node:util';
import type { LabState } from '../lab-state.js';
import type { KubeApi } from './kube-api.js';
import type { KubeObject } from './object-store.js';

export const LAB_KUBELET = 'lab-kubelet';
const OPERATOR_MANAGER = 'tigera-operator';

interface PodDoc {
  metadata: KubeObject['metadata'];
  spec?: { nodeName?: string; containers?: { name: string; image?: string }[] };
  status?: {
    startTime?: string;
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
}

function managedByOperator(p: PodDoc): boolean {
  const fields = (p.metadata.managedFields ?? []) as { manager?: string }[];
  return fields.some((f) => f.manager === OPERATOR_MANAGER);
}

function podStatus(p: PodDoc, address: string, running: boolean, now: string): Record<string, unknown> {
  const startTime = p.status?.startTime ?? now;
  const since = (type: string, ok: boolean) => {
    const prev = p.status?.conditions?.find((c) => c.type === type);
    return prev && (prev.status === 'True') === ok ? (prev.lastTransitionTime ?? now) : now;
  };
  const cond = (type: string, ok: boolean) => ({
    type,
    status: ok ? 'True' : 'False',
    lastProbeTime: null,
    lastTransitionTime: since(type, ok),
  });
  return {
    phase: 'Running',
    hostIP: address,
    hostIPs: [{ ip: address }],
    podIP: address,
    podIPs: [{ ip: address }],
    startTime,
    qosClass: 'BestEffort',
    conditions: [
      cond('PodScheduled', true),
      cond('Initialized', true),
      cond('ContainersReady', running),
      cond('Ready', running),
    ],
    containerStatuses: (p.spec?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: `${c.image ?? ''}@sha256:lab`,
      containerID: `lab://${p.metadata.namespace ?? ''}/${p.metadata.name ?? ''}/${c.name}`,
      ready: running,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: startTime } },
    })),
  };
}

/** Reports the status of every user pod bound to a lab board; returns how many it changed. */
export function syncPods(api: KubeApi, state: LabState): number {
  const t = api.registry.find('', 'v1', 'pods');
  if (!t) return 0;
  const nodes = new Map(state.nodes.map((n) => [n.name, n]));
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  let changed = 0;
  for (const obj of api.store.list('/pods')) {
    const p = obj as unknown as PodDoc;
    const node = p.spec?.nodeName ? nodes.get(p.spec.nodeName) : undefined;
    if (!node || managedByOperator(p)) continue;
    const status = podStatus(p, node.address, node.state === 'running', now);
    if (isDeepStrictEqual(obj.status, status)) continue;
    api.update(
      t,
      obj.metadata.namespace,
      obj.metadata.name ?? '',
      { ...obj, status } as KubeObject,
      'status',
      LAB_KUBELET,
    );
    changed++;
  }
  return changed;
}
