// Benchmark: `picocal upgrade` on the 5-node virtual PicoCluster (LAB ONLY; needs root on Linux, and the
// real manifests in ../shared/calico or --artifacts DIR). Bootstraps 3.31.7, then (1) an upgrade to
// 3.32.1 that fails on pc-node3 (lab fault) and rolls back: time to detect the failed node, rollback
// time; (2) the upgrade to 3.32.1: total, gate, and per node time to healthy. Prints one JSON document.
//   node dist/bench/upgrade-lab.js [--artifacts DIR] [--max-unavailable N] [--node-timeout S] [--name LAB]
//     [--no-failure] [--profile pi4|pi5] (boards of that profile, with --partial-profile: see src/lab/profile/)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { COMMANDS } from '../src/cli/commands/index.js';
import { runProgram } from '../src/cli/main.js';
import { labHostProblem } from '../src/lab/host-requirements.js';
import { labDown } from '../src/lab/lab-down.js';
import { labFault } from '../src/lab/lab-fault.js';
import { labUp } from '../src/lab/lab-up.js';
import type { UpgradeReport } from '../src/upgrade/report.js';
import { parseLabProfile } from '../src/lab/profile/board-profiles.js';

function arg(name: string, fallback: string): string {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
}

const LAB = arg('name', 'upg-bench');

async function picocal(argv: string[], cwd: string): Promise<{ code: number; stdout: string; ms: number }> {
  const chunks: string[] = [];
  const stdout = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  const errors: string[] = [];
  const stderr = new Writable({
    write(c: Buffer, _e, cb) {
      errors.push(c.toString());
      cb();
    },
  });
  const t0 = Date.now();
  const code = await runProgram({ name: 'picocal', summary: 'bench', commands: COMMANDS }, argv, {
    stdout,
    stderr,
    color: false,
    cwd,
  });
  // A run that printed no report failed before it: say why instead of failing on empty JSON.
  if (code !== 0 && chunks.length === 0)
    process.stderr.write(`picocal ${argv[0] ?? ''} exited ${code}: ${errors.join('').slice(-3000)}\n`);
  return { code, stdout: chunks.join(''), ms: Date.now() - t0 };
}

async function main(): Promise<number> {
  const problem = labHostProblem();
  if (problem) {
    process.stderr.write(`bench/upgrade-lab: ${problem}\n`);
    return 2;
  }
  const artifacts = resolve(arg('artifacts', '../shared/calico'));
  const maxUnavailable = arg('max-unavailable', '1');
  const nodeTimeout = arg('node-timeout', '120');
  const work = mkdtempSync(join(tmpdir(), 'pc-bench-upgrade-'));
  await labDown({ name: LAB });
  try {
    const { state } = await labUp({
      name: LAB,
      nodes: 5,
      profile: parseLabProfile(arg('profile', 'fast')),
      partialProfile: true,
    });
    const inv = join(work, 'inventory.yaml');
    writeFileSync(
      inv,
      readFileSync(state.inventory, 'utf8').replace(/calico_version: "[^"]+"/, 'calico_version: "3.31.7"'),
    );
    const boot = await picocal(['bootstrap', '-i', inv, '--artifacts', artifacts], work);
    if (boot.code !== 0) throw new Error(`bootstrap of 3.31.7 failed (exit ${boot.code})`);
    const upgrade = (...extra: string[]) =>
      picocal(
        [
          'upgrade',
          '-i',
          inv,
          '--artifacts',
          artifacts,
          '--to',
          '3.32.1',
          '--max-unavailable',
          maxUnavailable,
          '--node-timeout',
          nodeTimeout,
          // The inventory is the desired state: picocal sets calico_version there once the upgrade succeeded.
          '--write-inventory',
          '--output',
          'json',
          ...extra,
        ],
        work,
      );

    // --no-failure: only the successful upgrade (the failing one, its detection and rollback, are skipped).
    const withFailure = !process.argv.includes('--no-failure');
    let failed: { code: number; stdout: string; ms: number } | undefined;
    if (withFailure) {
      await labFault(LAB, 'pc-node3', 'fail-version', '3.32.1');
      failed = await upgrade();
      await labFault(LAB, 'pc-node3', 'clear');
    }
    const fr = failed ? (JSON.parse(failed.stdout) as UpgradeReport) : undefined;

    const ok = await upgrade();
    const or = JSON.parse(ok.stdout) as UpgradeReport;
    const doc = {
      bench: 'upgrade-lab',
      nodes: 5,
      maxUnavailable: Number(maxUnavailable),
      bootstrapMs: boot.ms,
      upgrade: {
        exitCode: ok.code,
        result: or.result,
        totalMs: ok.ms,
        gateMs: or.upgradeMs,
        maxUnreadySeen: or.maxUnreadySeen,
        perNodeToHealthyMs: Object.fromEntries(or.nodes.map((n) => [n.name, n.timeToHealthyMs])),
      },
      failedUpgrade: fr && {
        exitCode: failed?.code,
        result: fr.result,
        failedNode: fr.failure?.node,
        detectMs: fr.failure?.detectedAfterMs,
        rollbackMs: fr.rollback?.durationMs,
        rollbackHealthy: fr.rollback?.healthy,
        totalMs: failed?.ms,
      },
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return ok.code === 0 && (!failed || failed.code === 1) ? 0 : 1;
  } finally {
    await labDown({ name: LAB });
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
