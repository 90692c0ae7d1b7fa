// Selector results per pod never change during an evaluation: remember them in a typed array so a
// matrix of N×N pairs evaluates each selector at most N times. The array is made on first use: most
// compiled selectors of a large set are never asked (one query touches a few policies), and one array
// per selector up front was most of the memory of loading 14,000 policies.
import type { Pod } from '../model/cluster.js';
import type { Peer } from '../model/flow.js';
import type { IpAddress } from '../net/ip.js';

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

/**
 * An address test (CIDR containment) on a flow peer: pods have fixed addresses, so their answers are
 * remembered; outside addresses are tested each time.
 */
export function memoIpTest(
  podCount: number,
  fn: (ip: IpAddress | undefined) => boolean,
): (peer: Peer) => boolean {
  const perPod = memoPerPod(podCount, (pod) => fn(pod.ip));
  return (peer) => (peer.kind === 'pod' ? perPod(peer.pod) : fn(peer.ip));
}
