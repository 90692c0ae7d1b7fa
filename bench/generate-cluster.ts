// The generated cluster of the policy benchmarks: pods spread over namespaces (five apps, two
// tiers), and policies of every kind (60 % Kubernetes NetworkPolicy, 30 % Calico NetworkPolicy,
// 10 % GlobalNetworkPolicy in two tiers). Deterministic, so figures and tests can be reproduced.
// As a program: node dist/bench/generate-cluster.js DIR [pods] [namespaces] [policies] writes
// DIR/cluster.yaml and the folder DIR/policies/.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dump } from 'js-yaml';

const APPS = ['web', 'api', 'worker', 'cache', 'db'];

export function clusterDocs(podCount: number, nsCount: number): unknown[] {
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

export function policyDocs(policyCount: number, nsCount: number): unknown[] {
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

export interface BenchFiles {
  clusterFile: string;
  /** A folder of policy files, at most POLICIES_PER_FILE policies each (YAML files are capped at 8 MiB). */
  policyFile: string;
}

const POLICIES_PER_FILE = 1000;

/** Write the cluster file and the policy folder of a generated cluster into `dir`. */
export function writeBenchCluster(
  dir: string,
  pods: number,
  namespaces: number,
  policies: number,
): BenchFiles {
  const policyDir = join(dir, 'policies');
  mkdirSync(policyDir, { recursive: true });
  const docs = policyDocs(policies, namespaces);
  for (let i = 0; i * POLICIES_PER_FILE < docs.length; i++)
    write(
      policyDir,
      `policies-${String(i).padStart(3, '0')}.yaml`,
      docs.slice(i * POLICIES_PER_FILE, (i + 1) * POLICIES_PER_FILE),
    );
  return { clusterFile: write(dir, 'cluster.yaml', clusterDocs(pods, namespaces)), policyFile: policyDir };
}

function invokedPath(): string {
  try {
    return process.argv[1] ? realpathSync(process.argv[1]) : '';
  } catch {
    return '';
  }
}
if (invokedPath() === fileURLToPath(import.meta.url)) {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: generate-cluster DIR [pods] [namespaces] [policies]\n');
    process.exit(2);
  }
  const [pods = 1000, namespaces = 50, policies = 500] = rest.map(Number);
  const files = writeBenchCluster(dir, pods, namespaces, policies);
  process.stdout.write(`${files.clusterFile}\n${files.policyFile}\n`);
}
