import { describe, expect, it } from 'vitest';
import { mapToPods, podAddresses } from '../../../src/observe/denied/map-pods.js';
import { parseDeniedLine, parseDeniedLines } from '../../../src/observe/denied/parse.js';
import type { NodeLog } from '../../../src/observe/denied/collect.js';
import { deniedJson, deniedText, unreadLines } from '../../../src/observe/denied/render.js';
import { loadPolicySet } from '../../../src/policy/load/policy-set.js';
import { collectFiles, objectsFromText, readObjects } from '../../../src/policy/load/read-objects.js';

// netfilter LOG lines as the kernel prints them (nf_log_syslog), in the wrappers nodes have.
const TCP =
  'calico-packet: IN=cali1a2b3c4d5e6 OUT=vxlan.calico MAC=ee:ee:ee:ee:ee:ee:5a:1b:2c:3d:4e:5f:08:00 SRC=10.42.1.5 DST=10.42.3.9 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=47011 DF PROTO=TCP SPT=51234 DPT=5432 WINDOW=64860 RES=0x00 SYN URGP=0';

describe('parsing calico-packet kernel log lines', () => {
  it.each([
    ['journalctl -k (short)', `Nov 25 10:01:02 pc-node2 kernel: ${TCP}`, 'Nov 25 10:01:02', 'pc-node2'],
    [
      'kern.log with printk time',
      `Nov  5 10:01:02 pc-node2 kernel: [12345.678901] ${TCP}`,
      'Nov  5 10:01:02',
      'pc-node2',
    ],
    [
      'rsyslog RFC 3339',
      `2025-11-25T10:01:02.123456+00:00 pc-node2 kernel: [ 1234.5] ${TCP}`,
      '2025-11-25T10:01:02.123456+00:00',
      'pc-node2',
    ],
    [
      'journalctl -o short-iso',
      `2025-11-25T10:01:02+0000 pc-node2 kernel: ${TCP}`,
      '2025-11-25T10:01:02+0000',
      'pc-node2',
    ],
    ['bare dmesg', `[12345.678901] ${TCP}`, undefined, undefined],
  ])('reads %s', (_, line, time, host) => {
    expect(parseDeniedLine(line, undefined)).toEqual({
      time,
      node: host,
      prefix: '',
      inInterface: 'cali1a2b3c4d5e6',
      outInterface: 'vxlan.calico',
      src: '10.42.1.5',
      dst: '10.42.3.9',
      protocol: 'TCP',
      srcPort: 51234,
      dstPort: 5432,
      icmpType: undefined,
      icmpCode: undefined,
      line: 1,
    });
  });

  it.each([
    [
      'UDP, packet from the host (no IN)',
      'calico-packet: IN= OUT=cali99 SRC=192.168.50.11 DST=10.42.0.4 LEN=72 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=UDP SPT=40000 DPT=53 LEN=52',
      { protocol: 'UDP', inInterface: undefined, outInterface: 'cali99', srcPort: 40000, dstPort: 53 },
    ],
    [
      'ICMP echo: type and code, no ports, the IP ID kept over the ICMP one',
      'calico-packet: IN=cali1 OUT=eth0 SRC=10.42.1.5 DST=203.0.113.10 LEN=84 TOS=0x00 PREC=0x00 TTL=63 ID=555 DF PROTO=ICMP TYPE=8 CODE=0 ID=7 SEQ=1',
      { protocol: 'ICMP', icmpType: 8, icmpCode: 0, srcPort: undefined, dstPort: undefined },
    ],
    [
      'IPv6 TCP',
      'calico-packet: IN=cali2 OUT=eth0 SRC=fd00:10:42::5 DST=fd00:10:42::9 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=12345 PROTO=TCP SPT=41000 DPT=8080 WINDOW=64800 RES=0x00 SYN URGP=0',
      { src: 'fd00:10:42::5', dst: 'fd00:10:42::9', dstPort: 8080 },
    ],
    [
      'a logPrefix that names the policy (Felix %k/%n placeholders)',
      'calico-packet-gnp-default-deny: IN=cali3 OUT=eth0 SRC=10.42.1.5 DST=10.42.3.9 PROTO=TCP SPT=1 DPT=2',
      { prefix: '-gnp-default-deny', dstPort: 2 },
    ],
  ])('reads %s', (_, line, expected) => {
    expect(parseDeniedLine(line, 'pc-node1')).toMatchObject({ node: 'pc-node1', ...expected });
  });

  it.each([
    ['a kernel line of something else', 'Nov 25 10:01:02 pc-node2 kernel: eth0: link up'],
    ['a calico-packet line without addresses', 'Nov 25 10:01:02 pc-node2 kernel: calico-packet: truncated'],
    ['a line without PROTO', 'calico-packet: IN=a OUT=b SRC=10.0.0.1 DST=10.0.0.2'],
  ])('skips %s', (_, line) => {
    expect(parseDeniedLine(line, undefined)).toBeUndefined();
  });

  it('keeps the collecting node over the syslog host, and the line numbers of the log', () => {
    const text = `Nov 25 10:00:00 pc-node2 kernel: eth0: link up\nNov 25 10:01:02 pi-2 kernel: ${TCP}\n`;
    expect(parseDeniedLines(text, 'pc-node2')).toMatchObject([{ node: 'pc-node2', line: 2 }]);
  });
});

describe('mapping denied packets to pods', () => {
  const cluster = loadPolicySet(['examples/policies/cluster.yaml'], process.cwd()).cluster;
  const entries = parseDeniedLines(
    [
      `Nov 25 10:01:02 pc-node3 kernel: ${TCP}`,
      'Nov 25 10:01:03 pc-node1 kernel: calico-packet: IN=eth0 OUT=cali1 SRC=203.0.113.10 DST=10.42.2.7 PROTO=TCP SPT=443 DPT=8080',
    ].join('\n'),
  );

  it('names the pods of logged addresses, and leaves addresses outside the cluster bare', () => {
    expect(mapToPods(entries, cluster).map((e) => [e.srcPod, e.dstPod])).toEqual([
      ['frontend/web-6b7f9c8d5-2lx9p', 'database/postgres-0'],
      [undefined, 'backend/api-7d4b8f6c9-k2v8n'],
    ]);
  });

  it('maps every address of a dual-stack pod, however the IPv6 address is written', () => {
    const objects = objectsFromText(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {nodeName: pc-node1}\nstatus:\n  podIP: 10.42.1.5\n  podIPs: [{ip: 10.42.1.5}, {ip: "fd00:10:42::5"}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: kube-proxy-x, namespace: kube-system}\nspec: {hostNetwork: true}\nstatus: {podIP: 192.168.50.11}\n`,
      'pods.yaml',
    );
    const addresses = podAddresses(objects);
    expect(addresses.map((a) => a.ip)).toEqual(['10.42.1.5', 'fd00:10:42::5']);
    const [v6] = parseDeniedLines(
      'calico-packet: IN=a OUT=b SRC=fd00:10:42:0::0005 DST=192.168.50.11 PROTO=UDP SPT=1 DPT=53',
    );
    expect(mapToPods(v6 ? [v6] : [], addresses)).toMatchObject([{ srcPod: 'shop/web', dstPod: undefined }]);
  });

  it('reads raw pods from the same snapshot file as the cluster model', () => {
    const addresses = podAddresses(
      readObjects(collectFiles(['examples/policies/cluster.yaml'], process.cwd()), process.cwd()),
    );
    expect(addresses).toContainEqual({
      namespace: 'database',
      name: 'postgres-0',
      ip: '10.42.3.9',
      node: 'pc-node3',
    });
  });

  it('renders a table and JSON', () => {
    const mapped = mapToPods(entries, cluster);
    expect(deniedText(mapped)).toEqual([
      'TIME              NODE       SOURCE                                           DESTINATION                                    PROTO   IN                OUT',
      'Nov 25 10:01:02   pc-node3   frontend/web-6b7f9c8d5-2lx9p (10.42.1.5:51234)   database/postgres-0 (10.42.3.9:5432)           TCP     cali1a2b3c4d5e6   vxlan.calico',
      'Nov 25 10:01:03   pc-node1   203.0.113.10:443                                 backend/api-7d4b8f6c9-k2v8n (10.42.2.7:8080)   TCP     eth0              cali1',
    ]);
    expect(deniedJson(mapped).packets[1]).toMatchObject({
      srcPod: null,
      dstPod: 'backend/api-7d4b8f6c9-k2v8n',
      dstPort: 8080,
    });
    expect(deniedText([])).toEqual(['no denied packets logged']);
  });

  const NO_LOG = 'no journal and no /var/log/kern.log or /var/log/messages';
  const HINT = 'the board keeps no kernel log: enable journald or rsyslog';
  const ok = (name: string): NodeLog => ({ name, reachable: true, source: 'journalctl' });
  const noLog = (name: string): NodeLog => ({
    name,
    reachable: true,
    source: 'none',
    error: NO_LOG,
    hint: HINT,
  });
  const down = (name: string): NodeLog => ({ name, reachable: false, source: null, error: 'timed out' });

  it.each<[string, NodeLog[], string[], string[]]>([
    ['every board read', [ok('n1'), ok('n2')], ['no denied packets logged on n1, n2'], []],
    [
      'some boards read',
      [ok('n1'), noLog('n2'), down('n3')],
      ['no denied packets logged on n1 (not read: n2, n3)'],
      [`n2: ${NO_LOG}`, `  hint: ${HINT}`, 'n3: unreachable: timed out'],
    ],
    [
      'no board read: no "no denied packets" claim, one line per cause',
      [noLog('n1'), noLog('n2'), noLog('n3'), down('n4')],
      [],
      [`n1, n2, n3: ${NO_LOG}`, `  hint: ${HINT}`, 'n4: unreachable: timed out'],
    ],
  ])('with no packets, %s', (_what, nodes, stdout, unread) => {
    expect(deniedText([], nodes)).toEqual(stdout);
    expect(unreadLines(nodes)).toEqual(unread);
  });
});
