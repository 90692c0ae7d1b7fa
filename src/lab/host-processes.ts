// Finding a lab's processes on the host by what they are (network namespace, command line), never by a
// broad name: another lab, or the user's own ssh, must never be hit. LAB ONLY.
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

export interface HostProcess {
  pid: number;
  ppid: number;
  comm: string;
}

function pids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^[0-9]+$/.test(e))
    .map(Number);
}

export function readProcess(pid: number): HostProcess | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm is in parentheses and may itself contain spaces or parentheses: split at the last ')'.
    const close = stat.lastIndexOf(')');
    const comm = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    if (fields[0] === 'Z') return undefined;
    return { pid, ppid: Number(fields[1]), comm };
  } catch {
    return undefined;
  }
}

export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return [];
  }
}

export function isAlive(pid: number | undefined): pid is number {
  return pid !== undefined && pid > 0 && readProcess(pid) !== undefined;
}

function netnsInode(path: string): number | undefined {
  try {
    return statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Every live process in each of the named network namespaces (`ip netns pids`, for many at once). */
export function processesInNetns(netnsNames: readonly string[]): Map<string, HostProcess[]> {
  const byInode = new Map<number, string>();
  const result = new Map<string, HostProcess[]>();
  for (const name of netnsNames) {
    result.set(name, []);
    const ino = netnsInode(`/run/netns/${name}`);
    if (ino !== undefined) byInode.set(ino, name);
  }
  if (byInode.size === 0) return result;
  for (const pid of pids()) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      continue;
    }
    const ino = Number(/\[(\d+)\]/.exec(link)?.[1]);
    const name = byInode.get(ino);
    if (name === undefined) continue;
    const proc = readProcess(pid);
    if (proc) result.get(name)?.push(proc);
  }
  return result;
}

/**
 * True when an argument is `dir` or a path under it, also as an option value (`ControlPath="/tmp/pcl-x/cp/%C"`)
 * or inside a process title (an ssh master renames itself `ssh: /tmp/pcl-x/cp/... [mux]`). A bare prefix
 * match would confuse lab `a` with lab `a-b`.
 */
export function mentionsDir(argv: readonly string[], dir: string): boolean {
  return argv.some((a) => {
    const value = a.slice(a.indexOf('=') + 1).replace(/^["']|["']$/g, '');
    return [a, value].some((v) => v === dir || v.startsWith(`${dir}/`)) || a.includes(` ${dir}/`);
  });
}

/** Processes whose arguments name `dir` or a path under it (see mentionsDir) and that `accept` approves. */
export function processesMentioning(dir: string, accept: (p: HostProcess, argv: string[]) => boolean) {
  const found: HostProcess[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const argv = commandLine(pid);
    if (!mentionsDir(argv, dir)) continue;
    const proc = readProcess(pid);
    if (proc && accept(proc, argv)) found.push(proc);
  }
  return found;
}

export function killHard(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Waits until none of `pidList` is alive (or the deadline passes); returns those still alive. */
export async function waitGone(pidList: readonly number[], timeoutMs: number): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = pidList.filter((p) => isAlive(p));
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
    alive = alive.filter((p) => isAlive(p));
  }
  return alive;
}
