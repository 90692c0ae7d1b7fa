// The real dataplane tier (issue 16, phase 1 minimal): the REAL etcd + kube-apiserver, the REAL
// calico-node (startup + Felix, Kubernetes datastore) in one board namespace, two pods wired by the REAL
// Calico CNI plugin (scripts/real-tier-spike.sh up), then for each policy set: what real Felix lets
// through (nc from inside the pod namespaces) must equal calico-validate --live's verdict for the same
// flow, and both must equal the table. Skipped, saying how to build them, while the binaries are absent.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../src/cli/calico-validate.js';
import { runCli } from '../helpers/run-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SPIKE = join(ROOT, 'scripts/real-tier-spike.sh');
const CACHE = process.env['PICOCAL_REAL_TIER_DIR'] ?? '/var/cache/picocal/real-tier';
const LAB = process.env['PICOCAL_REAL_LAB'] ?? '/tmp/picocal-real-spike';
const KUBECONFIG = join(LAB, 'admin.kubeconfig');
const VALIDATE = { name: 'calico-validate', summary: 'test', commands: [validateCommand], single: true };
const BINARIES = [
  'etcd-v3.6.5/etcd',
  'kube-apiserver-v1.35.4/kube-apiserver',
  'calico-v3.32.1/calico-node',
  'calico-v3.32.1/calico',
  'calico-v3.32.1/calicoctl',
];

function skipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (network namespaces)';
  // Calico v3.31.7/v3.32.1 cannot be built by a committed script here (the Go module proxy refuses the
  // calico module: docs/BENCHMARKS.md "Real dataplane tier"), so binaries in the cache were built by hand:
  // the tier runs only when asked for, never silently on whatever a machine happens to hold.
  if (process.env['PICOCAL_REAL_TIER'] !== '1')
    return 'opt-in: set PICOCAL_REAL_TIER=1 once the real binaries are built (npm run lab:build; see README "The virtual PicoCluster")';
  const missing = BINARIES.filter((b) => !existsSync(join(CACHE, b)));
  if (missing.length)
    return (
      `real binaries not built (${missing.join(', ')} missing in ${CACHE}): run npm run lab:build; ` +
      'calico itself is not served by the Go module proxy, see docs/BENCHMARKS.md "Real dataplane tier"'
    );
  if (existsSync(LAB)) return `${LAB} exists (a previous run?): run scripts/real-tier-spike.sh down`;
  return undefined;
}

const skip = skipReason();

type Verdict = 'allow' | 'deny';
type Flow = [src: string, dst: string, port: number, expected: Verdict];

const DENY_PLUS_ALLOW = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: default}
spec: {podSelector: {}, policyTypes: [Ingress]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-a-to-b-8080, namespace: default}
spec:
  podSelector: {matchLabels: {app: b}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: a}}}], ports: [{protocol: TCP, port: 8080}]}]
`;

const SCENARIOS: { name: string; policies?: string; flows: Flow[] }[] = [
  {
    name: 'no policy: Calico allows everything',
    flows: [
      ['pod-a', 'pod-b', 8080, 'allow'],
      ['pod-a', 'pod-b', 9090, 'allow'],
      ['pod-b', 'pod-a', 8080, 'allow'],
    ],
  },
  {
    name: 'default-deny ingress plus allow app=a -> app=b TCP 8080',
    policies: DENY_PLUS_ALLOW,
    flows: [
      ['pod-a', 'pod-b', 8080, 'allow'],
      ['pod-a', 'pod-b', 9090, 'deny'],
      ['pod-b', 'pod-a', 8080, 'deny'],
      ['pod-b', 'pod-a', 9090, 'deny'],
    ],
  },
];

const kubectl = (args: string[], input?: string) =>
  execa('kubectl', ['--kubeconfig', KUBECONFIG, '--request-timeout=20s', ...args], {
    reject: false,
    ...(input !== undefined ? { input } : {}),
  });

async function podIp(pod: string): Promise<string> {
  const r = await kubectl([
    'get',
    'pod',
    pod,
    '-n',
    'default',
    '-o',
    'jsonpath={.metadata.annotations.cni\\.projectcalico\\.org/podIP}',
  ]);
  expect(r.exitCode, r.stderr).toBe(0);
  const ip = r.stdout.split('/')[0] ?? '';
  expect(ip).toMatch(/^10\.247\./);
  return ip;
}

/** What real Felix does: a TCP connect from inside the source pod's namespace (both ports listen). */
async function probe(src: string, dstIp: string, port: number): Promise<Verdict> {
  const r = await execa('ip', ['netns', 'exec', `rt-${src}`, 'nc', '-z', '-w', '2', dstIp, String(port)], {
    reject: false,
  });
  return r.exitCode === 0 ? 'allow' : 'deny';
}

async function validate(src: string, dst: string, port: number): Promise<Verdict> {
  const r = await runCli(
    [src, dst, 'default', '--port', String(port), '--live', '--kubeconfig', KUBECONFIG, '--output', 'json'],
    { program: VALIDATE },
  );
  expect([0, 1], r.stderr).toContain(r.code);
  return (JSON.parse(r.stdout) as { verdict: Verdict }).verdict;
}

/** Felix programs asynchronously: wait (bounded) until the first flow's probe gives the oracle's verdict. */
async function converge(src: string, ip: string, port: number, want: Verdict): Promise<void> {
  for (let i = 0; i < 60; i++) {
    if ((await probe(src, ip, port)) === want) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe.skipIf(skip !== undefined)(
  `real tier: real Felix enforces what calico-validate predicts${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    const ips: Record<string, string> = {};

    beforeAll(async () => {
      const up = await execa('bash', [SPIKE, 'up'], { reject: false, all: true });
      expect(up.exitCode, up.all).toBe(0);
      for (const p of ['pod-a', 'pod-b']) ips[p] = await podIp(p);
    }, 600_000);

    afterAll(async () => {
      await execa('bash', [SPIKE, 'down'], { reject: false });
    }, 60_000);

    it('Felix on the board reports ready on 9099', async () => {
      const r = await execa(
        'ip',
        ['netns', 'exec', 'rt-node1', 'curl', '-fsS', 'http://127.0.0.1:9099/readiness'],
        {
          reject: false,
        },
      );
      expect(r.exitCode, r.stderr).toBe(0);
    });

    it.each(SCENARIOS.map((s) => [s.name, s] as const))(
      '%s: probes agree with calico-validate',
      async (_name, s) => {
        if (s.policies) {
          const a = await kubectl(['apply', '-f', '-'], s.policies);
          expect(a.exitCode, a.stderr).toBe(0);
        }
        const verdicts = await Promise.all(s.flows.map(([src, dst, port]) => validate(src, dst, port)));
        const [first] = s.flows;
        if (first) await converge(first[0], ips[first[1]] ?? '', first[2], verdicts[0] ?? 'allow');
        const rows = [];
        for (const [i, [src, dst, port, expected]] of s.flows.entries()) {
          const felix = await probe(src, ips[dst] ?? '', port);
          rows.push({ flow: `${src} -> ${dst}:${port}`, expected, validate: verdicts[i], felix });
        }
        const table = rows.map((r) => ({ ...r, validate: r.expected, felix: r.expected }));
        expect(rows).toEqual(table);
      },
      120_000,
    );
  },
);
