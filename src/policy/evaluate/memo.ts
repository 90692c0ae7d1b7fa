// Selector results per pod never change during an evaluation: remember them in a typed array so a
// matrix of N×N pairs evaluates each selector at most N times. The array is made on first use: most
// compiled selectors of a large set are never asked (one query touches a few policies), and one array
// per selector up front was most of the memory of loading 14,000 policies.
import type { Cluster, Pod } from '../model/cluster.js';
import type { Peer } from '../model/flow.js';
import type { IpAddress } from '../../net/ip.js';

export function memoPerPod(podCount: number, fn: (pod: Pod) => boolean): (pod: Pod) => boolean {
  let cache: Int8Array | undefined;
  return (pod) => {
    if (pod.id >= podCount) return fn(pod);
    cache ??= new Int8Array(podCount);
    const c = cache[pod.id];
    if (c) return c === 1;
    const r = fn(pod);
    cache[pod.id] = r ? 1 : 2;
    return r;
  };
}

export type IpTest = (ip: IpAddress | undefined) => boolean;

/** Every address test compiled against a cluster: a pod's answers to them are all its address decides. */
const ipTests = new WeakMap<Cluster, IpTest[]>();

/**
 * An address test (CIDR containment) on a flow peer: pods have fixed addresses, so their answers are
 * remembered; outside addresses are tested each time. Every policy kind tests addresses only through
 * here, so the cluster's list of them (ipTestsOf) tells which pods their addresses set apart.
 */
export function memoIpTest(cluster: Cluster, fn: IpTest): (peer: Peer) => boolean {
  const list = ipTests.get(cluster) ?? [];
  if (!list.length) ipTests.set(cluster, list);
  list.push(fn);
  const perPod = memoPerPod(cluster.pods.length, (pod) => fn(pod.ip));
  return (peer) => (peer.kind === 'pod' ? perPod(peer.pod) : fn(peer.ip));
}

export function ipTestsOf(cluster: Cluster): readonly IpTest[] {
  return ipTests.get(cluster) ?? [];
}
