// Benchmark: `lab up` and `lab down` for 5 and 20 nodes (LAB ONLY; needs root on Linux). Prints one JSON
// document with per-run times and the median per size. Run after a build:
//   node dist/bench/lab-up-down.js [--runs 3] [--no-api]
import { labDown } from '../src/lab/lab-down.js';
import { labBenchArgs } from './lab-bench-args.js';
import { labUp } from '../src/lab/lab-up.js';

interface Run {
  upMs: number;
  downMs: number;
  upPhases: Record<string, number>;
  downPhases: Record<string, number>;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<number> {
  const args = labBenchArgs('lab-up-down');
  if (!args) return 2;
  const { at } = args;
  const runs = Number(at('--runs') ?? 3);
  const apiServer = !args.has('--no-api');
  const sizes: Record<string, { runs: Run[]; medianUpMs: number; medianDownMs: number }> = {};
  for (const nodes of [5, 20]) {
    const name = `bench-${nodes}`;
    await labDown({ name });
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const up = await labUp({ name, nodes, apiServer });
      const down = await labDown({ name });
      results.push({
        upMs: up.elapsedMs,
        downMs: down.elapsedMs,
        upPhases: up.phases,
        downPhases: down.phases,
      });
    }
    sizes[String(nodes)] = {
      runs: results,
      medianUpMs: median(results.map((r) => r.upMs)),
      medianDownMs: median(results.map((r) => r.downMs)),
    };
  }
  process.stdout.write(
    JSON.stringify(
      { benchmark: 'lab-up-down', apiServer, cpus: (await import('node:os')).cpus().length, sizes },
      null,
      2,
    ) + '\n',
  );
  return 0;
}

process.exitCode = await main();
