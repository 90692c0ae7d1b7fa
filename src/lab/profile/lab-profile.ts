// A lab's board profile, end to end: the host checks (`lab up` refuses a profile this machine cannot apply,
// before anything changes), the calibration, the per-board cgroups and netem, putting a board's processes in
// its groups, and the cleanup for `lab down`. The applied profile is `<lab dir>/profile.json`. LAB ONLY.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXIT, LabError } from '../../errors.js';
import { processesInNetns } from '../host-processes.js';
import { labIdentity, nodeIdentity, nodeIndexOf } from '../lab-naming.js';
import type { LabNodeState, LabState } from '../lab-state.js';
import { boardModel, type LabProfileName } from './board-profiles.js';
import { cpuLimitFor, hostWorkloadMs, type CpuLimit } from './calibrate.js';
import {
  blockDeviceOf,
  boardProcsFiles,
  findHierarchy,
  makeBoardCgroups,
  moveIntoBoard,
  removeLabCgroups,
  setCpuLimit,
  setIoLimit,
  type Hierarchy,
  type IoLimit,
} from './cgroups.js';
import { applyNetem, netemProblem } from './netem.js';

export const PROFILE_FILE = 'profile.json';

export interface LabProfileRecord {
  profile: LabProfileName;
  board?: string;
  cpu?: CpuLimit & { hierarchy: Hierarchy; hostPythonMs: number; modelPythonMs: number };
  net?: { delayUs: number; jitterUs: number };
  io?: { hierarchy: Hierarchy; limit: IoLimit };
  /** Parts of the profile not applied (only with partial: true), each with the reason. */
  skipped: string[];
}

export interface PlanProfileOptions {
  profile: LabProfileName;
  /** Apply what this host allows and record the rest as skipped, instead of refusing. */
  partial?: boolean;
  /** Where the lab's boards write (their overlay upper folders): the disk the I/O limit applies to. */
  labDir: string;
}

/** Checks the host and calibrates; throws (exit 2, nothing changed) when a part cannot be applied. */
export async function planLabProfile(opts: PlanProfileOptions): Promise<LabProfileRecord | undefined> {
  const model = boardModel(opts.profile);
  if (!model) return undefined;
  const record: LabProfileRecord = { profile: model.name, board: model.board, skipped: [] };
  const problems: string[] = [];

  const cpuH = findHierarchy('cpu');
  if ('problem' in cpuH) problems.push(`CPU limit: ${cpuH.problem}`);
  else {
    const hostMs = hostWorkloadMs();
    const limit = cpuLimitFor(hostMs, model.pythonStartMs);
    record.cpu = {
      ...limit,
      hierarchy: cpuH,
      hostPythonMs: +hostMs.toFixed(1),
      modelPythonMs: model.pythonStartMs,
    };
    if (hostMs >= model.pythonStartMs)
      problems.push(
        `CPU limit: this host needs ${hostMs.toFixed(0)} ms for python3 start-up, no faster than a ${model.name} ` +
          `(${model.pythonStartMs} ms): it cannot be slowed down to one`,
      );
  }

  const netem = await netemProblem();
  if (netem) problems.push(`network delay: ${netem}`);
  else record.net = { ...model.link };

  const ioH = findHierarchy('io');
  const disk = blockDeviceOf(existsSync(opts.labDir) ? opts.labDir : dirname(opts.labDir));
  if ('problem' in ioH) problems.push(`I/O limit: ${ioH.problem}`);
  else if ('problem' in disk) problems.push(`I/O limit: ${disk.problem}`);
  else record.io = { hierarchy: ioH, limit: { device: disk.device, ...model.disk } };

  if (problems.length > 0 && !opts.partial) {
    throw new LabError(
      `the ${model.name} profile cannot be applied on this host:\n  - ${problems.join('\n  - ')}\nnothing was changed`,
      {
        hint:
          `add --partial-profile to apply only what this host allows (the lab records what was skipped), or use ` +
          `--profile fast; see README "Board profiles"`,
      },
      EXIT.usage,
    );
  }
  record.skipped = problems;
  if (record.cpu && record.cpu.hostPythonMs >= model.pythonStartMs) delete record.cpu;
  return record;
}

export function readLabProfile(labDir: string): LabProfileRecord | undefined {
  const p = join(labDir, PROFILE_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as LabProfileRecord;
  } catch {
    return undefined;
  }
}

function hierarchiesOf(r: LabProfileRecord): Hierarchy[] {
  return [r.cpu?.hierarchy, r.io?.hierarchy].filter((h): h is Hierarchy => h !== undefined);
}

/** Makes the boards' cgroups with their limits and records the profile (before the boards boot). */
export function applyLabProfile(state: LabState, record: LabProfileRecord | undefined): void {
  if (!record) return;
  writeFileSync(join(state.dir, PROFILE_FILE), JSON.stringify(record, null, 2) + '\n');
  const boards = state.nodes.map((n) => n.name);
  if (record.cpu) {
    const { hierarchy, quotaUs, periodUs } = record.cpu;
    for (const dir of makeBoardCgroups(hierarchy, state.name, boards, 'cpu'))
      setCpuLimit(hierarchy, dir, quotaUs, periodUs);
  }
  if (record.io) {
    const { hierarchy, limit } = record.io;
    for (const dir of makeBoardCgroups(hierarchy, state.name, boards, 'io'))
      setIoLimit(hierarchy, dir, limit);
  }
}

/**
 * argv that runs `argv` inside the board's cgroups: a shell joins them by writing its own PID to each
 * cgroup.procs, then execs the program, so the program and all it spawns start inside (no window in which
 * they run unlimited). Paths and argv are positional parameters, never part of the script text.
 */
export function boardCommand(
  labDir: string,
  labName: string,
  board: string,
  argv: readonly string[],
): string[] {
  const record = readLabProfile(labDir);
  const files = record ? boardProcsFiles(hierarchiesOf(record), labName, board) : [];
  if (files.length === 0) return [...argv];
  const script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 125; shift; done; shift; exec "$@"';
  return ['/bin/sh', '-c', script, 'picocal-board', ...files, '--', ...argv];
}

/**
 * After boards boot: every process in each board's network namespace goes into the board's groups (their
 * children follow by inheritance), and the board's link gets its delay (again, after a power cycle).
 */
export async function enterBoardProfile(state: LabState, nodes: readonly LabNodeState[]): Promise<void> {
  const record = readLabProfile(state.dir);
  if (!record) return;
  const hierarchies = hierarchiesOf(record);
  if (hierarchies.length > 0) {
    // Twice: a process forked while the first pass ran is caught by the second.
    for (let pass = 0; pass < 2; pass++) {
      const byNetns = processesInNetns(nodes.map((n) => n.netns));
      for (const node of nodes) {
        const files = boardProcsFiles(hierarchies, state.name, node.name);
        for (const p of byNetns.get(node.netns) ?? []) moveIntoBoard(files, p.pid);
      }
    }
  }
  if (record.net) {
    const { delayUs, jitterUs } = record.net;
    const lab = labIdentity(state.name);
    await Promise.all(
      nodes.map((n) => {
        const index = nodeIndexOf(n.name);
        if (index === undefined) return Promise.resolve();
        const id = nodeIdentity(lab, index);
        return applyNetem({ veth: id.veth, netns: id.netns }, delayUs, jitterUs);
      }),
    );
  }
}

/** `lab down`: the lab's cgroups in every hierarchy (found by name, so it works without profile.json). */
export async function removeLabProfile(labName: string): Promise<string[]> {
  return removeLabCgroups(labName);
}
