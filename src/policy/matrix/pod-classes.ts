// Pods that no policy can tell apart get the same verdicts: replicas of one workload share their
// namespace, labels, service account and ports, and differ only by address. Everything a compiled
// policy asks of a pod is one of those, its address family, or an address test (all of which go
// through memoIpTest, so the cluster lists them). The matrix evaluates one pair per pair of classes.
import type { Cluster, Pod } from '../model/cluster.js';
import { ipTestsOf } from '../evaluate/memo.js';

export interface PodClasses {
  /** classOf[i]: the class of pods[i]. */
  classOf: Int32Array;
  /** Per class, the indices (into pods) of its first two members (one when it has one). */
  members: number[][];
}

function identity(pod: Pod): string {
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => [k, pod.labels[k]]);
  return JSON.stringify([pod.namespace, pod.serviceAccount, labels, pod.ports, pod.ip?.version ?? 0]);
}

export function podClasses(cluster: Cluster, pods: readonly Pod[]): PodClasses {
  const byIdentity = new Map<string, number[]>();
  pods.forEach((pod, i) => {
    const key = identity(pod);
    const group = byIdentity.get(key);
    if (group) group.push(i);
    else byIdentity.set(key, [i]);
  });
  // Split each group by every address test; a group of one needs no more tests.
  let open = [...byIdentity.values()];
  const done: number[][] = [];
  for (const test of ipTestsOf(cluster)) {
    const next: number[][] = [];
    for (const group of open) {
      if (group.length < 2) {
        done.push(group);
        continue;
      }
      const yes: number[] = [];
      const no: number[] = [];
      for (const i of group) (test((pods[i] as Pod).ip) ? yes : no).push(i);
      if (yes.length) next.push(yes);
      if (no.length) next.push(no);
    }
    open = next;
    if (!open.length) break;
  }
  done.push(...open);
  const classOf = new Int32Array(pods.length);
  const members: number[][] = [];
  for (const group of done.sort((a, b) => (a[0] as number) - (b[0] as number))) {
    for (const i of group) classOf[i] = members.length;
    members.push(group.slice(0, 2));
  }
  return { classOf, members };
}
