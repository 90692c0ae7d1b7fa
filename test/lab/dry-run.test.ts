// --dry-run of bootstrap, reprovision and upgrade runs every read-only check a real run makes (lock,
// version guard, release files and their sha256) and exits with the code the real run would have, on a
// 2-board lab bootstrapped on 3.31.7. Nothing changes: no lock, no run folder, the cluster's version kept.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { nodeOf, ssh } from './helpers/ssh.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'dryrun';

interface DryPlan {
  dryRun: true;
  exitCode: number;
  plan: { target: string; action: string; verdict?: string }[];
}

describeLab('--dry-run evaluates the checks of a real run', () => {
  const lab = useLab(LAB, 2);
  let work = '';
  let inv = '';
  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');
  const inventoryWith = (version: string): string => {
    const file = join(work, `inventory.${version}.yaml`);
    writeFileSync(
      file,
      readFileSync(inv, 'utf8').replace(/calico_version: "[^"]+"/, `calico_version: "${version}"`),
    );
    return file;
  };
  const emptyDir = () => mkdtempSync(join(tmpdir(), 'pc-dry-empty-'));

  beforeAll(async () => {
    ({ work, inventory: inv } = labWorkDir('pc-dryrun-', lab.state, '3.31.7'));
    const r = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
    if (r.code !== 0) throw new Error(`the first bootstrap failed (${r.code}):\n${r.stderr}`);
  }, 600_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const foreignLock = JSON.stringify({
    host: 'ops-laptop',
    user: 'alice',
    pid: 4242,
    runId: '20260101-120000-ab12-upgrade',
    command: 'upgrade',
    startedAt: new Date().toISOString(),
  });

  // [name, argv (after -i INV), inventory version, set-up, exit code, verdict of the deciding check]
  const table: Array<{
    name: string;
    argv: string[];
    version?: string;
    lock?: boolean;
    code: number;
    verdict: RegExp;
  }> = [
    {
      name: 'bootstrap, all checks pass',
      argv: ['bootstrap', '--artifacts', SHARED_CALICO],
      code: 0,
      verdict: /^PASS$/,
    },
    {
      name: 'reprovision, all checks pass',
      argv: ['reprovision', 'pc-node2', '--artifacts', SHARED_CALICO],
      code: 0,
      verdict: /^PASS$/,
    },
    {
      name: 'bootstrap with an older calico_version',
      argv: ['bootstrap', '--artifacts', SHARED_CALICO],
      version: '3.30.7',
      code: 2,
      verdict: /^WOULD BE REFUSED$/,
    },
    {
      name: 'reprovision with a newer calico_version',
      argv: ['reprovision', 'pc-node2', '--artifacts', SHARED_CALICO],
      version: '3.32.1',
      code: 2,
      verdict: /^WOULD BE REFUSED$/,
    },
    {
      name: 'bootstrap while another run holds the lock',
      argv: ['bootstrap', '--artifacts', SHARED_CALICO],
      lock: true,
      code: 1,
      verdict: /^WOULD BE REFUSED$/,
    },
    {
      name: 'bootstrap with --break-lock over that lock',
      argv: ['bootstrap', '--artifacts', SHARED_CALICO, '--break-lock'],
      lock: true,
      code: 0,
      verdict: /^PASS$/,
    },
    {
      name: 'bootstrap with --artifacts naming an empty folder',
      argv: ['bootstrap', '--artifacts', '<empty>'],
      code: 1,
      verdict: /^WOULD FAIL$/,
    },
    {
      name: 'upgrade --to other than the inventory',
      argv: ['upgrade', '--to', '3.32.1', '--artifacts', SHARED_CALICO],
      code: 2,
      verdict: /^$/,
    },
  ];
  for (const c of table) {
    it(`${c.name}: exit ${c.code}`, { timeout: 120_000 }, async () => {
      const cp = nodeOf(current(), 'pc-node1');
      if (c.lock) {
        const put = await ssh(
          current(),
          cp,
          `mkdir -p /var/lib/picocal && printf '%s\\n' '${foreignLock}' > /var/lib/picocal/lock`,
        );
        expect(put.exitCode, put.stderr).toBe(0);
      }
      const runs = join(work, '.picocal', 'runs');
      const before = existsSync(runs) ? readdirSync(runs).length : 0;
      try {
        const file = c.version ? inventoryWith(c.version) : inv;
        const argv = c.argv.map((a) => (a === '<empty>' ? emptyDir() : a));
        const r = await runCli([...argv, '-i', file, '--dry-run', '--output', 'json'], { cwd: work });
        expect(r.code, r.stderr).toBe(c.code);
        if (r.stdout) {
          const out = JSON.parse(r.stdout) as DryPlan;
          expect(out.exitCode).toBe(c.code);
          const deciding =
            out.plan.find((p) => p.verdict && p.verdict !== 'PASS') ?? out.plan.find((p) => p.verdict);
          expect(deciding?.verdict ?? '').toMatch(c.verdict);
          // The Ansible preflight ran in check mode on each targeted board (the lab's boards pass it).
          const targeted = c.argv[0] === 'reprovision' ? [c.argv[1]] : ['pc-node1', 'pc-node2'];
          expect(
            out.plan
              .filter((p) => p.action.startsWith('preflight (ansible-playbook --check'))
              .map((p) => [p.target, p.verdict]),
          ).toEqual(targeted.map((b) => [b, 'PASS']));
          // Every read-only check was evaluated, not only listed.
          expect(
            out.plan.filter((p) => /^(lock|version|manifests):/.test(p.action)).every((p) => p.verdict),
          ).toBe(true);
        } else {
          expect(c.verdict.test('')).toBe(true);
        }
      } finally {
        if (c.lock) {
          expect(readFileSync(lockFile(), 'utf8').trim()).toBe(foreignLock);
          await ssh(current(), cp, 'rm -f /var/lib/picocal/lock');
        } else {
          expect(existsSync(lockFile())).toBe(false);
        }
      }
      expect(existsSync(runs) ? readdirSync(runs).length : 0).toBe(before);
    });
  }

  it(
    'never claims a download cache that does not exist: an empty cache would be downloaded into',
    { timeout: 120_000 },
    async () => {
      const saved = process.env['XDG_CACHE_HOME'];
      const cache = emptyDir();
      mkdirSync(join(cache, 'picocal'), { recursive: true });
      process.env['XDG_CACHE_HOME'] = cache;
      try {
        const r = await runCli(['bootstrap', '-i', inv, '--dry-run'], { cwd: work });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).not.toMatch(/from the download cache/);
        expect(r.stdout).toMatch(/WOULD DOWNLOAD\s+manifests: not in the download cache/);
      } finally {
        if (saved === undefined) delete process.env['XDG_CACHE_HOME'];
        else process.env['XDG_CACHE_HOME'] = saved;
      }
    },
  );

  it(
    'the Ansible preflight in check mode: a board that would fail it is named with the task (exit 1)',
    { timeout: 180_000 },
    async () => {
      // Two boards with one hostname: the real preflight stops every board (see calico_preflight).
      const node2 = nodeOf(current(), 'pc-node2');
      const set = await ssh(current(), node2, 'hostname pc-node1');
      expect(set.exitCode, set.stderr).toBe(0);
      try {
        const r = await runCli(
          ['bootstrap', '--artifacts', SHARED_CALICO, '-i', inv, '--dry-run', '--output', 'json'],
          { cwd: work },
        );
        expect(r.code, r.stderr).toBe(1);
        const out = JSON.parse(r.stdout) as DryPlan;
        const refused = out.plan.filter((p) => p.verdict === 'WOULD BE REFUSED');
        expect(refused.map((p) => p.target)).toEqual(['pc-node1', 'pc-node2']);
        for (const p of refused) {
          expect(p.action).toContain("at 'calico_preflight : Calico | Fail preflight'");
          expect(p.action).toContain('hostname pc-node1 is used by another board');
        }
        expect(existsSync(lockFile())).toBe(false);
      } finally {
        await ssh(current(), node2, 'hostname pc-node2');
      }
    },
  );
});
