import { describe, expect, it } from 'vitest';
import {
  imageTag,
  installationCheck,
  installationVersion,
  parsePods,
  podChecks,
  podFor,
  tigeraStatusCheck,
} from '../../../src/health/cluster-checks.js';
import { failingComponents, felixCheck } from '../../../src/health/felix-report.js';
import { bgpCheck, kernelAtLeast, parseIpLinks, tunnelLinkFor } from '../../../src/health/node-checks.js';

const FELIX_503 = `+------------------+---------+----------------+---------------------+-----------------------------+
|    COMPONENT     | TIMEOUT |    LIVENESS    |      READINESS      |           DETAIL            |
+------------------+---------+----------------+---------------------+-----------------------------+
| async_calc_graph | 20s     | reporting live | reporting ready     |                             |
| felix-startup    | 0s      | reporting live | reporting non-ready | dataplane not in sync       |
| int_dataplane    | 1m30s   | reporting live | reporting non-ready |                             |
+------------------+---------+----------------+---------------------+-----------------------------+
`;

describe('Felix health', () => {
  it('names the components that report non-ready, with their detail', () => {
    expect(failingComponents(FELIX_503, 'READINESS')).toEqual([
      'felix-startup: dataplane not in sync',
      'int_dataplane',
    ]);
    expect(failingComponents(FELIX_503, 'LIVENESS')).toEqual([]);
    expect(failingComponents('not a table', 'READINESS')).toEqual([]);
  });

  it.each([
    [{ tool: 'curl', status: 200, body: '' }, true, '200 from 127.0.0.1:9099/readiness'],
    [{ tool: 'wget', status: 204, body: '' }, true, '204 from 127.0.0.1:9099/readiness'],
    [
      { tool: 'curl', status: 503, body: FELIX_503 },
      false,
      'not ready (503) [felix-startup: dataplane not in sync, int_dataplane]',
    ],
    [
      { tool: 'curl', status: 0, body: '' },
      false,
      'no answer on 127.0.0.1:9099/readiness (calico-node not running?)',
    ],
    [
      { tool: 'none', status: 0, body: '' },
      false,
      'cannot query 127.0.0.1:9099/readiness: the node has none of curl, wget, python3',
    ],
    [undefined, false, 'probe did not run'],
  ])('readiness %j → ok %s', (probe, ok, detail) => {
    expect(felixCheck('readiness', probe, 9099)).toEqual({ name: 'felix-readiness', ok, detail });
  });
});

describe('node facts', () => {
  it('reads interface names and flags from ip -o link show, peers included', () => {
    const text = [
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT\\    link/loopback 00:00',
      '5: vxlan.calico: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450 qdisc noqueue state UNKNOWN',
      '6: tunl0@NONE: <NOARP> mtu 1480 qdisc noop state DOWN',
      '7: cali1234@if3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1450',
    ].join('\n');
    const links = parseIpLinks(text);
    expect([...links.keys()]).toEqual(['lo', 'vxlan.calico', 'tunl0', 'cali1234']);
    expect(links.get('vxlan.calico')).toContain('UP');
    expect(links.get('tunl0')).toEqual(['NOARP']);
  });

  it.each([
    ['VXLAN', 'vxlan.calico'],
    ['VXLANCrossSubnet', 'vxlan.calico'],
    ['IPIP', 'tunl0'],
    ['IPIPCrossSubnet', 'tunl0'],
    ['None', undefined],
  ])('encapsulation %s needs link %s', (enc, link) => {
    expect(tunnelLinkFor(enc)).toBe(link);
  });

  it.each([
    ['6.6.31+rpt-rpi-v8', true],
    ['5.10.0-21-arm64', true],
    ['5.15.0', true],
    ['5.4.0-1069-raspi', false],
    ['4.19.66-v7+', false],
    ['garbage', false],
  ])('kernel %s is at least 5.10: %s', (release, ok) => {
    expect(kernelAtLeast(release, [5, 10])).toBe(ok);
  });
});

const NODE_STATUS = `Calico process is running.

IPv4 BGP status
+--------------+-------------------+-------+----------+-------------+
| PEER ADDRESS |     PEER TYPE     | STATE |  SINCE   |    INFO     |
+--------------+-------------------+-------+----------+-------------+
| 10.0.0.2     | node-to-node mesh | up    | 09:00:00 | Established |
| 10.0.0.3     | node-to-node mesh | start | 09:00:01 | Connect     |
+--------------+-------------------+-------+----------+-------------+

IPv6 BGP status
No IPv6 peers found.
`;

describe('BGP peers', () => {
  it.each([
    [
      'all peers Established',
      {
        code: 0,
        text: NODE_STATUS.replace('start | 09:00:01 | Connect    ', 'up    | 09:00:01 | Established'),
      },
      3,
      true,
      '2 BGP peers Established',
    ],
    [
      'a peer stuck in Connect',
      { code: 0, text: NODE_STATUS },
      3,
      false,
      '1/2 BGP peers Established; not: 10.0.0.3 (Connect)',
    ],
    [
      'no peers in a 3-node cluster',
      { code: 0, text: 'Calico process is running.\n\nIPv4 BGP status\nNo IPv4 peers found.\n' },
      3,
      false,
      'no BGP peers',
    ],
    [
      'no peers on a single node',
      { code: 0, text: 'Calico process is running.\n' },
      1,
      true,
      '0 BGP peers Established',
    ],
    [
      'Calico not running',
      { code: 0, text: 'Calico process is not running.\n' },
      3,
      false,
      'calicoctl node status: Calico process is not running',
    ],
    [
      'calicoctl missing',
      { code: 127, text: 'timeout: failed to run command calicoctl: No such file or directory' },
      3,
      false,
      'calicoctl node status failed (calicoctl not installed?): timeout: failed to run command calicoctl: No such file or directory',
    ],
  ])('%s', (_t, bgp, size, ok, detail) => {
    expect(bgpCheck(bgp, size)).toEqual({ name: 'bgp-peers', ok, detail });
  });
});

const pod = (node: string, image: string, ready: boolean, waiting?: string) => ({
  metadata: { name: `calico-node-${node}` },
  spec: { nodeName: node, containers: [{ name: 'calico-node', image }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [
      { name: 'calico-node', ready, state: waiting ? { waiting: { reason: waiting } } : { running: {} } },
    ],
  },
});

describe('cluster side', () => {
  it.each([
    ['docker.io/calico/node:v3.32.1', 'v3.32.1'],
    ['quay.io/calico/node:v3.32.1@sha256:abc', 'v3.32.1'],
    ['registry.lan:5000/calico/node:v3.31.7', 'v3.31.7'],
    ['registry.lan:5000/calico/node', null],
  ])('image %s has tag %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });

  const pods = parsePods(
    JSON.stringify({
      items: [
        pod('pc-node1', 'quay.io/calico/node:v3.32.1', true),
        pod('pc-node2', 'quay.io/calico/node:v3.31.7', true),
        pod('pc-node3', 'quay.io/calico/node:v3.32.1', false, 'CrashLoopBackOff'),
        pod('pi-4.lan', 'quay.io/calico/node:v3.32.1', true),
      ],
    }),
  );

  it.each([
    ['pc-node1', null, 'Ready', [true, true], 'calico-node-pc-node1 Ready'],
    ['pc-node2', null, 'Ready', [true, false], 'calico-node-pc-node2 Ready'],
    ['pc-node3', null, 'NotReady', [false, true], 'calico-node-pc-node3 not Ready (CrashLoopBackOff)'],
    ['pc-node4', 'pi-4', 'Ready', [true, true], 'calico-node-pi-4.lan Ready'],
    ['pc-node5', null, 'missing', [false], 'no calico-node pod scheduled on pc-node5'],
  ])('node %s (hostname %s): pod %s', (node, hostname, state, oks, first) => {
    const found = podFor(pods, [node, hostname ? `${hostname}.lan` : null]);
    const r = podChecks(found, 'v3.32.1', node);
    expect(r.state).toBe(state);
    expect(r.checks.map((c) => c.ok)).toEqual(oks);
    expect(r.checks[0]?.detail).toBe(first);
  });

  it('names the version a pod runs when it is not the expected one', () => {
    const r = podChecks(podFor(pods, ['pc-node2']), 'v3.32.1', 'pc-node2');
    expect(r.checks[1]?.detail).toBe('calico-node-pc-node2 runs v3.31.7, expected v3.32.1');
  });

  it('refuses kubectl output that is not JSON, quoting its first line', () => {
    expect(() => parsePods('error: You must be logged in to the server (Unauthorized)\n')).toThrow(
      /Unauthorized/,
    );
  });

  const ts = (conds: [string, string, string?][]) =>
    JSON.stringify({
      status: { conditions: conds.map(([type, status, message]) => ({ type, status, message })) },
    });
  it.each([
    [
      ts([
        ['Available', 'True'],
        ['Progressing', 'False'],
        ['Degraded', 'False'],
      ]),
      true,
      'Available',
    ],
    [
      ts([
        ['Available', 'False', 'awaiting 1 pods: pc-node3'],
        ['Degraded', 'False'],
      ]),
      false,
      'not Available: awaiting 1 pods: pc-node3',
    ],
    [
      ts([
        ['Available', 'True'],
        ['Degraded', 'True', 'crash looping'],
      ]),
      false,
      'Available, Degraded: crash looping',
    ],
    [ts([]), false, 'not Available'],
  ])('tigerastatus %s → %s', (text, ok, detail) => {
    expect(tigeraStatusCheck(text)).toEqual({ name: 'tigerastatus-calico', ok, detail });
  });

  it.each([
    ['{"status":{"calicoVersion":"v3.32.1"}}', 'v3.32.1', true],
    ['{"status":{"calicoVersion":"3.32.1"}}', '3.32.1', true],
    ['{"status":{"calicoVersion":"v3.31.7"}}', 'v3.31.7', false],
    ['{"status":{}}', null, false],
  ])('installation %s → version %s ok %s', (text, version, ok) => {
    const v = installationVersion(text);
    expect(v).toBe(version);
    expect(installationCheck(v, 'v3.32.1').ok).toBe(ok);
  });
});
