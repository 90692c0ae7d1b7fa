import { describe, expect, it } from 'vitest';
import { reportLines, type UpgradeReport } from '../../../src/upgrade/report.js';

const base: UpgradeReport = {
  kind: 'upgrade',
  runId: '20260101-120000-ab12-upgrade',
  runDir: '/w/.picocal/runs/20260101-120000-ab12-upgrade',
  cluster: 'picocluster',
  from: 'v3.31.7',
  to: 'v3.32.1',
  result: 'upgraded',
  maxUnavailable: 1,
  maxUnreadySeen: 1,
  maxUnreadyNodes: ['pc-node2'],
  startedAt: '2026-01-01T12:00:00.000Z',
  durationMs: 60_000,
  upgradeMs: 50_000,
  failure: undefined,
  rollback: undefined,
  nodes: [],
  skipped: [],
  calicoctl: undefined,
  next: [],
};

describe('reportLines: the first line says what happened to the cluster', () => {
  const cases: { name: string; report: Partial<UpgradeReport>; head: string; file: string }[] = [
    {
      name: 'a full upgrade',
      report: {},
      head: 'Calico upgraded from v3.31.7 to v3.32.1 on every node',
      file: 'report.json',
    },
    {
      name: 'an upgrade with a skipped board names it',
      report: { skipped: ['pc-node3'] },
      head: 'Calico upgraded from v3.31.7 to v3.32.1 on every node except the skipped pc-node3',
      file: 'report.json',
    },
    {
      name: '--no-rollback says the cluster is left as it is',
      report: { result: 'failed' },
      head: 'upgrade to v3.32.1 FAILED (no rollback: the cluster is left as it is)',
      file: 'report.json',
    },
    {
      name: 'an automatic rollback after a failure',
      report: { result: 'rolled-back' },
      head: 'upgrade to v3.32.1 FAILED and was rolled back to v3.31.7',
      file: 'report.json',
    },
    {
      name: '--rollback RUN done on request is not a failure',
      report: { kind: 'rollback', result: 'rolled-back' },
      head: 'Calico rolled back to v3.31.7 (run 20260101-120000-ab12-upgrade, which went to v3.32.1): every node healthy',
      file: 'rollback-report.json',
    },
    {
      name: '--rollback RUN that did not finish',
      report: { kind: 'rollback', result: 'rollback-failed' },
      head: 'rollback of run 20260101-120000-ab12-upgrade (v3.31.7 → v3.32.1) to v3.31.7 did not finish',
      file: 'rollback-report.json',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const lines = reportLines({ ...base, ...c.report });
      expect(lines[0]).toBe(c.head);
      expect(lines.find((l) => l.startsWith('run folder:'))).toContain(`(${c.file}, snapshot/)`);
    });
  }
});

describe('reportLines: calicoctl after the rollout', () => {
  it.each([
    {
      calicoctl: {
        files: [{ arch: 'arm64', sha256: 'a'.repeat(64), source: 'catalog' }],
        missing: [],
        failed: [],
      },
      line: 'calicoctl: arm64 (catalog) installed on the gated boards',
    },
    {
      calicoctl: {
        files: [{ arch: 'arm64', sha256: 'a'.repeat(64), source: 'catalog' }],
        missing: [],
        failed: ["pc-node2: failed at 'Calico | Install calicoctl': No space left on device"],
      },
      line: "calicoctl: NOT updated on pc-node2: failed at 'Calico | Install calicoctl': No space left on device",
    },
    {
      calicoctl: {
        files: [],
        missing: ['arm64: picocal has no pinned sha256 for calicoctl v3.32.1 (arm64)'],
        failed: [],
      },
      line: 'calicoctl: not installed (arm64: picocal has no pinned sha256 for calicoctl v3.32.1 (arm64))',
    },
    { calicoctl: undefined, line: undefined },
  ])('$line', ({ calicoctl, line }) => {
    const lines = reportLines({ ...base, calicoctl });
    const found = lines.find((l) => l.startsWith('calicoctl:'));
    expect(found).toBe(line);
  });
});
