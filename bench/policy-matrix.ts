// Benchmark of the policy engine: a generated cluster of 1,000 pods in 50 namespaces with 500
// policies (Kubernetes, Calico namespaced, Calico global in tiers). Times loading, one query in
// process, one query as a whole `calico-validate` process (when built), and the full matrix of
// 1,000,000 pairs, in process and as a whole `picocal policy matrix` process. Prints one JSON line. Usage: node dist/bench/policy-matrix.js [pods] [namespaces] [policies]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Evaluator } from '../src/policy/evaluate/evaluate.js';
import { computeMatrix } from '../src/policy/matrix/matrix.js';
import { loadPolicySet } from '../src/policy/load/policy-set.js';
import { writeBenchCluster } from './generate-cluster.js';

const [podCount = 1000, nsCount = 50, policyCount = 500] = process.argv.slice(2).map(Number);
const dir = mkdtempSync(join(tmpdir(), 'picocal-bench-'));
const { clusterFile, policyFile } = writeBenchCluster(dir, podCount, nsCount, policyCount);
const ms = (t: number) => Math.round((performance.now() - t) * 10) / 10;

let t = performance.now();
const set = loadPolicySet([clusterFile, policyFile], dir);
const loadMs = ms(t);

t = performance.now();
const ev = new Evaluator(set);
const [a, b] = [set.cluster.pods[1], set.cluster.pods[7]];
const single = ev.evaluate({
  src: { kind: 'pod', pod: a! },
  dst: { kind: 'pod', pod: b! },
  protocol: 6,
  port: 8080,
});
const singleQueryMs = ms(t);

let processMs: number | null = null;
const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'calico-validate.js');
if (existsSync(cli)) {
  t = performance.now();
  try {
    execFileSync(
      process.execPath,
      [
        cli,
        `${a!.namespace}/${a!.name}`,
        `${b!.namespace}/${b!.name}`,
        '--port',
        '8080',
        '--cluster',
        clusterFile,
        '--policies',
        policyFile,
        '--output',
        'json',
      ],
      { stdio: 'pipe' },
    );
  } catch {
    // Exit 1 only means "deny": the timing is what matters here.
  }
  processMs = ms(t);
}

// The full matrix as a whole `picocal policy matrix` process (start-up, load, matrix, JSON output).
let matrixProcessMs: number | null = null;
const picocal = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'picocal.js');
if (existsSync(picocal)) {
  t = performance.now();
  execFileSync(
    process.execPath,
    [
      picocal,
      'policy',
      'matrix',
      '--cluster',
      clusterFile,
      '--policies',
      policyFile,
      '--port',
      '8080',
      '--output',
      'json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 },
  );
  matrixProcessMs = ms(t);
}

t = performance.now();
const m = computeMatrix(set, set.cluster.pods, [{ protocol: 6, port: 8080 }]);
const matrixMs = ms(t);
const allowed = m.planes[0]!.allowed.reduce((x, y) => x + y, 0);

console.log(
  JSON.stringify({
    bench: 'policy-matrix',
    pods: set.cluster.pods.length,
    namespaces: set.cluster.namespaces.size,
    policies: set.policies.length,
    pairs: set.cluster.pods.length ** 2,
    loadMs,
    singleQueryMs,
    singleQueryVerdict: single.allowed ? 'allow' : 'deny',
    singleQueryProcessMs: processMs,
    matrixMs,
    matrixProcessMs,
    pairsPerSecond: Math.round(set.cluster.pods.length ** 2 / (matrixMs / 1000)),
    allowedPairs: allowed,
    node: process.version,
  }),
);
