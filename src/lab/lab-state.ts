// The virtual PicoCluster's state file (`<lab dir>/lab.json`): written by `picocal lab up`, read by
// `lab status/down/fault`, by the Kubernetes API stand-in and the operator stand-in. LAB ONLY: nothing
// here is used against a real cluster.
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { writeFileAtomic } from '../core/atomic-write.js';
import { join } from 'node:path';

export type LabNodeRole = 'control-plane' | 'worker';
export type LabNodeRunState = 'running' | 'stopped' | 'partitioned';

export interface LabNodeState {
  name: string; // e.g. "pc-node1"; also the node's hostname and Kubernetes Node name
  role: LabNodeRole;
  address: string; // e.g. "10.77.0.11"
  mac: string; // fixed per node, so re-creating a node never leaves a stale ARP entry
  netns: string; // network namespace name
  /** PID of the node's `unshare --fork` parent (SIGKILL ends the whole node). */
  pid?: number;
  /** Host path of the node's overlay upper directory: what was written on the node. */
  upperDir: string;
  /** SHA256 fingerprint of the node's ed25519 host key, as ssh-keygen -l prints it. */
  hostKeyFingerprint: string;
  state: LabNodeRunState;
  /** What `uname -m` reports on the node (always x86_64 in this lab). */
  arch: string;
}

export interface LabApiServerState {
  /** URL the control-plane node's kubeconfig points at, e.g. http://10.77.0.1:6443 */
  url: string;
  host: string;
  port: number;
  pid?: number;
}

export interface LabState {
  name: string;
  dir: string;
  bridge: string;
  subnet: string; // e.g. "10.77.0.0/24"
  gateway: string; // bridge address, e.g. "10.77.0.1"
  createdAt: string;
  nodes: LabNodeState[];
  apiServer: LabApiServerState;
  inventory: string; // picocal inventory pointing at the nodes
  knownHosts: string;
  privateKey: string;
  ansibleCfg: string;
  /** The login user of every node: `pi` (passwordless sudo, no root login) unless `lab up --user root`. */
  user?: string;
  /** Where the calico-node stand-in reads fault settings: `<faultsDir>/<node>.json` (see NodeFaults). */
  faultsDir: string;
  /**
   * LAB ONLY knob: the Kubernetes version the API stand-in reports (`lab up --kubernetes-version`), e.g.
   * "v1.33.6+k3s1"; unset = discovery.ts's LAB_KUBERNETES_VERSION.
   */
  kubernetesVersion?: string;
  /** Milliseconds one image pull takes on a board without a slow-pull fault (image-store.ts). */
  pullMs?: number;
}

/** Fault settings for one node's calico-node stand-in, read on every health request. */
export interface NodeFaults {
  /** Felix /readiness answers 503 (whatever version runs). */
  calicoUnready?: boolean;
  /** Felix /liveness answers 503. */
  calicoCrash?: boolean;
  /** Readiness only after this many seconds from the stand-in's start. */
  slowStartSeconds?: number;
  /** Versions (e.g. "v3.32.1" or "3.32.1") that never become ready on this node. */
  failVersions?: string[];
  /** Each image pull on this board (crictl stand-in, kubelet stand-in) takes this many seconds. */
  pullSeconds?: number;
  /** Each image pull on this board fails, as with a registry it cannot reach. */
  pullFail?: boolean;
}

export const LAB_STATE_FILE = 'lab.json';
/** Written first into a lab's folder by `lab up`: `lab down` removes only a folder that holds it. */
export const LAB_MARKER_FILE = '.picocal-lab';

/** `<lab dir>/kubeconfig`: the host's kubectl → the lab's API stand-in (written by `lab up`). */
export function labKubeconfigPath(state: Pick<LabState, 'dir'>): string {
  return join(state.dir, 'kubeconfig');
}

export function labStatePath(dir: string): string {
  return join(dir, LAB_STATE_FILE);
}

export function readLabState(dir: string): LabState | undefined {
  const p = labStatePath(dir);
  if (!existsSync(p)) return undefined;
  return JSON.parse(readFileSync(p, 'utf8')) as LabState;
}

/** Atomic write: readers never see half a file. */
export function writeLabState(state: LabState): void {
  mkdirSync(state.dir, { recursive: true });
  const p = labStatePath(state.dir);
  writeFileAtomic(p, JSON.stringify(state, null, 2) + '\n');
}

export function readNodeFaults(state: Pick<LabState, 'faultsDir'>, node: string): NodeFaults {
  const p = join(state.faultsDir, `${node}.json`);
  if (!existsSync(p)) return {};
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as NodeFaults;
  } catch {
    return {};
  }
}

export function writeNodeFaults(state: Pick<LabState, 'faultsDir'>, node: string, faults: NodeFaults): void {
  mkdirSync(state.faultsDir, { recursive: true });
  const p = join(state.faultsDir, `${node}.json`);
  writeFileAtomic(p, JSON.stringify(faults, null, 2) + '\n');
}
