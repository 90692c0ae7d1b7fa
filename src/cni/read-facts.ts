// Read the CNI facts: the fixed script on every board (over the run's SSH pool, as the login user, with
// `sudo -n` only for what that user cannot read) and two read-only kubectl queries on the control plane (kubeadm-config, nodes).
import { randomBytes } from 'node:crypto';
import type { Inventory, InventoryHost } from '../inventory/types.js';
import type { SshPool } from '../ssh/ssh-pool.js';
import { sshTargetFor } from '../ssh/ssh-target.js';
import type { ClusterShell } from '../cluster/cluster-shell.js';
import { load } from 'js-yaml';
import { BOARD_FACTS_SCRIPT, parseBoardFacts, type BoardCniFacts } from './board-facts.js';
import type { ClusterCidrFacts } from './cni-check.js';

export async function readBoardFacts(
  pool: SshPool,
  inv: Inventory,
  host: InventoryHost,
  timeoutMs = 30_000,
): Promise<BoardCniFacts> {
  const session = await pool.session(sshTargetFor(inv, host));
  const marker = `@cni${randomBytes(6).toString('hex')}`;
  const r = await session.exec(['sh', '-s', marker], { stdin: BOARD_FACTS_SCRIPT, timeoutMs });
  const facts = parseBoardFacts(r.stdout, marker);
  if (!facts.complete)
    throw new Error(`could not read the CNI files on ${host.name}: ${r.stderr.trim() || `exit ${r.code}`}`);
  return facts;
}

interface ConfigMap {
  data?: Record<string, string>;
}
interface NodeList {
  items: { metadata: { name: string }; spec?: { podCIDR?: string } }[];
}

export async function readClusterCidrs(shell: ClusterShell): Promise<ClusterCidrFacts> {
  const cm = await shell.kubectlRaw([
    '-n',
    'kube-system',
    'get',
    'configmap',
    'kubeadm-config',
    '-o',
    'json',
  ]);
  let kubeadmPodSubnet: string | undefined;
  if (cm.code === 0) {
    const data = (JSON.parse(cm.stdout) as ConfigMap).data ?? {};
    const cfg = load(data['ClusterConfiguration'] ?? '') as { networking?: { podSubnet?: string } } | null;
    kubeadmPodSubnet = cfg?.networking?.podSubnet;
  } else if (!/NotFound|not found/i.test(cm.stderr)) {
    throw shell.kubectlError(['get', 'configmap', 'kubeadm-config'], cm);
  }
  const nodes = await shell.kubectlJson<NodeList>(['get', 'nodes']);
  const nodePodCidrs: Record<string, string> = {};
  for (const n of nodes.items) if (n.spec?.podCIDR) nodePodCidrs[n.metadata.name] = n.spec.podCIDR;
  return { kubeadmPodSubnet, nodePodCidrs };
}
