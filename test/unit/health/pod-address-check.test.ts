// verify's pod-addresses check: pods still on another CNI (addresses outside Calico's pool) are named.
import { describe, expect, it } from 'vitest';
import { podAddressCheck, podsOutsidePools } from '../../../src/health/pod-address-check.js';

const pod = (
  name: string,
  ip: string | undefined,
  extra: { hostNetwork?: boolean; phase?: string } = {},
) => ({
  metadata: { name, namespace: 'kube-system' },
  spec: { nodeName: 'pc-node2', ...(extra.hostNetwork ? { hostNetwork: true } : {}) },
  status: { phase: extra.phase ?? 'Running', ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}) },
});

describe('podsOutsidePools', () => {
  it.each([
    ['a pod on the pool', [pod('a', '10.42.7.3')], []],
    ['a flannel address outside a 192.168/16 pool', [pod('coredns', '10.42.0.4')], ['kube-system/coredns']],
    [
      'host-network pods are not pool pods',
      [pod('calico-node-x', '192.168.50.12', { hostNetwork: true })],
      [],
    ],
    ['no address yet', [pod('p', undefined, { phase: 'Pending' })], []],
    ['finished pods are ignored', [pod('job', '10.42.0.9', { phase: 'Succeeded' })], []],
    ['IPv6-only addresses are not judged', [pod('v6', 'fd00::5')], []],
  ])('%s', (_t, items, names) => {
    const pools = _t.includes('192.168') ? ['192.168.0.0/16'] : ['10.42.0.0/16'];
    expect(podsOutsidePools(JSON.stringify({ items }), pools).map((o) => o.pod)).toEqual(names);
  });
});

describe('podAddressCheck', () => {
  it('names the pods, their boards and addresses, and what to do', () => {
    const c = podAddressCheck(JSON.stringify({ items: [pod('coredns', '10.42.0.4')] }), ['192.168.0.0/16']);
    expect(c.ok).toBe(false);
    expect(c.detail).toMatch(
      /^1 pod\(s\) not on Calico's network \(address outside 192\.168\.0\.0\/16\): kube-system\/coredns on pc-node2 \(10\.42\.0\.4\)/,
    );
    expect(c.detail).toMatch(/Preparing your cluster/);
  });
  it('passes when every pod is in a pool', () => {
    expect(podAddressCheck(JSON.stringify({ items: [] }), ['10.42.0.0/16']).ok).toBe(true);
  });
});
