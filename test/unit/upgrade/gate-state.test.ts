import { describe, expect, it } from 'vitest';
import {
  outcome,
  startGate,
  stepNode,
  unreadyNodes,
  type GateSettings,
  type NodeObservation,
  type Observation,
} from '../../../src/upgrade/gate-state.js';

const S: GateSettings = { target: 'v3.32.1', nodeTimeoutMs: 60_000, failOnDegraded: true };
const OLD: NodeObservation = {
  reachable: true,
  podReady: true,
  version: 'v3.31.7',
  healthy: false,
  problems: ['pod-version: runs v3.31.7'],
};
const NEW_READY: NodeObservation = {
  reachable: true,
  podReady: true,
  version: 'v3.32.1',
  healthy: true,
  problems: [],
};
const NEW_UNREADY: NodeObservation = {
  reachable: true,
  podReady: false,
  version: 'v3.32.1',
  healthy: false,
  problems: ['felix-readiness: not ready (503)'],
};
const REPLACING: NodeObservation = {
  reachable: true,
  podReady: undefined,
  version: null,
  healthy: false,
  problems: ['pod-ready: no calico-node pod'],
};
const DOWN: NodeObservation = {
  reachable: false,
  podReady: false,
  version: 'v3.31.7',
  healthy: false,
  problems: ['cannot reach pc-node2'],
};

function obs(at: number, o: NodeObservation | undefined, degraded?: string): Observation {
  return { at, nodes: new Map(o ? [['n', o]] : []), degraded, installedVersion: 'v3.31.7' };
}

describe('stepNode: a node counts as upgraded only on the new version, Ready, with Felix ready', () => {
  it.each([
    ['old version, Ready', OLD, 'waiting'],
    ['pod being replaced', REPLACING, 'upgrading'],
    ['new version, not Ready', NEW_UNREADY, 'upgrading'],
    ['new version, Ready and Felix ready', NEW_READY, 'healthy'],
    ['unreachable', DOWN, 'upgrading'],
    ['no answer at all', undefined, 'upgrading'],
  ] as const)('%s → %s', (_what, o, phase) => {
    expect(stepNode(startGate('n', false, 'v3.31.7'), o, obs(1000, o), S).phase).toBe(phase);
  });

  it('times a node from the moment it starts upgrading, and fails it after the node timeout', () => {
    let g = stepNode(startGate('n', false, 'v3.31.7'), REPLACING, obs(1000, REPLACING), S);
    expect(g).toMatchObject({ phase: 'upgrading', startedAt: 1000 });
    g = stepNode(g, NEW_UNREADY, obs(61_000, NEW_UNREADY), S);
    expect(g.phase).toBe('upgrading');
    g = stepNode(g, NEW_UNREADY, obs(61_001, NEW_UNREADY), S);
    expect(g.phase).toBe('failed');
    expect(g.reason).toMatch(/not healthy on v3.32.1 within 60 s: felix-readiness: not ready \(503\)/);
  });

  it('times a node that went from old to healthy between two observations from the last old one', () => {
    let g = stepNode(startGate('n', false, 'v3.31.7'), OLD, obs(1000, OLD), S);
    g = stepNode(g, OLD, obs(2000, OLD), S);
    g = stepNode(g, NEW_READY, obs(3000, NEW_READY), S);
    expect(g).toMatchObject({ phase: 'healthy', startedAt: 2000, healthyAt: 3000 });
  });

  it('records the time to healthy from the start of its upgrade', () => {
    let g = stepNode(startGate('n', false, 'v3.31.7'), REPLACING, obs(1000, REPLACING), S);
    g = stepNode(g, NEW_READY, obs(4500, NEW_READY), S);
    expect(g).toMatchObject({ phase: 'healthy', startedAt: 1000, healthyAt: 4500, version: 'v3.32.1' });
  });

  it('fails a node on the new version while the operator reports Degraded, but not a waiting one', () => {
    const failing = stepNode(
      startGate('n', false, 'v3.31.7'),
      NEW_UNREADY,
      obs(1000, NEW_UNREADY, 'rollout stuck'),
      S,
    );
    expect(failing.phase).toBe('failed');
    expect(failing.reason).toContain('rollout stuck');
    const waiting = stepNode(startGate('n', false, 'v3.31.7'), OLD, obs(1000, OLD, 'rollout stuck'), S);
    expect(waiting.phase).toBe('waiting');
    const rollback = stepNode(
      startGate('n', false, 'v3.31.7'),
      NEW_UNREADY,
      obs(1000, NEW_UNREADY, 'stuck'),
      { ...S, failOnDegraded: false },
    );
    expect(rollback.phase).toBe('upgrading');
  });

  it('leaves skipped, healthy and failed nodes as they are', () => {
    expect(stepNode(startGate('n', true, null), REPLACING, obs(1, REPLACING), S).phase).toBe('skipped');
    const healthy = stepNode(startGate('n', false, 'v3.31.7'), NEW_READY, obs(1, NEW_READY), S);
    expect(stepNode(healthy, NEW_UNREADY, obs(2, NEW_UNREADY), S)).toBe(healthy);
  });
});

describe('unready count and outcome', () => {
  const gates = [
    startGate('a', false, 'v3.31.7'),
    startGate('b', false, 'v3.31.7'),
    startGate('c', true, null),
  ];
  const o: Observation = {
    at: 1,
    nodes: new Map([
      ['a', NEW_UNREADY],
      ['b', OLD],
      ['c', DOWN],
    ]),
    degraded: undefined,
    installedVersion: 'v3.31.7',
  };

  it('counts nodes whose pod is not Ready, leaving skipped nodes out', () => {
    expect(unreadyNodes(gates, o)).toEqual(['a']);
  });

  it('is done only when every gated node is healthy and, when required, the Installation reports the target', () => {
    const healthy = gates.map((g) => (g.phase === 'skipped' ? g : { ...g, phase: 'healthy' as const }));
    expect(outcome(gates, o, 'v3.32.1', true)).toBe('running');
    expect(outcome(healthy, o, 'v3.32.1', true)).toBe('running');
    expect(outcome(healthy, { ...o, installedVersion: 'v3.32.1' }, 'v3.32.1', true)).toBe('done');
    expect(outcome(healthy, o, 'v3.32.1', false)).toBe('done');
    expect(outcome([...healthy, { ...gates[0]!, phase: 'failed' }], o, 'v3.32.1', false)).toBe('failed');
  });
});
