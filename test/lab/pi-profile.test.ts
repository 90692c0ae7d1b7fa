// `lab up --profile pi4` (issue 19): each board's processes — its sshd, what an SSH session runs, and the
// stand-ins started in it — are in the board's own cgroup under picocal/<lab>, with the calibrated CPU limit;
// `lab down` removes the groups. A profile the host cannot apply in full is refused (exit 2, nothing made)
// unless --partial-profile, which records what was skipped.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { EXIT, LabError } from '../../src/errors.js';
import { labDown } from '../../src/lab/lab-down.js';
import { labIdentity } from '../../src/lab/lab-naming.js';
import type { LabState } from '../../src/lab/lab-state.js';
import { labUp } from '../../src/lab/lab-up.js';
import { runInNode } from '../../src/lab/node-exec.js';
import { findHierarchy, labCgroupDirs } from '../../src/lab/profile/cgroups.js';
import { readLabProfile } from '../../src/lab/profile/lab-profile.js';
import { netemProblem } from '../../src/lab/profile/netem.js';
import { describeLab } from './helpers/lab-fixture.js';
import { ssh } from './helpers/ssh.js';

const LAB = 'pi-prof';
const REFUSED = 'pi-refuse';

/** The cgroup path of `pid` in the hierarchy that has the cpu controller (v1 line `N:cpu:/path`, v2 `0::/path`). */
function cpuCgroupOf(pid: number | string): string | undefined {
  const h = findHierarchy('cpu');
  if ('problem' in h) return undefined;
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const line =
    h.version === 2
      ? lines.find((l) => l.startsWith('0::'))
      : lines.find((l) => l.split(':')[1]?.split(',').includes('cpu'));
  return line?.split(':').slice(2).join(':');
}

describeLab('lab up --profile (board cgroups, calibrated CPU limit)', () => {
  let state: LabState | undefined;
  const lab = (): LabState => {
    if (!state) throw new Error('lab did not start');
    return state;
  };
  beforeAll(async () => {
    await labDown({ name: LAB });
    await labDown({ name: REFUSED });
    state = (await labUp({ name: LAB, nodes: 2, apiServer: false, profile: 'pi4', partialProfile: true }))
      .state;
  }, 60_000);
  afterAll(async () => {
    await labDown({ name: LAB });
    await labDown({ name: REFUSED });
  });

  it('records the profile and gives every board its CPU limit', () => {
    const record = readLabProfile(lab().dir);
    expect(record?.profile).toBe('pi4');
    const cpu = record?.cpu;
    expect(cpu, JSON.stringify(record)).toBeDefined();
    if (!cpu) return;
    expect(cpu.modelPythonMs).toBe(92);
    expect(cpu.quotaUs / cpu.periodUs).toBeCloseTo(cpu.share, 2);
    for (const n of lab().nodes) {
      const dir = join(cpu.hierarchy.mount, 'picocal', LAB, n.name);
      const limit =
        cpu.hierarchy.version === 2
          ? readFileSync(join(dir, 'cpu.max'), 'utf8').trim()
          : `${readFileSync(join(dir, 'cpu.cfs_quota_us'), 'utf8').trim()} ${readFileSync(join(dir, 'cpu.cfs_period_us'), 'utf8').trim()}`;
      expect(limit).toBe(`${cpu.quotaUs} ${cpu.periodUs}`);
    }
  });

  it("the board's sshd and an SSH session's processes are in the board's group", async () => {
    for (const n of lab().nodes) {
      const want = `/picocal/${LAB}/${n.name}`;
      expect(cpuCgroupOf(n.pid ?? 0)).toBe(want);
      // The session's shell reads its own cgroup (as the board sees /proc: the host's cgroup paths).
      const r = await ssh(lab(), n, 'cat /proc/self/cgroup');
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toContain(want);
    }
  }, 30_000);

  it('a stand-in started in a board (runInNode) starts in its group', async () => {
    const n = lab().nodes[1];
    if (!n) throw new Error('no board 2');
    const child = runInNode(lab(), n, ['sleep', '30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(cpuCgroupOf(child.pid ?? 0)).toBe(`/picocal/${LAB}/${n.name}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('refuses (exit 2, nothing made) a profile the host cannot apply in full, else applies all of it', async () => {
    const missing =
      (await netemProblem()) ??
      ('problem' in findHierarchy('cpu') ? 'cpu' : undefined) ??
      ('problem' in findHierarchy('io') ? 'io' : undefined);
    if (missing === undefined) {
      const up = await labUp({ name: REFUSED, nodes: 1, apiServer: false, profile: 'pi5' });
      expect(readLabProfile(up.state.dir)?.skipped).toEqual([]);
      return;
    }
    const err = await labUp({ name: REFUSED, nodes: 1, apiServer: false, profile: 'pi5' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).exitCode).toBe(EXIT.usage);
    expect((err as Error).message).toMatch(
      /the pi5 profile cannot be applied on this host:[\s\S]*nothing was changed/,
    );
    expect(existsSync(labIdentity(REFUSED).dir)).toBe(false);
    expect(labCgroupDirs(REFUSED)).toEqual([]);
    // The partial lab records the same reasons.
    expect(readLabProfile(lab().dir)?.skipped.length).toBeGreaterThan(0);
  }, 30_000);

  it('lab down removes the lab group in every hierarchy', async () => {
    expect(labCgroupDirs(LAB).length).toBeGreaterThan(0);
    await labDown({ name: LAB });
    expect(labCgroupDirs(LAB)).toEqual([]);
  }, 30_000);
});
