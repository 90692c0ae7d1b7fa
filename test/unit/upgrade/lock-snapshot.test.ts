import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatAge, judgeLock, lockHeld, STALE_AFTER_MS, type LockOwner } from '../../../src/upgrade/lock.js';
import { cleanForApply } from '../../../src/upgrade/snapshot.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const owner = (o: Partial<LockOwner>): string =>
  JSON.stringify({
    host: 'laptop',
    user: 'pi',
    pid: 4242,
    runId: 'r1',
    command: 'upgrade',
    startedAt: '2026-01-01T11:50:00Z',
    ...o,
  });

describe('judgeLock', () => {
  it('calls a lock held by a live run held, with its owner and age', () => {
    const v = judgeLock(owner({}), NOW, 'other-host');
    expect(v).toMatchObject({ state: 'held', stale: false, ageMs: 10 * 60_000 });
    const e = lockHeld('pc-node1', v);
    expect(e.message).toBe(
      'another picocal run is changing this cluster: /var/lib/picocal/lock on pc-node1 is held by pi@laptop pid 4242 (upgrade, run r1, since 2026-01-01T11:50:00Z), 10 min ago',
    );
    expect(e.hint).toMatch(/wait for that run to finish; if it is gone .* --break-lock/);
  });

  it('calls an old lock stale but still refuses it', () => {
    const started = new Date(NOW - STALE_AFTER_MS - 1000).toISOString();
    const v = judgeLock(owner({ startedAt: started }), NOW, 'other-host');
    expect(v).toMatchObject({ state: 'held', stale: true });
    expect(lockHeld('pc-node1', v).hint).toMatch(/looks stale/);
  });

  it('takes over a lock whose owner is a dead process on this machine', () => {
    expect(judgeLock(owner({ host: hostname(), pid: 2 ** 22 + 17 }), NOW).state).toBe('dead-owner');
    expect(judgeLock(owner({ host: hostname(), pid: process.pid }), NOW).state).toBe('held');
  });

  it('refuses an unreadable lock without guessing', () => {
    expect(judgeLock('garbage', NOW)).toMatchObject({
      state: 'held',
      owner: undefined,
      why: 'unreadable lock file',
    });
  });

  it.each([
    [5_000, '5 s'],
    [10 * 60_000, '10 min'],
    [3 * 3600_000, '3.0 h'],
  ])('formats an age of %i ms as %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });
});

describe('cleanForApply', () => {
  it('keeps what was applied and drops what the server filled in', () => {
    const live = {
      apiVersion: 'operator.tigera.io/v1',
      kind: 'Installation',
      metadata: {
        name: 'default',
        uid: 'u',
        resourceVersion: '7',
        generation: 2,
        creationTimestamp: 't',
        managedFields: [{ manager: 'kubectl' }],
        labels: { a: 'b' },
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'me' },
      },
      spec: { nodeUpdateStrategy: { rollingUpdate: { maxUnavailable: 1 } } },
      status: { calicoVersion: 'v3.31.7' },
    };
    expect(cleanForApply(live)).toEqual({
      apiVersion: 'operator.tigera.io/v1',
      kind: 'Installation',
      metadata: { name: 'default', labels: { a: 'b' }, annotations: { keep: 'me' } },
      spec: { nodeUpdateStrategy: { rollingUpdate: { maxUnavailable: 1 } } },
    });
  });
});
