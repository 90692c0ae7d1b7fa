// Booting and halting lab nodes, shared by `lab up`, `lab down` and the power faults. A node that does
// not answer SSH in time is an error naming the node, with the end of its log. LAB ONLY.
import { LabError } from '../errors.js';
import { processesInNetns, killHard, waitGone, isAlive } from './host-processes.js';
import { createNodeLinks, removeNodeLinks } from './lab-network.js';
import { labIdentity, nodeIdentity, nodeIndexOf, type LabNodeIdentity } from './lab-naming.js';
import type { LabNodeState, LabState } from './lab-state.js';
import { isNodeProcess, killNode, spawnNode, tailOfLog } from './node-process.js';
import { waitForSsh } from './ssh-probe.js';
import { enterBoardProfile } from './profile/lab-profile.js';

const BOOT_TIMEOUT_MS = 20_000;

export function identityOf(state: Pick<LabState, 'name'>, node: Pick<LabNodeState, 'name'>): LabNodeIdentity {
  const index = nodeIndexOf(node.name);
  if (index === undefined) throw new LabError(`'${node.name}' is not a lab node name`, { node: node.name });
  return nodeIdentity(labIdentity(state.name), index);
}

/** Starts the nodes' processes (their network must exist) and waits until every sshd answers. */
export async function bootNodes(state: LabState, nodes: LabNodeState[]): Promise<void> {
  const started = nodes.map((node) => {
    const run = spawnNode(state.dir, node.netns, node.name);
    node.pid = run.pid;
    let ended = false;
    void run.exited.then(() => (ended = true));
    return { node, run, ended: () => ended || !isAlive(run.pid) };
  });
  const results = await Promise.all(
    started.map(async ({ node, ended }) => ({
      node,
      up: await waitForSsh(node.address, { timeoutMs: BOOT_TIMEOUT_MS, stopped: ended }),
    })),
  );
  await enterBoardProfile(state, nodes);
  const failed = results.filter((r) => !r.up);
  for (const { node } of results) node.state = failed.some((f) => f.node === node) ? 'stopped' : 'running';
  const first = failed[0];
  if (first) {
    const log = tailOfLog(state.dir, first.node.name);
    throw new LabError(
      `${failed.map((f) => f.node.name).join(', ')} did not answer SSH within ${BOOT_TIMEOUT_MS / 1000} s` +
        (log ? `; ${first.node.name}'s log ends with:\n${log}` : ''),
      {
        node: first.node.name,
        hint: 'run `picocal lab down` and retry; if it persists, check that openssh-server is installed',
      },
    );
  }
}

/** SIGKILLs the nodes and everything else in their network namespaces (e.g. calico-node stand-ins). */
export async function haltNodes(state: LabState, nodes: LabNodeState[]): Promise<void> {
  const killed: number[] = [];
  for (const node of nodes) {
    if (node.pid !== undefined && isNodeProcess(node.pid, node.name)) {
      killNode(node.pid, node.name);
      killed.push(node.pid);
    }
  }
  for (const procs of processesInNetns(nodes.map((n) => n.netns)).values()) {
    for (const p of procs) {
      killHard(p.pid);
      killed.push(p.pid);
    }
  }
  await waitGone(killed, 2_000);
  for (const node of nodes) {
    delete node.pid;
    node.state = 'stopped';
  }
}

export async function recreateNodeNetwork(state: LabState, nodes: LabNodeState[]): Promise<void> {
  const ids = nodes.map((n) => identityOf(state, n));
  await removeNodeLinks(ids);
  await createNodeLinks(labIdentity(state.name), ids);
}

export async function removeNodeNetwork(state: LabState, nodes: LabNodeState[]): Promise<void> {
  await removeNodeLinks(nodes.map((n) => identityOf(state, n)));
}
