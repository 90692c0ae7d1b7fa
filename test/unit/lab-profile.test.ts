// Board profiles (lab up --profile): the CPU calibration arithmetic, the profile names, the wrapper that
// starts a board's process inside its cgroups (run for real against plain files standing in for
// cgroup.procs), and the block-device lookup for the I/O limit.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT, UsageError } from '../../src/errors.js';
import { LAB_PROFILES, boardModel, parseLabProfile } from '../../src/lab/profile/board-profiles.js';
import { cpuLimitFor } from '../../src/lab/profile/calibrate.js';
import { blockDeviceOf } from '../../src/lab/profile/cgroups.js';
import { PROFILE_FILE, boardCommand, type LabProfileRecord } from '../../src/lab/profile/lab-profile.js';

describe('cpuLimitFor: the board gets hostMs / modelMs of one CPU', () => {
  it.each([
    // hostMs, modelMs, share, periodUs, quotaUs
    [11, 92, 11 / 92, 10_000, 1_196],
    [46, 92, 0.5, 10_000, 5_000],
    [20, 50, 0.4, 10_000, 4_000],
    // Shares under 10 %: a longer period keeps the quota at the kernel's 1 ms minimum.
    [0.5, 92, 0.01, 100_000, 1_000],
    [5, 92, 5 / 92, 18_400, 1_000],
    // A host no faster than the board: no limit below one CPU.
    [120, 92, 1, 10_000, 10_000],
  ])('%d ms here, %d ms on the board', (hostMs, modelMs, share, periodUs, quotaUs) => {
    const l = cpuLimitFor(hostMs, modelMs);
    expect(l.share).toBeCloseTo(share, 6);
    expect(l.periodUs).toBe(periodUs);
    expect(l.quotaUs).toBe(quotaUs);
  });
});

describe('profile names', () => {
  it.each(LAB_PROFILES.map((p) => [p]))('%s parses', (p) => expect(parseLabProfile(p)).toBe(p));
  it.each([['pi3'], ['PI4'], [''], ['pi4 ']])("'%s' is a usage error naming the choices", (bad) => {
    const err = (() => {
      try {
        parseLabProfile(bad);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).exitCode).toBe(EXIT.usage);
    expect((err as Error).message).toContain('fast, pi4, pi5');
  });
  it('fast has no board model; pi4 is slower than pi5', () => {
    expect(boardModel('fast')).toBeUndefined();
    expect(boardModel('pi4')?.pythonStartMs).toBeGreaterThan(boardModel('pi5')?.pythonStartMs ?? Infinity);
  });
});

describe('boardCommand: a board process starts inside its cgroups', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  function labWithProfile(make?: (root: string) => LabProfileRecord): { labDir: string; procs: string[] } {
    dir = mkdtempSync(join(tmpdir(), 'picocal-profile-'));
    const record = make?.(dir);
    const labDir = join(dir, 'lab');
    mkdirSync(labDir);
    const procs: string[] = [];
    for (const m of ['cpu', 'blkio']) {
      const board = join(dir, m, 'picocal', 'pi-t', 'pc-node2');
      mkdirSync(board, { recursive: true });
      procs.push(join(board, 'cgroup.procs'));
      writeFileSync(procs.at(-1) ?? '', '');
    }
    if (record) writeFileSync(join(labDir, PROFILE_FILE), JSON.stringify(record));
    return { labDir, procs };
  }

  it('without a profile the argv is unchanged', () => {
    const { labDir } = labWithProfile();
    expect(boardCommand(labDir, 'pi-t', 'pc-node2', ['ip', 'netns', 'exec', 'x', 'true'])).toEqual([
      'ip',
      'netns',
      'exec',
      'x',
      'true',
    ]);
  });

  it('with CPU and I/O limits the program runs with its own PID written to both groups first', async () => {
    const { labDir, procs } = labWithProfile((root) => ({
      profile: 'pi4',
      skipped: [],
      cpu: {
        hierarchy: { version: 1, mount: join(root, 'cpu') },
        share: 0.1,
        periodUs: 10_000,
        quotaUs: 1_000,
        hostPythonMs: 9.2,
        modelPythonMs: 92,
      },
      io: {
        hierarchy: { version: 1, mount: join(root, 'blkio') },
        limit: { device: '254:0', readBps: 1, writeBps: 1, readIops: 1, writeIops: 1 },
      },
    }));
    // An argument with shell syntax in it stays one argument (no shell string is built from it).
    const argv = boardCommand(labDir, 'pi-t', 'pc-node2', ['sh', '-c', 'echo $$; echo "$0"', '$(id); --']);
    const [file, ...args] = argv;
    const r = await execa(file ?? '', args);
    const [pid, arg0] = r.stdout.split('\n');
    for (const p of procs) expect(readFileSync(p, 'utf8').trim()).toBe(pid);
    expect(arg0).toBe('$(id); --');
  });

  it('a group it cannot join stops the start (exit 125), rather than running the board unlimited', async () => {
    const { labDir, procs } = labWithProfile((root) => ({
      profile: 'pi4',
      skipped: [],
      cpu: {
        hierarchy: { version: 1, mount: join(root, 'cpu') },
        share: 0.1,
        periodUs: 10_000,
        quotaUs: 1_000,
        hostPythonMs: 9.2,
        modelPythonMs: 92,
      },
    }));
    rmSync(procs[0] ?? '');
    mkdirSync(procs[0] ?? ''); // a folder where cgroup.procs should be: the write fails
    const [file, ...args] = boardCommand(labDir, 'pi-t', 'pc-node2', ['echo', 'ran']);
    const r = await execa(file ?? '', args, { reject: false });
    expect(r.exitCode).toBe(125);
    expect(r.stdout).not.toContain('ran');
  });
});

describe('blockDeviceOf (the disk io.max / blkio.throttle limit)', () => {
  it('refuses a file system on no block device, naming it', () => {
    const r = blockDeviceOf('/proc');
    expect('problem' in r && r.problem).toMatch(/\/proc is on device 0:\d+, which is not a block device/);
  });
});
