// The inventory is the desired state: on a 2-board lab running Calico 3.31.7 whose inventory says 3.32.1,
// `verify` reports the difference once, at cluster level, with a command that works (the boards are
// healthy on what they run); `picocal upgrade -i INV` (no --to) goes to 3.32.1; then `verify` is green
// with the inventory untouched.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { HealthReport } from '../../src/health/health-types.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'desired';

describeLab('the inventory is the desired state', () => {
  const lab = useLab(LAB, 2);
  let work = '';
  let inv = '';

  beforeAll(async () => {
    ({ work, inventory: inv } = labWorkDir('pc-desired-', lab.state, '3.31.7'));
    const r = await runCli(['bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
    if (r.code !== 0) throw new Error(`the first bootstrap failed (${r.code}):\n${r.stderr}`);
    // The user edits the desired version, as with kubespray or k0sctl.
    writeFileSync(
      inv,
      readFileSync(inv, 'utf8').replace(/calico_version: "3\.31\.7"/, 'calico_version: "3.32.1"'),
    );
  }, 900_000);
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('verify: one cluster-level finding and the next command, not every board broken', async () => {
    const r = await runCli(['verify', '-i', inv], { cwd: work });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('2/2 nodes healthy (Calico v3.31.7)');
    expect(r.stdout).toContain(
      "inventory-version: the cluster runs Calico v3.31.7; the inventory's calico_version is 3.32.1",
    );
    expect(r.stdout).toContain(`next: picocal upgrade -i ${inv} to move the cluster to 3.32.1`);
    expect(r.stdout).not.toMatch(/reprovision the board/);
    const json = await runCli(['verify', '-i', inv, '--output', 'json'], { cwd: work });
    const report = JSON.parse(json.stdout) as HealthReport;
    expect(report.nodes.every((n) => n.healthy)).toBe(true);
    expect(report.cluster.problems).toHaveLength(1);
  }, 120_000);

  it('--to another version than the inventory is refused (exit 2), changing nothing', async () => {
    const r = await runCli(['upgrade', '-i', inv, '--to', '3.31.7', '--artifacts', SHARED_CALICO], {
      cwd: work,
    });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("--to 3.31.7 is not the inventory's calico_version (3.32.1");
  });

  it(
    'upgrade (no --to) goes to the inventory version, then verify is green with the inventory unedited',
    { timeout: 900_000 },
    async () => {
      const before = readFileSync(inv, 'utf8');
      const up = await runCli(['upgrade', '-i', inv, '--artifacts', SHARED_CALICO], { cwd: work });
      expect(up.code, up.stdout + up.stderr).toBe(0);
      expect(up.stdout).not.toContain('set calico_version');
      expect(readFileSync(inv, 'utf8')).toBe(before);
      const v = await runCli(['verify', '-i', inv], { cwd: work });
      expect(v.code, v.stdout + v.stderr).toBe(0);
      expect(v.stdout).toContain('2/2 nodes healthy (Calico v3.32.1)');
    },
  );

  it(
    '--to V --write-inventory goes to V and sets only that line of the inventory',
    { timeout: 900_000 },
    async () => {
      const before = readFileSync(inv, 'utf8');
      const down = await runCli(
        [
          'upgrade',
          '-i',
          inv,
          '--to',
          '3.31.7',
          '--allow-downgrade',
          '--write-inventory',
          '--artifacts',
          SHARED_CALICO,
        ],
        { cwd: work },
      );
      expect(down.code, down.stdout + down.stderr).toBe(0);
      expect(readFileSync(inv, 'utf8')).toBe(
        before.replace('calico_version: "3.32.1"', 'calico_version: "3.31.7"'),
      );
      const v = await runCli(['verify', '-i', join(inv)], { cwd: work });
      expect(v.code, v.stdout + v.stderr).toBe(0);
    },
  );
});
