// Per-board control groups for a profiled lab: `<hierarchy>/picocal/<lab>/<board>`, one per board in each
// hierarchy that carries a controller the profile uses. cgroup v2 (cpu.max, io.max) where the unified
// hierarchy has the controller; otherwise cgroup v1 (cpu.cfs_quota_us/cpu.cfs_period_us — the same CFS
// bandwidth control that cpu.max sets — and blkio.throttle.*), as on hybrid hosts where systemd left the
// cpu controller on v1. Kernel contract: https://docs.kernel.org/admin-guide/cgroup-v2.html ("cpu.max",
// "io.max", "no internal process constraint") and
// https://docs.kernel.org/scheduler/sched-bwc.html (CFS bandwidth control, v1 files). LAB ONLY.
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { LabError } from '../../errors.js';

export const CGROUP_PARENT = 'picocal';

export type Controller = 'cpu' | 'io';

export interface Hierarchy {
  version: 1 | 2;
  /** Mount point of the hierarchy. */
  mount: string;
}

interface MountLine {
  type: string;
  mount: string;
  options: string[];
}

function mounts(): MountLine[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4 && (f[2] === 'cgroup' || f[2] === 'cgroup2'))
    .map((f) => ({
      type: f[2] ?? '',
      mount: (f[1] ?? '').replace(/\\040/g, ' '),
      options: (f[3] ?? '').split(','),
    }));
}

function v2Controllers(mount: string): string[] {
  try {
    return readFileSync(join(mount, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

/** Where the controller can be used, v2 first; undefined with the reason when nowhere. */
export function findHierarchy(controller: Controller): Hierarchy | { problem: string } {
  const all = mounts();
  const v2 = all.find((m) => m.type === 'cgroup2' && v2Controllers(m.mount).includes(controller));
  if (v2) return { version: 2, mount: v2.mount };
  const v1Name = controller === 'cpu' ? 'cpu' : 'blkio';
  const v1 = all.find((m) => m.type === 'cgroup' && m.options.includes(v1Name));
  if (v1) return { version: 1, mount: v1.mount };
  const unified = all.find((m) => m.type === 'cgroup2');
  return {
    problem: unified
      ? `the cgroup v2 hierarchy at ${unified.mount} does not offer the ${controller} controller ` +
        `(cgroup.controllers: ${v2Controllers(unified.mount).join(' ') || 'none'}) and no cgroup v1 ` +
        `${v1Name} hierarchy is mounted`
      : `no cgroup hierarchy with the ${controller} controller is mounted`,
  };
}

export function labCgroupDir(h: Hierarchy, labName: string): string {
  return join(h.mount, CGROUP_PARENT, labName);
}

export function boardCgroupDir(h: Hierarchy, labName: string, board: string): string {
  return join(labCgroupDir(h, labName), board);
}

function write(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch (err) {
    throw new LabError(`could not write '${value.trim()}' to ${path}: ${(err as Error).message}`, {
      hint: 'the kernel refused a cgroup setting; start the lab with --profile fast, or fix the host (see README "Board profiles")',
      cause: err,
    });
  }
}

/** v2: each ancestor must pass the controller down (`+cpu` in cgroup.subtree_control). */
function enableDown(h: Hierarchy, dir: string, controller: Controller): void {
  if (h.version !== 2) return;
  const control = join(dir, 'cgroup.subtree_control');
  const enabled = readFileSync(control, 'utf8').trim().split(/\s+/);
  if (!enabled.includes(controller)) write(control, `+${controller}`);
}

/** Makes `picocal/<lab>/<board>` for every board (idempotent) and returns the boards' folders. */
export function makeBoardCgroups(
  h: Hierarchy,
  labName: string,
  boards: readonly string[],
  controller: Controller,
): string[] {
  const parent = join(h.mount, CGROUP_PARENT);
  const lab = labCgroupDir(h, labName);
  mkdirSync(lab, { recursive: true });
  enableDown(h, h.mount, controller);
  enableDown(h, parent, controller);
  enableDown(h, lab, controller);
  return boards.map((b) => {
    const dir = boardCgroupDir(h, labName, b);
    mkdirSync(dir, { recursive: true });
    return dir;
  });
}

/** CFS bandwidth: `quotaUs` of CPU time in every `periodUs`, for all the board's processes together. */
export function setCpuLimit(h: Hierarchy, dir: string, quotaUs: number, periodUs: number): void {
  if (h.version === 2) write(join(dir, 'cpu.max'), `${quotaUs} ${periodUs}\n`);
  else {
    write(join(dir, 'cpu.cfs_period_us'), `${periodUs}\n`);
    write(join(dir, 'cpu.cfs_quota_us'), `${quotaUs}\n`);
  }
}

export interface IoLimit {
  device: string; // MAJ:MIN of a whole disk
  readBps: number;
  writeBps: number;
  readIops: number;
  writeIops: number;
}

export function setIoLimit(h: Hierarchy, dir: string, l: IoLimit): void {
  if (h.version === 2) {
    write(
      join(dir, 'io.max'),
      `${l.device} rbps=${l.readBps} wbps=${l.writeBps} riops=${l.readIops} wiops=${l.writeIops}\n`,
    );
    return;
  }
  write(join(dir, 'blkio.throttle.read_bps_device'), `${l.device} ${l.readBps}\n`);
  write(join(dir, 'blkio.throttle.write_bps_device'), `${l.device} ${l.writeBps}\n`);
  write(join(dir, 'blkio.throttle.read_iops_device'), `${l.device} ${l.readIops}\n`);
  write(join(dir, 'blkio.throttle.write_iops_device'), `${l.device} ${l.writeIops}\n`);
}

/**
 * The whole disk (MAJ:MIN) holding `path`, as io.max and blkio.throttle want it; a partition is traced to its
 * disk through sysfs. Undefined with the reason for a file system on no block device (tmpfs, overlay, ...).
 */
export function blockDeviceOf(path: string): { device: string } | { problem: string } {
  const dev = statSync(path).dev;
  const major = Math.floor(dev / 256) & 0xfff;
  const minor = (dev & 0xff) | ((Math.floor(dev / 4096) & 0xfff00) >>> 0);
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (major === 0 || !existsSync(sys)) {
    return {
      problem: `${path} is on device ${major}:${minor}, which is not a block device (tmpfs, overlay or network file system)`,
    };
  }
  if (!existsSync(join(sys, 'partition'))) return { device: `${major}:${minor}` };
  try {
    const disk = dirname(join('/sys/dev/block', readlinkSync(sys)));
    return { device: readFileSync(join(disk, 'dev'), 'utf8').trim() };
  } catch {
    return { problem: `could not find the disk of partition ${major}:${minor} in sysfs` };
  }
}

/** Every hierarchy mount that may hold a `picocal/<lab>` folder. */
function hierarchyMounts(): string[] {
  return mounts().map((m) => m.mount);
}

export function labCgroupDirs(labName: string): string[] {
  return hierarchyMounts()
    .map((m) => join(m, CGROUP_PARENT, labName))
    .filter((d) => existsSync(d));
}

function procsOf(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * Removes `picocal/<lab>` in every hierarchy (and `picocal` when it is left empty). A process still in a
 * board's group is the lab's own (only the lab's boards were put there): it is killed first.
 */
export async function removeLabCgroups(labName: string): Promise<string[]> {
  const left: string[] = [];
  for (const lab of labCgroupDirs(labName)) {
    const boards = readdirSync(lab, { withFileTypes: true }).filter((e) => e.isDirectory());
    for (const b of boards) {
      const dir = join(lab, b.name);
      for (let i = 0; i < 40 && procsOf(dir).length > 0; i++) {
        for (const pid of procsOf(dir)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone already
          }
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      if (!tryRmdir(dir)) left.push(dir);
    }
    if (!tryRmdir(lab)) left.push(lab);
    const parent = dirname(lab);
    if (readdirSync(parent, { withFileTypes: true }).every((e) => !e.isDirectory())) tryRmdir(parent);
  }
  return left;
}

function tryRmdir(dir: string): boolean {
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return !existsSync(dir);
  }
}

/** cgroup.procs files a board's new process must join (one per hierarchy in use). */
export function boardProcsFiles(hierarchies: readonly Hierarchy[], labName: string, board: string): string[] {
  return [...new Set(hierarchies.map((h) => join(boardCgroupDir(h, labName, board), 'cgroup.procs')))];
}

/** Moves one running process into the board's groups. */
export function moveIntoBoard(procsFiles: readonly string[], pid: number): void {
  for (const f of procsFiles) {
    try {
      writeFileSync(f, `${pid}\n`);
    } catch {
      // The process ended meanwhile: nothing to limit.
    }
  }
}
