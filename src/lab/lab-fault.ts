// `picocal lab fault <node> <kind> [arg]`: what can go wrong with a Pi, on purpose. Power and network
// faults act on the node itself; calico-* faults are read by the node's calico-node stand-in on every
// health request (NodeFaults in lab-state.ts). LAB ONLY.
import { LabError, UsageError } from '../errors.js';
import { killHard, processesInNetns } from './host-processes.js';
import { labIdentity, nodeIdentity, nodeIndexOf } from './lab-naming.js';
import { setLink } from './lab-network.js';
import {
  readNodeFaults,
  writeLabState,
  writeNodeFaults,
  type LabNodeState,
  type NodeFaults,
} from './lab-state.js';
import { requireLabState } from './lab-status.js';
import { bootNodes, haltNodes, recreateNodeNetwork, removeNodeNetwork } from './node-lifecycle.js';
import { isNodeProcess, sshdListeners, startSshd } from './node-process.js';
import { sshBanner, waitForSsh } from './ssh-probe.js';

export const FAULT_KINDS = {
  'power-off': 'SIGKILL the node (everything on it stops; its disk, the upper directory, stays)',
  'power-on': 'boot a powered-off node again, with the same host key and disk',
  'sshd-stop': 'stop the listening sshd (open ControlPersist sessions keep working, as on a real host)',
  partition: "take the node's link down: packets to and from it are lost",
  heal: 'undo partition and sshd-stop',
  'calico-unready': "the node's calico-node never becomes ready (/readiness answers 503)",
  'calico-crash': "the node's calico-node liveness fails (/liveness answers 503)",
  'slow-start': "the node's calico-node becomes ready only SECONDS after it starts",
  'fail-version':
    'calico-node VERSION never becomes ready on this node (e.g. an upgrade that fails on one node)',
  'slow-pull': 'every image pull on the node (crictl, the kubelet) takes SECONDS, as on a slow SD card',
  'pull-fail': 'every image pull on the node fails, as with a registry it cannot reach',
  clear: 'remove every calico-* and pull fault from the node',
} as const;
export type FaultKind = keyof typeof FAULT_KINDS;

export interface FaultResult {
  lab: string;
  node: string;
  kind: FaultKind;
  state: LabNodeState['state'];
  faults: NodeFaults;
  changed: boolean;
}

function isFaultKind(kind: string): kind is FaultKind {
  return Object.hasOwn(FAULT_KINDS, kind);
}

const VERSION_RE = /^v?[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$/;

export async function labFault(
  labName: string,
  nodeRef: string,
  kind: string,
  arg?: string,
): Promise<FaultResult> {
  if (!isFaultKind(kind)) {
    throw new UsageError(`unknown fault '${kind}'`, `use one of: ${Object.keys(FAULT_KINDS).join(', ')}`);
  }
  const state = requireLabState(labName);
  const node = state.nodes.find((n) => n.name === nodeRef || String(nodeIndexOf(n.name)) === nodeRef);
  if (!node) {
    throw new UsageError(
      `lab '${labName}' has no node '${nodeRef}'`,
      `use a node name or number: ${state.nodes.map((n) => n.name).join(', ')}`,
    );
  }
  const lab = labIdentity(state.name);
  const veth = nodeIdentity(lab, nodeIndexOf(node.name) ?? 1).veth;
  const running = isNodeProcess(node.pid, node.name);
  const requireRunning = () => {
    if (!running) {
      throw new LabError(`${node.name} is powered off`, {
        node: node.name,
        hint: `power it on first: picocal lab fault ${node.name} power-on --name ${labName}`,
      });
    }
  };
  let faults = readNodeFaults(state, node.name);
  let changed = true;

  switch (kind) {
    case 'power-off':
      if (!running && node.state === 'stopped') changed = false;
      await haltNodes(state, [node]);
      await removeNodeNetwork(state, [node]);
      break;
    case 'power-on':
      if (running) {
        changed = false;
        break;
      }
      await haltNodes(state, [node]); // anything a crash left in the namespace
      await recreateNodeNetwork(state, [node]);
      await bootNodes(state, [node]);
      break;
    case 'sshd-stop': {
      requireRunning();
      const listeners = sshdListeners(processesInNetns([node.netns]).get(node.netns) ?? []);
      changed = listeners.length > 0;
      for (const p of listeners) killHard(p.pid);
      break;
    }
    case 'partition':
      requireRunning();
      await setLink(veth, false);
      node.state = 'partitioned';
      break;
    case 'heal':
      requireRunning();
      await setLink(veth, true);
      node.state = 'running';
      if ((await sshBanner(node.address, 1_000)) === undefined) {
        startSshd(state.dir, node.pid ?? 0, node.name);
        if (!(await waitForSsh(node.address, { timeoutMs: 10_000 }))) {
          throw new LabError(`${node.name}'s sshd did not come back`, { node: node.name });
        }
      }
      break;
    case 'calico-unready':
      faults = { ...faults, calicoUnready: true };
      break;
    case 'calico-crash':
      faults = { ...faults, calicoCrash: true };
      break;
    case 'slow-start': {
      const seconds = Number(arg);
      if (arg === undefined || !Number.isFinite(seconds) || seconds < 0) {
        throw new UsageError(
          `slow-start needs a number of seconds, not '${arg ?? ''}'`,
          'e.g. slow-start 20',
        );
      }
      faults = { ...faults, slowStartSeconds: seconds };
      break;
    }
    case 'fail-version': {
      if (arg === undefined || !VERSION_RE.test(arg)) {
        throw new UsageError(
          `fail-version needs a Calico version, not '${arg ?? ''}'`,
          'e.g. fail-version v3.32.1',
        );
      }
      const versions = new Set([...(faults.failVersions ?? []), arg]);
      faults = { ...faults, failVersions: [...versions] };
      break;
    }
    case 'slow-pull': {
      const seconds = Number(arg);
      if (arg === undefined || !Number.isFinite(seconds) || seconds < 0) {
        throw new UsageError(`slow-pull needs a number of seconds, not '${arg ?? ''}'`, 'e.g. slow-pull 30');
      }
      faults = { ...faults, pullSeconds: seconds };
      break;
    }
    case 'pull-fail':
      faults = { ...faults, pullFail: true };
      break;
    case 'clear':
      faults = {};
      break;
  }
  if (
    kind.startsWith('calico-') ||
    kind.endsWith('-pull') ||
    kind.startsWith('pull-') ||
    kind === 'slow-start' ||
    kind === 'fail-version' ||
    kind === 'clear'
  ) {
    writeNodeFaults(state, node.name, faults);
  }
  writeLabState(state);
  return { lab: state.name, node: node.name, kind, state: node.state, faults, changed };
}
