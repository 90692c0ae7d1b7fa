// Benchmark: `picocal verify` (login, probe, cluster query) for 1, 5 and 20 nodes, each node a real
// sshd on its own loopback address. Target: 20 nodes within 1.5x the time of one node. Needs root on
// Linux (sshd). Prints one JSON document. Run after a build:
//   node dist/bench/verify-scaling.js [--runs 5]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCluster } from '../src/health/verify-cluster.js';
import { loadInventory } from '../src/inventory/load.js';
import { loopbackInventory, startFelixStandIn, writeClusterStandIn } from './verify-fixture.js';
import {
  disposeSshd,
  generateKey,
  reapOrphanedSshd,
  startLoopbackSshd,
  type LoopbackSshd,
} from './verify-sshd.js';

const SIZES = [1, 5, 20];
const TARGET_RATIO = 1.5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function main(): Promise<number> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    process.stderr.write('bench/verify-scaling: needs root on Linux (it starts sshd)\n');
    return 2;
  }
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
  await reapOrphanedSshd();
  const dir = await mkdtemp(join(tmpdir(), 'picocal-bench-verify-'));
  const nodes: LoopbackSshd[] = [];
  const felix = await startFelixStandIn();
  try {
    const clientKey = await generateKey(join(dir, 'client'));
    const max = Math.max(...SIZES);
    for (let i = 1; i <= max; i++) {
      nodes.push(await startLoopbackSshd({ host: `127.0.1.${i}`, clientKey, plainShell: true }));
    }
    const names = nodes.map((_, i) => `pc-bench${i + 1}`);
    const cluster = await writeClusterStandIn(join(dir, 'kube'), names, 'v3.32.1');
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, nodes.map((n) => `[${n.host}]:${n.port} ${n.hostKey.publicLine}\n`).join(''));
    const sizes: Record<
      string,
      { runsMs: number[]; medianMs: number; medianClientCpuMs: number; reachable: number }
    > = {};
    for (const size of SIZES) {
      const file = join(dir, `inventory-${size}.yaml`);
      await writeFile(
        file,
        loopbackInventory({
          user: 'root',
          privateKey: clientKey.path,
          knownHosts,
          cluster,
          nodes: nodes.slice(0, size).map((n, i) => ({ name: names[i]!, host: n.host, port: n.port })),
        }),
      );
      const inv = await loadInventory(file);
      const times: number[] = [];
      const cpu: number[] = [];
      let reachable = 0;
      for (let r = 0; r < runs + 1; r++) {
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const report = await verifyCluster(inv, {
          timeoutMs: 8000,
          acceptNewHostKeys: false,
          felixPort: felix.port,
        });
        // The first run warms caches (key files, JIT) and is not counted.
        if (r > 0) {
          times.push(performance.now() - started);
          const used = process.cpuUsage(cpuBefore);
          cpu.push((used.user + used.system) / 1000);
        }
        reachable = report.nodes.filter((n) => n.reachable).length;
        for (const n of report.nodes.filter((x) => !x.reachable)) {
          process.stderr.write(
            `${size} nodes, run ${r}: ${n.name} unreachable: ${n.error?.message ?? '?'}\n`,
          );
        }
      }
      sizes[String(size)] = {
        runsMs: times.map((t) => Math.round(t)),
        medianMs: Math.round(median(times)),
        // picocal's own CPU time; the rest of the wall time is sshd and the probe on the "nodes".
        medianClientCpuMs: Math.round(median(cpu)),
        reachable,
      };
    }
    const one = sizes['1']?.medianMs ?? 0;
    const twenty = sizes['20']?.medianMs ?? 0;
    const ratio = one > 0 ? Number((twenty / one).toFixed(2)) : null;
    process.stdout.write(
      JSON.stringify(
        {
          benchmark: 'verify-scaling',
          cpus: cpus().length,
          sizes,
          ratio20to1: ratio,
          target: `<= ${TARGET_RATIO}`,
          met: ratio !== null && ratio <= TARGET_RATIO,
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  } finally {
    await felix.close();
    for (const n of nodes) await disposeSshd(n);
    await rm(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
