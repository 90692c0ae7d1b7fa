// Stand-ins for what a loopback sshd cannot provide: Felix's health endpoint (the real one needs
// calico-node) and a kubectl that answers verify's queries from files (the real one needs a cluster).
// Used by the SSH lab test and the verify benchmark; the virtual PicoCluster replaces both
// with its own calico-node and API server stand-ins for end-to-end tests.
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

export interface FelixStandIn {
  port: number;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startFelixStandIn(): Promise<FelixStandIn> {
  let ready = true;
  const server: Server = createServer((req, res) => {
    const ok = req.url === '/liveness' || ready;
    res.writeHead(ok ? 200 : 503, { 'content-type': 'text/plain' });
    res.end(
      '| COMPONENT | TIMEOUT | LIVENESS | READINESS | DETAIL |\n' +
        `| felix-startup | 0s | reporting live | ${ok ? 'reporting ready' : 'reporting non-ready'} | ${ok ? '' : 'not in sync'} |\n`,
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  return {
    port: a && typeof a === 'object' ? a.port : 0,
    setReady: (r) => {
      ready = r;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function calicoNodePod(node: string, version: string) {
  return {
    kind: 'Pod',
    metadata: {
      name: `calico-node-${node}`,
      namespace: 'calico-system',
      labels: { 'k8s-app': 'calico-node' },
    },
    spec: { nodeName: node, containers: [{ name: 'calico-node', image: `quay.io/calico/node:${version}` }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [{ name: 'calico-node', ready: true, state: { running: {} } }],
    },
  };
}

export interface ClusterStandIn {
  kubectl: string;
  kubeconfig: string;
  /** One line per kubectl run: its arguments after the kubeconfig, space-separated. */
  callsLog: string;
}

/**
 * A kubectl script in `dir` (which may contain spaces: that is part of what the tests check) that
 * insists on `--kubeconfig <readable file>` and prints a Ready calico-node pod per node name, an
 * Available TigeraStatus and an Installation reporting `version`: each by itself, as
 * `kubectl get pods|tigerastatus|installation ...` prints it, and all together as the List that
 * `kubectl get pods,tigerastatus,installation --all-namespaces -o json` prints (every item with its kind:
 * https://kubernetes.io/docs/reference/kubectl/generated/kubectl_get/). Every run is logged to `callsLog`.
 */
export async function writeClusterStandIn(
  dir: string,
  nodeNames: string[],
  version: string,
): Promise<ClusterStandIn> {
  await mkdir(dir, { recursive: true });
  const pods = nodeNames.map((n) => calicoNodePod(n, version));
  const tigerastatus = {
    kind: 'TigeraStatus',
    metadata: { name: 'calico' },
    status: {
      conditions: [
        { type: 'Available', status: 'True' },
        { type: 'Degraded', status: 'False' },
      ],
    },
  };
  const installation = {
    kind: 'Installation',
    metadata: { name: 'default' },
    status: { calicoVersion: version },
  };
  await writeFile(join(dir, 'pods.json'), JSON.stringify({ kind: 'List', items: pods }));
  await writeFile(join(dir, 'tigerastatus.json'), JSON.stringify(tigerastatus));
  await writeFile(join(dir, 'installation.json'), JSON.stringify(installation));
  await writeFile(
    join(dir, 'all.json'),
    JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [...pods, tigerastatus, installation] }),
  );
  const kubeconfig = join(dir, 'kube config');
  await writeFile(kubeconfig, 'apiVersion: v1\n');
  const kubectl = join(dir, 'kubectl');
  const callsLog = join(dir, 'calls.log');
  await writeFile(
    kubectl,
    [
      '#!/bin/sh',
      'dir=$(dirname "$0")',
      '[ "$1" = --kubeconfig ] && [ -r "$2" ] || { echo "bad kubeconfig: $2" >&2; exit 1; }',
      'shift 2',
      'echo "$*" >>"$dir/calls.log"',
      'for a in "$@"; do case $a in',
      '  pods,tigerastatus,installation) cat "$dir/all.json"; exit 0;;',
      '  pods|tigerastatus|installation) cat "$dir/$a.json"; exit 0;;',
      'esac; done',
      'exit 1',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  return { kubectl, kubeconfig, callsLog };
}

export interface InventoryNode {
  name: string;
  host: string;
  port: number;
}

/** A picocal inventory for nodes on loopback sshd instances (the first is the control plane). */
export function loopbackInventory(opts: {
  user: string;
  privateKey: string;
  knownHosts: string;
  cluster: ClusterStandIn;
  nodes: InventoryNode[];
  encapsulation?: string;
}): string {
  const host = (n: InventoryNode) => [
    `        ${n.name}:`,
    `          ansible_host: ${n.host}`,
    `          ansible_port: ${n.port}`,
  ];
  const [first, ...rest] = opts.nodes;
  if (!first) throw new Error('no nodes');
  return [
    'all:',
    '  vars:',
    `    ansible_user: ${opts.user}`,
    `    ansible_ssh_private_key_file: ${JSON.stringify(opts.privateKey)}`,
    `    picocal_known_hosts: ${JSON.stringify(opts.knownHosts)}`,
    '    picocal:',
    '      cluster_name: sshtest',
    '      calico_version: "3.32.1"',
    '      kubernetes:',
    '        flavour: k3s',
    `        kubeconfig: ${JSON.stringify(opts.cluster.kubeconfig)}`,
    `        kubectl: ${JSON.stringify(opts.cluster.kubectl)}`,
    '      pod_cidr: 10.42.0.0/16',
    '      service_cidr: 10.43.0.0/16',
    `      encapsulation: ${opts.encapsulation ?? 'VXLAN'}`,
    '  children:',
    '    control_plane:',
    '      hosts:',
    ...host(first),
    ...(rest.length ? ['    workers:', '      hosts:', ...rest.flatMap(host)] : []),
    '',
  ].join('\n');
}
