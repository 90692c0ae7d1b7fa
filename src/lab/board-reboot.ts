// A lab board's reboot: `sudo reboot` or `sudo shutdown -r now` on a board (what Ansible's reboot module
// runs: `shutdown -r 0 "<msg>"`, found in /sbin, /bin, /usr/sbin, ...,
// https://docs.ansible.com/ansible/latest/collections/ansible/builtin/reboot_module.html) really stops
// every process of the board and boots it again, its files and FAT /boot/firmware kept. LAB ONLY.
// - On the board, `shutdown` and `reboot` are stand-ins for systemd's (no systemd runs in a lab board): as
//   systemd's they need root, take `-r` and a time (`now`, `+M`, `M` minutes: only 0 is modelled), accept
//   the request and return at once (https://www.freedesktop.org/software/systemd/man/latest/shutdown.html).
//   The request is a file the board writes on its own disk (REBOOT_REQUEST, in its upper directory).
// - The lab's API stand-in process (server-main.ts; it plays the kubelets) sees the request within a
//   second and carries it out here: every process in the board's network namespace is stopped (sshd, the
//   SSH sessions, the calico-node stand-in), the board is marked stopped (its Node turns NotReady, the
//   operator stand-in stops its calico-node), then after `downMs` it boots again through node-init.sh (a
//   new boot id, /proc/cmdline read from cmdline.txt: boot-kernel.ts), and `kubeletMs` after its sshd
//   answers it is marked running (Node Ready, calico-node restarted), as a kubelet registers some seconds
//   after boot. A lab started without the API stand-in does not carry out reboots.
// - Each step goes to <node>/power.log (`<ISO time> halt|boot|ssh|ready|failed ...`), which tests read.
import {
  appendFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { readLabState, writeLabState, type LabNodeState, type LabState } from './lab-state.js';
import { bootNodes, haltNodes } from './node-lifecycle.js';
import { nodePaths } from './node-process.js';

/** Where a board asks for its reboot (relative to its root; it lands in the node's upper directory). */
export const REBOOT_REQUEST = 'var/lib/picocal-lab/reboot-requested';

export interface RebootTimings {
  /** How long the board stays down between halt and boot. */
  downMs: number;
  /** From sshd answering to the kubelet's Node Ready. */
  kubeletMs: number;
}

// Small by default so tests stay quick; a real Pi 4 takes some 30-60 s to answer SSH again and its k3s
// agent some more to post Ready. Settable per lab (read by the API stand-in process at start).
export function rebootTimings(env: NodeJS.ProcessEnv = process.env): RebootTimings {
  const ms = (name: string, fallback: number) => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= 0 ? v : fallback;
  };
  return {
    downMs: ms('PICOCAL_LAB_REBOOT_DOWN_MS', 2_000),
    kubeletMs: ms('PICOCAL_LAB_KUBELET_START_MS', 3_000),
  };
}

// systemd's shutdown/reboot as far as a lab board needs them (see the top of this file).
const STAND_IN = `#!/bin/sh
# picocal lab board (LAB ONLY): shutdown(8) and reboot(8) for reboots; see src/lab/board-reboot.ts.
name=\${0##*/}
reboot=false
when=now
if [ "$name" = reboot ]; then
  reboot=true
  for a in "$@"; do
    case "$a" in
      -f|--force|-ff|--no-wall) ;;
      -p|--poweroff|--halt) reboot=false ;;
      *) echo "reboot: invalid option -- '$a'" >&2; exit 1 ;;
    esac
  done
else
  while [ $# -gt 0 ]; do
    case "$1" in
      -r|--reboot) reboot=true ;;
      -h|-P|-H|--poweroff|--halt) reboot=false ;;
      -k|-c) echo "shutdown: $1 is not modelled on a lab board" >&2; exit 1 ;;
      --no-wall) ;;
      -*) echo "shutdown: invalid option -- '$1'" >&2; exit 1 ;;
      *) break ;;
    esac
    shift
  done
  if [ $# -gt 0 ]; then when=$1; shift; fi
fi
case "$when" in
  now|+0|0) ;;
  +[0-9]*|[0-9]*|*:*) echo "shutdown: only an immediate reboot (now, +0, 0) is modelled on a lab board, not '$when'" >&2; exit 1 ;;
  *) echo "Failed to parse time specification: $when" >&2; exit 1 ;;
esac
if [ "$reboot" != true ]; then
  echo "$name: only reboots are modelled on a lab board; power it off with: picocal lab fault <node> power-off" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "Call to Reboot failed: Access denied (run it as root, e.g. with sudo)" >&2
  exit 1
fi
mkdir -p /${dirname(REBOOT_REQUEST)}
printf '%s\\n' "$*" > /${REBOOT_REQUEST}
`;

/** Puts the shutdown/reboot stand-ins into a board's upper directory (before it first boots). */
export function writeRebootStandIns(upperDir: string): void {
  mkdirSync(join(upperDir, 'usr/sbin'), { recursive: true, mode: 0o755 });
  for (const name of ['shutdown', 'reboot']) {
    const path = join(upperDir, 'usr/sbin', name);
    writeFileSync(path, STAND_IN, { mode: 0o755 });
    chmodSync(path, 0o755);
  }
}

export function powerLogPath(labDir: string, node: string): string {
  return join(nodePaths(labDir, node).dir, 'power.log');
}

export interface PowerEvent {
  at: string;
  event: string;
}

/** The board's power events so far (empty when it never rebooted). */
export function readPowerLog(labDir: string, node: string): PowerEvent[] {
  const path = powerLogPath(labDir, node);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ at: l.slice(0, l.indexOf(' ')), event: l.slice(l.indexOf(' ') + 1) }));
}

function logPower(labDir: string, node: string, event: string): void {
  appendFileSync(powerLogPath(labDir, node), `${new Date().toISOString()} ${event}\n`);
}

/** Read-modify-write of one node in lab.json, in one synchronous step (other nodes' changes are kept). */
function updateNode(labDir: string, node: string, change: Partial<LabNodeState>): void {
  const state = readLabState(labDir);
  const n = state?.nodes.find((x) => x.name === node);
  if (!state || !n) return;
  Object.assign(n, change);
  if ('pid' in change && change.pid === undefined) delete n.pid;
  writeLabState(state);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SHUTDOWN_GRACE_MS = 500;

/** Carries out one board's reboot (see the top of this file). */
export async function rebootBoard(labDir: string, node: string, t: RebootTimings): Promise<void> {
  // systemd stops services before the kernel restarts: the command that asked returns first (usually).
  await sleep(SHUTDOWN_GRACE_MS);
  const state = readLabState(labDir);
  const n = state?.nodes.find((x) => x.name === node);
  if (!state || !n) return;
  logPower(labDir, node, 'halt');
  await haltNodes(state, [n]);
  rmSync(join(n.upperDir, REBOOT_REQUEST), { force: true });
  updateNode(labDir, node, { state: 'stopped', pid: undefined });
  await sleep(t.downMs);
  const again = readLabState(labDir);
  const m = again?.nodes.find((x) => x.name === node);
  if (!again || !m) return;
  logPower(labDir, node, 'boot');
  try {
    await bootNodes(again, [m]);
  } catch (err) {
    updateNode(labDir, node, { state: 'stopped', pid: m.pid });
    logPower(labDir, node, `failed ${(err as Error).message.split('\n')[0] ?? ''}`);
    return;
  }
  // sshd answers; the kubelet has not posted Ready yet.
  updateNode(labDir, node, { state: 'stopped', pid: m.pid });
  logPower(labDir, node, 'ssh');
  await sleep(t.kubeletMs);
  updateNode(labDir, node, { state: 'running' });
  logPower(labDir, node, 'ready');
}

/** Watches the boards' reboot requests; one reboot at a time per board. */
export class BoardRebooter {
  private readonly busy = new Set<string>();

  constructor(
    private readonly labDir: string,
    private readonly timings: RebootTimings = rebootTimings(),
  ) {}

  /** Starts the reboot of every board that asked for one since the last call. */
  check(state: LabState): void {
    for (const n of state.nodes) {
      if (this.busy.has(n.name) || !existsSync(join(n.upperDir, REBOOT_REQUEST))) continue;
      this.busy.add(n.name);
      void rebootBoard(this.labDir, n.name, this.timings)
        .catch((err: unknown) => logPower(this.labDir, n.name, `failed ${String(err)}`))
        .finally(() => this.busy.delete(n.name));
    }
  }
}
