// `picocal lab down`: removes everything a lab made, in an order that never strands a process: nodes
// first, then SSH masters and the API stand-in, then anything left in the namespaces, then namespaces,
// links, rules and routes, then files. Works from lab.json or, when that is gone, from the lab's name
// alone (every namespace, link and rule carries it). Idempotent. LAB ONLY.
import { existsSync, lstatSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { stopApiServerIfPresent } from './api-server-hook.js';
import { hostCommand } from './host-command.js';
import { assertLabHost } from './host-requirements.js';
import { killHard, processesInNetns, processesMentioning, waitGone } from './host-processes.js';
import { labIdentity, nodeIdentity, nodeIndexOf } from './lab-naming.js';
import { leftoverNetwork, releaseNetnsMount, removeBridge, removeNodeLinks } from './lab-network.js';
import { LAB_MARKER_FILE, readLabState, type LabState } from './lab-state.js';
import { NODE_INIT_SCRIPT } from './node-process.js';
import { PhaseTimer } from './phase-timer.js';
import { removeLabProfile } from './profile/lab-profile.js';

export interface LabDownOptions {
  name: string;
  log?: (line: string) => void;
}

export interface LabDownResult {
  name: string;
  dir: string;
  /** False when there was nothing to remove. */
  found: boolean;
  killed: number;
  netns: number;
  elapsedMs: number;
  phases: Record<string, number>;
}

function safeState(dir: string): LabState | undefined {
  try {
    return readLabState(dir);
  } catch {
    return undefined; // A half-written or corrupt lab.json must not block the cleanup.
  }
}

/**
 * The lab folder is picocal's when it is a real folder (no link), of this user, holding lab up's marker
 * for this lab (or, from before the marker, its lab.json). Anything else at that path in the shared /tmp
 * is someone else's: never removed, and no process is killed for naming it.
 */
export function ownsLabDir(dir: string, name: string): boolean {
  const st = lstatSync(dir, { throwIfNoEntry: false });
  if (!st?.isDirectory() || st.uid !== process.getuid?.()) return false;
  const marker = (() => {
    try {
      return readFileSync(join(dir, LAB_MARKER_FILE), 'utf8').trim();
    } catch {
      return undefined;
    }
  })();
  if (marker !== undefined) return marker === name;
  const state = safeState(dir);
  return state?.name === name && state.dir === dir;
}

export async function labDown(opts: LabDownOptions): Promise<LabDownResult> {
  const timer = new PhaseTimer();
  assertLabHost();
  const lab = labIdentity(opts.name);
  const owned = ownsLabDir(lab.dir, lab.name);
  const state = owned ? safeState(lab.dir) : undefined;
  if (!owned && lstatSync(lab.dir, { throwIfNoEntry: false }))
    opts.log?.(`left ${lab.dir} in place: it was not made by picocal lab up (no ${LAB_MARKER_FILE})`);
  const leftovers = leftoverNetwork(lab);
  const nodes = new Map<string, { netns: string; veth: string }>();
  for (const n of state?.nodes ?? []) {
    const index = nodeIndexOf(n.name);
    if (index !== undefined) nodes.set(n.netns, nodeIdentity(lab, index));
  }
  for (const netns of leftovers.netns) {
    const index = Number(/n(\d+)$/.exec(netns)?.[1]);
    if (Number.isInteger(index) && index >= 1) nodes.set(netns, nodeIdentity(lab, index));
  }
  for (const link of leftovers.links) {
    const index = Number(link.slice(lab.vethPrefix.length));
    if (link.startsWith(lab.vethPrefix) && Number.isInteger(index) && index >= 1) {
      const id = nodeIdentity(lab, index);
      nodes.set(id.netns, id);
    }
  }
  const found =
    state !== undefined || nodes.size > 0 || leftovers.links.length > 0 || (owned && existsSync(lab.dir));

  // 1. Nodes: SIGKILL on the unshare parent ends each node's PID namespace (TERM does nothing there).
  const killed: number[] = [];
  const kill = (pid: number) => {
    killHard(pid);
    killed.push(pid);
  };
  const initScript = join(lab.dir, NODE_INIT_SCRIPT);
  for (const p of processesMentioningIf(
    owned,
    initScript,
    (proc) => proc.comm === 'unshare' || proc.comm === 'nsenter',
  )) {
    kill(p.pid);
  }
  timer.mark('nodes');

  // 2. SSH control masters (ansible's ControlPersist) and the API stand-in.
  if (owned) await closeControlMasters(join(lab.dir, 'cp'));
  if (state) {
    // The lab directory is about to go: a graceful stop that saves the stand-in's state is wasted time.
    const apiPid = state.apiServer.pid;
    const ours = apiPid !== undefined && processesMentioning(lab.dir, (p) => p.pid === apiPid).length > 0;
    if (ours) kill(apiPid);
    // Only when it could not be killed by PID: the module's own stop waits for a graceful exit.
    else await stopApiServerIfPresent(state).catch(() => undefined);
  }
  // Without lab.json the API stand-in is found by its arguments (`--dir <lab dir>`), like ssh masters.
  for (const p of processesMentioningIf(
    owned,
    lab.dir,
    (proc) => proc.comm === 'ssh' || proc.comm === 'node',
  )) {
    kill(p.pid);
  }
  timer.mark('masters+api');

  // 3. Anything still in the nodes' network namespaces (calico-node stand-ins, sshd sessions, nsenter).
  for (const procs of processesInNetns([...nodes.keys()]).values()) for (const p of procs) kill(p.pid);
  const survivors = await waitGone(killed, 3_000);
  if (survivors.length > 0) opts.log?.(`processes still alive after SIGKILL: ${survivors.join(', ')}`);
  for (const dir of await removeLabProfile(lab.name)) opts.log?.(`could not remove cgroup ${dir}`);
  timer.mark('processes');

  // 4. Network: namespaces and veths, bridge, iptables rules, the fallback route; then the /run/netns mount.
  await removeNodeLinks([...nodes.values()]);
  await removeBridge(lab);
  await releaseNetnsMount();
  timer.mark('network');

  // 5. Files.
  if (owned) rmSync(lab.dir, { recursive: true, force: true });
  timer.mark('files');
  return {
    name: lab.name,
    dir: lab.dir,
    found,
    killed: killed.length,
    netns: nodes.size,
    elapsedMs: timer.totalMs,
    phases: timer.phases,
  };
}

async function closeControlMasters(cpDir: string): Promise<void> {
  if (!existsSync(cpDir)) return;
  await Promise.all(
    readdirSync(cpDir).map((sock) =>
      hostCommand('ssh', ['-o', `ControlPath=${join(cpDir, sock)}`, '-O', 'exit', 'lab-node'], {
        allowFailure: true,
        timeoutMs: 2_000,
      }),
    ),
  );
}

function processesMentioningIf(owned: boolean, ...args: Parameters<typeof processesMentioning>) {
  return owned ? processesMentioning(...args) : [];
}
