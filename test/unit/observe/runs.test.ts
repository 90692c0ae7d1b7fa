// `picocal runs list|show` over run folders laid out as bootstrap, reprovision and upgrade leave them.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UpgradeReport } from '../../../src/upgrade/report.js';
import { runCli } from '../../helpers/run-cli.js';

const cwd = mkdtempSync(join(tmpdir(), 'picocal-runs-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));
const runs = join(cwd, '.picocal', 'runs');

function run(id: string, files: Record<string, unknown>): void {
  mkdirSync(join(runs, id), { recursive: true });
  for (const [name, value] of Object.entries(files))
    writeFileSync(join(runs, id, name), typeof value === 'string' ? value : JSON.stringify(value));
}

const node = (name: string, status: string) => ({
  name,
  status,
  stats: { ok: 19, changed: 0, failed: status === 'failed' ? 1 : 0, unreachable: 0, skipped: 2 },
  failedTask: status === 'failed' ? 'calico_node_prep : Calico | Load modules' : undefined,
  message: status === 'failed' ? 'modprobe failed' : undefined,
});
const upgrade: UpgradeReport = {
  kind: 'upgrade',
  runId: '20261207-010000-cccc-upgrade',
  runDir: join(runs, '20261207-010000-cccc-upgrade'),
  cluster: 'demo',
  from: '3.31.7',
  to: '3.32.1',
  result: 'upgraded',
  maxUnavailable: 1,
  maxUnreadySeen: 1,
  maxUnreadyNodes: ['pc-node2'],
  startedAt: '2026-12-07T01:00:00Z',
  durationMs: 54_000,
  upgradeMs: 50_000,
  failure: undefined,
  rollback: undefined,
  nodes: [],
  skipped: [],
  calicoctl: undefined,
  next: ['set calico_version: "3.32.1" in the inventory'],
};

run('20261207-004950-aaaa-bootstrap', {
  'summary.json': { exitCode: 0, nodes: [node('pc-node1', 'ok')] },
  'ansible.log': 'x',
});
run('20261207-005500-bbbb-reprovision', {
  'summary.json': { exitCode: 3, nodes: [node('pc-node3', 'failed')] },
});
run('20261207-010000-cccc-upgrade', { 'report.json': upgrade, 'state.json': { stage: 'done' } });
run('20261207-011000-dddd-upgrade', { 'state.json': { stage: 'interrupted', from: '3.31.7', to: '3.32.1' } });
run('20261207-012000-eeee-bootstrap', {});

describe('picocal runs list', () => {
  it.each([
    ['20261207-004950-aaaa-bootstrap', 'bootstrap', '2026-12-07T00:49:50Z', 'succeeded'],
    ['20261207-005500-bbbb-reprovision', 'reprovision pc-node3', '2026-12-07T00:55:00Z', 'partial'],
    ['20261207-010000-cccc-upgrade', 'upgrade 3.31.7 → 3.32.1', '2026-12-07T01:00:00Z', 'upgraded'],
    [
      '20261207-011000-dddd-upgrade',
      'upgrade 3.31.7 → 3.32.1',
      '2026-12-07T01:10:00Z',
      'stopped at stage interrupted',
    ],
    [
      '20261207-012000-eeee-bootstrap',
      'bootstrap',
      '2026-12-07T01:20:00Z',
      'no record (refused, or stopped before it finished)',
    ],
  ])('%s: %s, started %s, %s', async (id, command, startedAt, outcome) => {
    const json = await runCli(['runs', 'list', '--output', 'json'], { cwd });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as { runs: Array<Record<string, unknown>> };
    expect(doc.runs.find((r) => r.id === id)).toMatchObject({ command, startedAt, outcome });
    const text = await runCli(['runs', 'list'], { cwd });
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+COMMAND\s+STARTED\s+OUTCOME$/);
    expect(text.stdout).toMatch(
      new RegExp(`^${id}\\s+${command}\\s+${startedAt}\\s+${outcome.replace(/[()]/g, '\\$&')}$`, 'm'),
    );
  });

  it('says so when there are no runs', async () => {
    const r = await runCli(['runs', 'list'], { cwd: join(cwd, 'elsewhere') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/no runs recorded here/);
  });
});

describe('picocal runs show', () => {
  it('prints a run by unique prefix with its per-board table', async () => {
    const r = await runCli(['runs', 'show', '20261207-0055'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Run:\s+20261207-005500-bbbb-reprovision$/m);
    expect(r.stdout).toMatch(/^Outcome:\s+partial$/m);
    expect(r.stdout).toMatch(
      /^pc-node3\s+failed\s+19\s+0\s+1\s+0\s+calico_node_prep : Calico \| Load modules: modprobe failed$/m,
    );
  });

  it("prints an upgrade with the upgrade's own report", async () => {
    const r = await runCli(['runs', 'show', '20261207-010000-cccc-upgrade'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Calico upgraded from 3.31.7 to 3.32.1 on every node');
    expect(r.stdout).toContain('next: set calico_version: "3.32.1" in the inventory');
  });

  it('last is the newest run; --output json has the record', async () => {
    const r = await runCli(['runs', 'show', 'last', '--output', 'json'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      id: '20261207-012000-eeee-bootstrap',
      files: [],
      record: null,
    });
  });

  it.each([
    [['runs', 'show', '20261207-01'], /'20261207-01' matches 3 runs/],
    [['runs', 'show', '20261207-004950-aaaa-bootstrop'], /did you mean '20261207-004950-aaaa-bootstrap'\?/],
    [['runs', 'show'], /expected one RUN/],
  ])('%j → exit 2', async (argv, message) => {
    const r = await runCli(argv, { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
