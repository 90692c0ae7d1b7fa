// `picocal lab up`: a virtual PicoCluster of real sshd nodes on a private bridge. Writes lab.json before it
// touches the network, so a failed or interrupted `up` can always be undone by `lab down`. LAB ONLY.
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { arch } from 'node:os';
import { join } from 'node:path';
import { EXIT, LabError, UsageError } from '../errors.js';
import { startApiServerIfPresent } from './api-server-hook.js';
import { verifyHostKeys } from './host-key-check.js';
import { assertLabHost, assertNoForwarding } from './host-requirements.js';
import { renderAnsibleCfg, renderInventory, renderKnownHosts, renderKubeconfig } from './lab-files.js';
import { labDown, ownsLabDir } from './lab-down.js';
import { MAX_NODE_COUNT, labIdentity, nodeIdentity } from './lab-naming.js';
import { assertSubnetFree, createBridge, createNodeLinks, leftoverNetwork } from './lab-network.js';
import {
  LAB_MARKER_FILE,
  labKubeconfigPath,
  readLabState,
  writeLabState,
  type LabNodeState,
  type LabState,
} from './lab-state.js';
import { bootNodes } from './node-lifecycle.js';
import { PhaseTimer } from './phase-timer.js';
import { nodePaths, writeInitScript } from './node-process.js';
import { writeBootFatScript } from './boot-fat.js';
import { writeRebootStandIns } from './board-reboot.js';
import { hostKeyPathIn, prepareNodeRootfs } from './node-rootfs.js';
import { BOARD_FAULTS_DIR, writeCrictlStandIn } from './crictl-standin.js';
import { labPullMsFromEnv, labRegistryImages, DEFAULT_PULL_MS } from './image-store.js';
import { generateEd25519 } from './ssh-keys.js';
import { startFlannelLeftovers, writeK3sFiles, type LabFlavour } from './k3s-flavour.js';
import type { LabProfileName } from './profile/board-profiles.js';
import { applyLabProfile, planLabProfile } from './profile/lab-profile.js';

export const API_SERVER_PORT = 6443;
export const DEFAULT_LAB_USER = 'pi';

export interface LabUpOptions {
  name: string;
  nodes: number;
  /** Start the Kubernetes API stand-in (default true); tests of nodes alone may skip it. */
  apiServer?: boolean;
  /** Login user on the boards (default `pi`, with passwordless sudo and root login off, as on
   *  Raspberry Pi OS); `root` gives the old root-login boards. */
  user?: string;
  /** What k3s left on the boards: `calico-ready` (default) or `k3s-default` (flannel on; see k3s-flavour.ts). */
  flavour?: LabFlavour;
  /** The Kubernetes version the API stand-in reports, e.g. "v1.33.6+k3s1" (default LAB_KUBERNETES_VERSION). */
  kubernetesVersion?: string;
  /** Board profile (default `fast`: no limits); see src/lab/profile/board-profiles.ts. */
  profile?: LabProfileName;
  /** Apply only the parts of the profile this host allows instead of refusing. */
  partialProfile?: boolean;
  /** Progress lines for a person (stderr in the CLI). */
  log?: (line: string) => void;
  /** Ctrl-C: checked between phases; an interrupted `up` removes what it made. */
  signal?: AbortSignal;
}

export interface LabUpResult {
  state: LabState;
  elapsedMs: number;
  /** Milliseconds per phase: checks, keys, network, boot, files, api, hostkeys. */
  phases: Record<string, number>;
  warnings: string[];
}

export async function labUp(opts: LabUpOptions): Promise<LabUpResult> {
  const timer = new PhaseTimer();
  const log = opts.log ?? (() => undefined);
  assertLabHost();
  assertNoForwarding();
  if (!Number.isInteger(opts.nodes) || opts.nodes < 1 || opts.nodes > MAX_NODE_COUNT) {
    throw new UsageError(`--nodes must be a whole number from 1 to ${MAX_NODE_COUNT}, not ${opts.nodes}`);
  }
  const user = opts.user ?? DEFAULT_LAB_USER;
  if (!/^[a-z_][a-z0-9_-]{0,31}$/.test(user)) {
    throw new UsageError(
      `--user must be a Linux user name (lower case letters, digits, _ and -), not '${user}'`,
    );
  }
  const lab = labIdentity(opts.name);
  if (lstatSync(lab.dir, { throwIfNoEntry: false }) && !ownsLabDir(lab.dir, lab.name))
    // /tmp is shared: a folder lab up did not make is someone else's, so stop before anything changes.
    throw new LabError(
      `${lab.dir} exists and was not made by picocal lab up: nothing was changed`,
      { hint: `it is not picocal's to remove: move it away yourself, or choose another --name` },
      EXIT.usage,
    );
  if (readLabState(lab.dir)) {
    throw new LabError(`lab '${lab.name}' already exists in ${lab.dir}`, {
      hint: `use it (picocal lab status --name ${lab.name}) or remove it first (picocal lab down --name ${lab.name})`,
    });
  }
  const leftovers = leftoverNetwork(lab);
  if (leftovers.netns.length > 0 || leftovers.links.length > 0 || existsSync(lab.dir)) {
    log(`cleaning up what an earlier run of lab '${lab.name}' left behind`);
    await labDown({ name: lab.name });
  }
  await assertSubnetFree(lab);
  const profile = await planLabProfile({
    profile: opts.profile ?? 'fast',
    partial: opts.partialProfile ?? false,
    labDir: lab.dir,
  });
  timer.mark('checks');

  // From the first file written on, any failure (or Ctrl-C) removes everything this run made.
  try {
    const state = planState(lab, opts.nodes, user);
    if (opts.kubernetesVersion) state.kubernetesVersion = opts.kubernetesVersion;
    // Not recursive: the folder must be new (a folder that appeared meanwhile fails here, and lab down
    // below leaves it alone), and the marker goes in first so lab down knows the folder is ours.
    mkdirSync(lab.dir, { mode: 0o700 });
    writeFileSync(join(lab.dir, LAB_MARKER_FILE), `${lab.name}\n`, { flag: 'wx' });
    mkdirSync(join(lab.dir, 'cp'), { mode: 0o700 });
    mkdirSync(state.faultsDir, { mode: 0o755 });
    const [client, ...hostKeys] = [
      generateEd25519(state.privateKey, `picocal-lab-${lab.name}`),
      ...state.nodes.map((n) => generateEd25519(hostKeyPathIn(n.upperDir), `root@${n.name}`)),
    ];
    if (!client) throw new LabError('could not generate the lab client key');
    const kubeconfig = renderKubeconfig(lab.name, state.apiServer.url);
    state.nodes.forEach((node, i) => {
      const p = nodePaths(lab.dir, node.name);
      mkdirSync(p.workDir, { recursive: true });
      mkdirSync(p.mergedDir, { recursive: true });
      node.hostKeyFingerprint = hostKeys[i]?.fingerprint ?? '';
      prepareNodeRootfs({
        labName: lab.name,
        nodeName: node.name,
        upperDir: node.upperDir,
        authorizedKey: client.publicLine,
        hosts: state.nodes,
        user,
        bootDir: p.bootDir,
        ...(node.role === 'control-plane' ? { kubeconfig } : {}),
      });
      writeK3sFiles(node.upperDir, node.role, opts.flavour ?? 'calico-ready');
      writeRebootStandIns(node.upperDir);
      writeCrictlStandIn(node.upperDir, {
        registry: labRegistryImages(),
        faultsFile: `${BOARD_FAULTS_DIR}/${node.name}.json`,
        defaultPullMs: state.pullMs ?? DEFAULT_PULL_MS,
      });
    });
    writeInitScript(lab.dir);
    writeBootFatScript(lab.dir);
    writeLabState(state);
    timer.mark('keys');
    opts.signal?.throwIfAborted();

    await createBridge(lab);
    await createNodeLinks(
      lab,
      state.nodes.map((_, i) => nodeIdentity(lab, i + 1)),
    );
    applyLabProfile(state, profile);
    timer.mark('network');
    opts.signal?.throwIfAborted();
    await bootNodes(state, state.nodes);
    if (opts.flavour === 'k3s-default') await startFlannelLeftovers(state);
    writeLabState(state);
    timer.mark('boot');
    opts.signal?.throwIfAborted();
    const hostLines = state.nodes.map((n, i) => ({ ...n, hostKey: hostKeys[i]?.publicLine ?? '' }));
    // The host-key check and the API stand-in's start are independent: overlap them.
    const verified = verifyHostKeys(hostLines);
    verified.catch(() => undefined);
    writeFileSync(state.knownHosts, renderKnownHosts(hostLines), { mode: 0o644 });
    writeFileSync(
      state.inventory,
      renderInventory({ ...state, user, subnet: lab.subnet, nodes: state.nodes }),
      {
        mode: 0o644,
      },
    );
    // The host's kubectl reaches the API stand-in at the bridge address, as the control plane's does.
    writeFileSync(labKubeconfigPath(state), kubeconfig, { mode: 0o600 });
    writeFileSync(
      state.ansibleCfg,
      renderAnsibleCfg({
        user,
        inventory: state.inventory,
        privateKey: state.privateKey,
        knownHosts: state.knownHosts,
        controlPathDir: join(lab.dir, 'cp'),
        forks: Math.max(5, state.nodes.length),
      }),
    );
    writeLabState(state);
    timer.mark('files');
    opts.signal?.throwIfAborted();
    const warnings: string[] = [];
    if (opts.apiServer !== false) {
      const api = await startApiServerIfPresent(state);
      if (api) state.apiServer.pid = api.pid;
      else
        warnings.push(
          'the Kubernetes API stand-in (src/lab/kube-api) is not present: kubectl on the nodes has no server',
        );
    }
    writeLabState(state);
    timer.mark('api');
    await verified;
    timer.mark('hostkeys');
    return { state, elapsedMs: timer.totalMs, phases: timer.phases, warnings };
  } catch (err) {
    await labDown({ name: lab.name }).catch(() => undefined);
    throw err;
  }
}

function planState(lab: ReturnType<typeof labIdentity>, count: number, user: string): LabState {
  const nodes: LabNodeState[] = [];
  for (let i = 1; i <= count; i++) {
    const id = nodeIdentity(lab, i);
    nodes.push({
      name: id.name,
      role: i === 1 ? 'control-plane' : 'worker',
      address: id.address,
      mac: id.mac,
      netns: id.netns,
      upperDir: nodePaths(lab.dir, id.name).upperDir,
      hostKeyFingerprint: '',
      state: 'stopped',
      arch: arch() === 'x64' ? 'x86_64' : arch() === 'arm64' ? 'aarch64' : arch(),
    });
  }
  return {
    name: lab.name,
    dir: lab.dir,
    bridge: lab.bridge,
    subnet: lab.subnet,
    gateway: lab.gateway,
    createdAt: new Date().toISOString(),
    nodes,
    apiServer: { url: `http://${lab.gateway}:${API_SERVER_PORT}`, host: lab.gateway, port: API_SERVER_PORT },
    inventory: join(lab.dir, 'inventory.yaml'),
    knownHosts: join(lab.dir, 'known_hosts'),
    privateKey: join(lab.dir, 'id_ed25519'),
    ansibleCfg: join(lab.dir, 'ansible.cfg'),
    faultsDir: join(lab.dir, 'faults'),
    pullMs: labPullMsFromEnv(),
    user,
  };
}
