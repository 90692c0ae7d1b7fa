// `picocal lab status`: what lab.json says, checked live: is the node's process alive, its link up, and
// does its sshd answer? LAB ONLY.
import { findLab, type FindLabOptions } from './lab-find.js';
import { isAlive } from './host-processes.js';
import { labIdentity, nodeIdentity, nodeIndexOf } from './lab-naming.js';
import { linkUp } from './lab-network.js';
import { labKubeconfigPath, type LabNodeRole, type LabState } from './lab-state.js';
import { isNodeProcess } from './node-process.js';
import { sshBanner } from './ssh-probe.js';

/** Live state: `sshd-down` is a running, reachable node whose sshd does not answer. */
export type LabNodeLiveState = 'running' | 'stopped' | 'partitioned' | 'sshd-down';

export interface LabNodeStatus {
  name: string;
  address: string;
  role: LabNodeRole;
  state: LabNodeLiveState;
  mac: string;
  netns: string;
  pid: number | null;
  upperDir: string;
  hostKeyFingerprint: string;
  checks: { process: boolean; link: boolean; sshd: boolean };
}

export interface LabStatus {
  name: string;
  dir: string;
  subnet: string;
  gateway: string;
  inventory: string;
  knownHosts: string;
  privateKey: string;
  ansibleCfg: string;
  /** kubeconfig for the host's kubectl, pointing at the lab's Kubernetes API stand-in. */
  kubeconfig: string;
  faultsDir: string;
  apiServer: { url: string; pid: number | null; running: boolean };
  nodes: LabNodeStatus[];
}

export function requireLabState(name: string): LabState {
  return findLab({ name });
}

/** `which`: a lab name, or how to find the lab (see findLab). */
export async function labStatus(which: string | FindLabOptions, probeTimeoutMs = 700): Promise<LabStatus> {
  const state = findLab(typeof which === 'string' ? { name: which } : which);
  const lab = labIdentity(state.name);
  const nodes = await Promise.all(
    state.nodes.map(async (n): Promise<LabNodeStatus> => {
      const veth = nodeIdentity(lab, nodeIndexOf(n.name) ?? 1).veth;
      const proc = isNodeProcess(n.pid, n.name);
      const link = proc && linkUp(veth);
      const sshd = link && (await sshBanner(n.address, probeTimeoutMs)) !== undefined;
      const live: LabNodeLiveState = !proc
        ? 'stopped'
        : !link
          ? 'partitioned'
          : !sshd
            ? 'sshd-down'
            : 'running';
      return {
        name: n.name,
        address: n.address,
        role: n.role,
        state: live,
        mac: n.mac,
        netns: n.netns,
        pid: proc ? (n.pid ?? null) : null,
        upperDir: n.upperDir,
        hostKeyFingerprint: n.hostKeyFingerprint,
        checks: { process: proc, link, sshd },
      };
    }),
  );
  return {
    name: state.name,
    dir: state.dir,
    subnet: state.subnet,
    gateway: state.gateway,
    inventory: state.inventory,
    knownHosts: state.knownHosts,
    privateKey: state.privateKey,
    ansibleCfg: state.ansibleCfg,
    kubeconfig: labKubeconfigPath(state),
    faultsDir: state.faultsDir,
    apiServer: {
      url: state.apiServer.url,
      pid: state.apiServer.pid ?? null,
      running: isAlive(state.apiServer.pid),
    },
    nodes,
  };
}
