// Benchmark of the policy engine: a generated cluster of 1,000 pods in 50 namespaces with 500
// policies (Kubernetes, Calico namespaced, Calico global in tiers). Times loading, one query in
// process, one query as a whole `calico-validate` process (when built), and the full matrix of
// 1,000,000 pairs. Prints one JSON line. Usage: node dist/bench/policy-matrix.js [pods] [namespaces] [policies]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';
import { Evaluator } from '../src/policy/evaluate/evaluate.js';
import { computeMatrix } from '../src/policy/matrix/matrix.js';
import { loadPolicySet } from '../src/policy/load/policy-set.js';

const [podCount = 1000, nsCount = 50, policyCount = 500] = process.argv.slice(2).map(Number);
const APPS = ['web', 'api', 'worker', 'cache', 'db'];

function clusterDocs(): unknown[] {
  const docs: unknown[] = [];
  for (let n = 0; n < nsCount; n++)
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns${n}`, labels: { team: `t${n % 5}` } },
    });
  for (let i = 0; i < podCount; i++) {
    const app = APPS[i % APPS.length] as string;
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${app}-${i}`,
        namespace: `ns${i % nsCount}`,
        labels: { app, tier: i % 2 ? 'back' : 'front' },
      },
      spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
      status: { podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    });
  }
  return docs;
}

function policyDocs(): unknown[] {
  const docs: unknown[] = [
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'security' },
      spec: { order: 100 },
    },
    {
      apiVersion: 'projectcalico.org/v3',
      kind: 'Tier',
      metadata: { name: 'platform' },
      spec: { order: 200 },
    },
  ];
  for (let k = 0; k < policyCount; k++) {
    const ns = `ns${k % nsCount}`;
    const app = APPS[k % APPS.length] as string;
    const peer = APPS[(k + 1) % APPS.length] as string;
    const kind = k % 10;
    if (kind < 6) {
      docs.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `k8s-${k}`, namespace: ns },
        spec:
          k % 50 === 0
            ? { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }
            : {
                podSelector: { matchLabels: { app } },
                policyTypes: ['Ingress', 'Egress'],
                ingress: [
                  { from: [{ podSelector: { matchLabels: { app: peer } } }], ports: [{ port: 8080 }] },
                  {
                    from: [{ namespaceSelector: { matchLabels: { team: `t${k % 5}` } } }],
                    ports: [{ port: 'http' }],
                  },
                ],
                egress: [
                  { to: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: peer } } }] },
                  {
                    to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }],
                    ports: [{ port: 443 }],
                  },
                ],
              },
      });
    } else if (kind < 9) {
      docs.push({
        apiVersion: 'projectcalico.org/v3',
        kind: 'NetworkPolicy',
        metadata: { name: `cnp-${k}`, namespace: ns },
        spec: {
          order: 100 + (k % 7) * 100,
          selector: `app == '${app}'`,
          types: ['Ingress', 'Egress'],
          ingress: [
            { action: 'Log', source: { selector: `tier == 'front'` } },
            {
              action: 'Allow',
              protocol: 'TCP',
              source: { selector: `app in {'${peer}', 'web'}` },
              destination: { ports: ['8000:9000'] },
            },
            { action: 'Deny', protocol: 'TCP', destination: { ports: [22] } },
          ],
          egress: [{ action: 'Allow', protocol: 'UDP', destination: { ports: [53] } }, { action: 'Pass' }],
        },
      });
    } else {
      docs.push({
        apiVersion: 'projectcalico.org/v3',
        kind: 'GlobalNetworkPolicy',
        metadata: { name: `gnp-${k}` },
        spec: {
          tier: k % 20 === 9 ? 'security' : 'platform',
          order: k,
          selector: `app == '${app}' && tier == '${k % 2 ? 'back' : 'front'}'`,
          namespaceSelector: `team == 't${k % 5}'`,
          ingress: [
            { action: 'Deny', protocol: 'TCP', source: { nets: ['192.0.2.0/24'] } },
            { action: 'Pass', source: { namespaceSelector: 'has(team)' } },
          ],
          egress: [{ action: 'Pass' }],
        },
      });
    }
  }
  return docs;
}

function write(dir: string, name: string, docs: unknown[]): string {
  const file = join(dir, name);
  writeFileSync(file, docs.map((d) => dump(d)).join('---\n'));
  return file;
}

const dir = mkdtempSync(join(tmpdir(), 'picocal-bench-'));
const clusterFile = write(dir, 'cluster.yaml', clusterDocs());
const policyFile = write(dir, 'policies.yaml', policyDocs());
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
    pairsPerSecond: Math.round(set.cluster.pods.length ** 2 / (matrixMs / 1000)),
    allowedPairs: allowed,
    node: process.version,
  }),
);
