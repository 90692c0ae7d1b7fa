// Benchmark (LAB ONLY; root on Linux): picocal's workflows on one 5-board lab of a board profile (default pi4,
// with --partial-profile): bootstrap, the idempotent re-run (changed must be 0), reprovision of one board,
// and verify of 1 board vs all 5 (interleaved). For each Ansible run it reads picocal's own events.jsonl (the
// run folder) and reports where the time went: Ansible's span, picocal's time outside it, the slowest tasks.
// Usage after a build: node dist/bench/pi-profile-workflows.js [--profile pi4] [--runs 5] [--artifacts DIR]
//   [--name LAB] (default pi-wf) [--keep] (leave the lab up: `picocal lab down --name LAB` afterwards)
import { execa } from 'execa';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { labBenchArgs } from './lab-bench-args.js';
import { labDown } from '../src/lab/lab-down.js';
import { labUp } from '../src/lab/lab-up.js';
import { parseLabProfile } from '../src/lab/profile/board-profiles.js';
import { readLabProfile } from '../src/lab/profile/lab-profile.js';
import { PACKAGE_ROOT } from '../src/paths.js';

const cli = join(PACKAGE_ROOT, 'dist/src/cli/picocal.js');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface Event {
  event: string;
  time: number;
  task?: string;
  host?: string;
  uuid?: string;
  hosts?: Record<string, { changed: number }>;
}

/** Where an Ansible run's time went, from the newest run folder's events.jsonl. */
function ansibleProfile(work: string) {
  const runs = join(work, '.picocal', 'runs');
  const newest = readdirSync(runs).sort().at(-1) ?? '';
  const events = readFileSync(join(runs, newest, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Event);
  const first = events[0]?.time ?? 0;
  const last = events.at(-1)?.time ?? 0;
  // A task lasts from its task_start to the next task_start (right for linear plays only: all boards together).
  const starts = events.filter((e) => e.event === 'task_start' || e.event === 'stats');
  const tasks = starts
    .slice(0, -1)
    .map((e, i) => ({ task: e.task ?? '', s: (starts[i + 1]?.time ?? e.time) - e.time }));
  const stats = events.find((e) => e.event === 'stats');
  // What reached a board: every host result that was not a skip (a skip costs no round trip), per task name.
  const results = events.filter((e) => ['ok', 'failed', 'unreachable'].includes(e.event));
  const perTask = new Map<string, number>();
  for (const r of results) perTask.set(r.task ?? '', (perTask.get(r.task ?? '') ?? 0) + 1);
  // Per board and task, from the board's host_task_start to its result (also under `strategy: free`, where
  // boards are at different tasks at once and task_start to task_start means nothing); a skip counts too
  // (the controller's time for it), so the mean says what a task costs a board whatever its outcome.
  const startedAt = new Map<string, number>();
  const perBoard = new Map<string, number[]>();
  for (const e of events) {
    const key = `${e.host ?? ''} ${e.uuid ?? ''}`;
    if (e.event === 'host_task_start') startedAt.set(key, e.time);
    else if (['ok', 'failed', 'unreachable', 'skipped'].includes(e.event) && startedAt.has(key)) {
      const list = perBoard.get(e.task ?? '') ?? [];
      list.push(e.time - startedAt.get(key)!);
      perBoard.set(e.task ?? '', list);
    }
  }
  return {
    run: newest,
    ansibleS: +(last - first).toFixed(2),
    tasks: tasks.length,
    meanTaskS: +((last - first) / Math.max(1, tasks.length)).toFixed(3),
    changed: Object.values(stats?.hosts ?? {}).reduce((a, h) => a + h.changed, 0),
    hostResults: results.length,
    hostSkips: events.filter((e) => e.event === 'skipped').length,
    resultsPerTask: Object.fromEntries([...perTask].sort((a, b) => b[1] - a[1])),
    slowest: [...tasks]
      .sort((a, b) => b.s - a.s)
      .slice(0, 6)
      .map((t) => `${t.s.toFixed(2)} s ${t.task}`),
    slowestPerBoard: [...perBoard]
      .map(([task, ds]) => ({ task, mean: ds.reduce((a, b) => a + b, 0) / ds.length, n: ds.length }))
      .sort((a, b) => b.mean - a.mean)
      .slice(0, 8)
      .map((t) => `${t.mean.toFixed(2)} s x${t.n} ${t.task}`),
  };
}

async function picocal(argv: string[], work: string): Promise<{ ms: number; code: number; stderr: string }> {
  const t0 = process.hrtime.bigint();
  const r = await execa('node', [cli, ...argv], { cwd: work, reject: false, env: { CI: 'true' } });
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, code: r.exitCode ?? 1, stderr: String(r.stderr) };
}

async function main(): Promise<number> {
  const args = labBenchArgs('pi-profile-workflows');
  if (!args) return 2;
  const { at } = args;
  const profile = parseLabProfile(at('--profile') ?? 'pi4');
  const LAB = at('--name') ?? 'pi-wf';
  const runs = Number(at('--runs') ?? 5);
  const artifacts = resolve(at('--artifacts') ?? join(PACKAGE_ROOT, '../shared/calico'));
  const work = mkdtempSync(join(tmpdir(), 'picocal-bench-wf-'));
  await labDown({ name: LAB });
  const { state } = await labUp({ name: LAB, nodes: 5, profile, partialProfile: true });
  const inv = ['-i', state.inventory];
  const build = ['--artifacts', artifacts, '--out', join(work, 'build')];
  const out: Record<string, unknown> = {
    bench: 'pi-profile-workflows',
    profile,
    applied: readLabProfile(state.dir),
    loadavgStart: loadavg().map((x) => +x.toFixed(2)),
  };
  try {
    const step = async (key: string, argv: string[]) => {
      const r = await picocal(argv, work);
      if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}: ${r.stderr.slice(-1500)}`);
      const p = ansibleProfile(work);
      out[key] = {
        ms: Math.round(r.ms),
        outsideAnsibleS: +(r.ms / 1000 - p.ansibleS).toFixed(2),
        loadavg: loadavg().map((x) => +x.toFixed(2)),
        ...p,
      };
      process.stderr.write(
        `${key}: ${Math.round(r.ms)} ms (Ansible ${p.ansibleS} s, changed ${p.changed})\n`,
      );
      return r.ms;
    };
    const first = await step('bootstrap', ['bootstrap', ...inv, ...build]);
    const again = await step('rerun', ['bootstrap', ...inv, ...build]);
    out['rerunVsFirst'] = +(again / first).toFixed(3);
    await step('reprovision', ['reprovision', 'pc-node3', ...inv, ...build]);
    const v1: number[] = [];
    const v5: number[] = [];
    for (let i = 0; i < runs; i++) {
      v1.push((await picocal(['verify', ...inv, '--node', 'pc-node1'], work)).ms);
      v5.push((await picocal(['verify', ...inv], work)).ms);
    }
    out['verify'] = {
      oneMs: v1.map(Math.round),
      fiveMs: v5.map(Math.round),
      medianOneMs: Math.round(median(v1)),
      medianFiveMs: Math.round(median(v5)),
      fiveVsOne: +(median(v5) / median(v1)).toFixed(3),
    };
    out['loadavgEnd'] = loadavg().map((x) => +x.toFixed(2));
    process.stdout.write(JSON.stringify(out) + '\n');
  } finally {
    if (!args.has('--keep')) await labDown({ name: LAB });
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}

process.exitCode = await main();
