import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/cli/exit-codes.js';
import { healthTable } from '../../../src/health/health-table.js';
import type { Check, HealthReport, NodeHealth } from '../../../src/health/health-types.js';
import { runCli } from '../../helpers/run-cli.js';

const ok = (name: string): Check => ({ name, ok: true, detail: 'fine' });
function node(name: string, state: 'healthy' | 'unhealthy' | 'unreachable'): NodeHealth {
  const reachable = state !== 'unreachable';
  const problems = state === 'unhealthy' ? ['felix-readiness: not ready (503)'] : [];
  return {
    name,
    address: `10.0.0.${name.slice(-1)}`,
    role: 'worker',
    reachable,
    healthy: state === 'healthy',
    version: reachable ? 'v3.32.1' : null,
    arch: reachable ? 'aarch64' : null,
    kernel: reachable ? '6.6.31' : null,
    felix: state === 'healthy' ? 'ready' : state === 'unhealthy' ? 'not-ready' : 'unknown',
    pod: state === 'healthy' ? 'Ready' : state === 'unhealthy' ? 'NotReady' : 'unknown',
    checks:
      state === 'unhealthy'
        ? [ok('ssh'), { name: 'felix-readiness', ok: false, detail: 'not ready (503)' }]
        : [ok('ssh')],
    problems: reachable ? problems : ['cannot reach n (10.0.0.9): connection refused'],
    ...(reachable ? {} : { error: { code: 'E_SSH', message: `cannot reach ${name}: connection refused` } }),
  };
}
function report(
  states: ('healthy' | 'unhealthy' | 'unreachable')[],
  cluster: Partial<HealthReport['cluster']> = {},
): HealthReport {
  const nodes = states.map((s, i) => node(`pc-node${i + 1}`, s));
  const side = {
    queried: true,
    installedVersion: 'v3.32.1',
    checks: [ok('tigerastatus-calico')],
    problems: [],
    advisory: false,
    ...cluster,
  };
  return {
    healthy: nodes.every((n) => n.healthy),
    expectedVersion: 'v3.32.1',
    cluster: side,
    nodes,
    durationMs: 10,
  };
}

describe('exitCodeFor', () => {
  const degraded = {
    checks: [{ name: 'tigerastatus-calico', ok: false, detail: 'Degraded' }],
    problems: ['x'],
  };
  it.each([
    ['all healthy', report(['healthy', 'healthy']), 0],
    ['one unreachable', report(['healthy', 'unreachable']), 3],
    ['one unhealthy', report(['unhealthy', 'healthy']), 3],
    ['all unhealthy', report(['unhealthy', 'unreachable']), 1],
    ['cluster not queried', report(['healthy', 'healthy'], { queried: false }), 1],
    ['cluster degraded, nodes fine', report(['healthy', 'healthy'], degraded), 1],
    ['cluster degraded because of a node', report(['healthy', 'unhealthy'], degraded), 3],
    ['cluster degraded, advisory (--node)', report(['healthy'], { ...degraded, advisory: true }), 0],
  ])('%s → %i', (_t, r, code) => {
    expect(exitCodeFor(r)).toBe(code);
  });
});

describe('healthTable', () => {
  it('aligns columns under upper-case headers and names unhealthy nodes', () => {
    const lines = healthTable(report(['healthy', 'unhealthy', 'unreachable']));
    expect(lines).toEqual([
      'NODE       ARCH      CALICO    FELIX       POD        PROBLEMS',
      'pc-node1   aarch64   v3.32.1   ready       Ready      -',
      'pc-node2   aarch64   v3.32.1   not-ready   NotReady   felix-readiness: not ready (503)',
      'pc-node3   -         -         unknown     unknown    unreachable: cannot reach pc-node3: connection refused',
      '',
      'cluster: tigerastatus calico Available, Installation reports v3.32.1',
      '1/3 nodes healthy; unhealthy: pc-node2, pc-node3 (unreachable)',
      'next: picocal reprovision pc-node2 (prepares the board again and restarts its calico-node pod; add --reset to clear its Calico files first)',
    ]);
  });

  it('suggests reprovision only for a board whose Felix or calico-node pod is not ready', () => {
    const r = report(['unhealthy', 'unhealthy']);
    const second = r.nodes[1]!;
    second.checks = [ok('ssh'), { name: 'pod-addresses', ok: false, detail: 'pods outside the pool' }];
    second.problems = ['pod-addresses: pods outside the pool'];
    const next = healthTable(r).filter((l) => l.startsWith('next:'));
    expect(next).toEqual([
      'next: picocal reprovision pc-node1 (prepares the board again and restarts its calico-node pod; add --reset to clear its Calico files first)',
    ]);
  });

  // The cluster could not be queried (kubectl timed out on an overloaded control plane): every board's pod is
  // unknown. That is no reason to reprovision a board; Felix not ready on the board still is.
  const unknownPod: Check = {
    name: 'pod-ready',
    ok: false,
    detail: 'unknown: the cluster could not be queried',
  };
  const felixDown: Check = { name: 'felix-readiness', ok: false, detail: 'not ready (503)' };
  it.each([
    { what: 'pod unknown only', checks: [unknownPod], next: false },
    { what: 'pod unknown and Felix not ready', checks: [felixDown, unknownPod], next: true },
    { what: 'pod not ready (cluster answered)', checks: [{ ...unknownPod, detail: 'NotReady' }], next: true },
  ])('cluster not queried, $what: reprovision offered = $next', ({ checks, next }) => {
    const r = report(['unhealthy'], { queried: false, problems: ['kubectl timed out'] });
    const n = r.nodes[0]!;
    n.checks = [ok('ssh'), ...checks];
    n.pod = checks.some((c) => c.detail === 'NotReady') ? 'NotReady' : 'unknown';
    n.problems = checks.map((c) => `${c.name}: ${c.detail}`);
    expect(healthTable(r).some((l) => l.startsWith('next: picocal reprovision pc-node1'))).toBe(next);
  });
});

describe('picocal verify input checks', () => {
  it.each([
    [['verify', '-i', 'inventory/picocluster.yaml', '--timeout', 'soon'], /--timeout must be a number/],
    [['verify', '-i', 'inventory/picocluster.yaml', '--timeout', '0'], /--timeout must be a number/],
    [['verify', '-i', 'inventory/picocluster.yaml', '--node', 'pc-nod3'], /did you mean 'pc-node3'/],
    [['verify', '-i', 'inventory/picocluster.yaml', 'pc-node3'], /--node NAME/],
    [['verify'], /no inventory given/],
  ])('exits 2 on %j', async (argv, message) => {
    const r = await runCli(argv, { cwd: process.cwd() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
