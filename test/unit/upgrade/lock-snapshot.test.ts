import { describe, expect, it } from 'vitest';
import {
  formatAge,
  judgeLock,
  lockHeld,
  ownerHere,
  STALE_AFTER_MS,
  type LockOwner,
} from '../../../src/cluster/lock.js';
import type { MachineIdentity } from '../../../src/cluster/machine-identity.js';
import { cleanForApply } from '../../../src/upgrade/snapshot.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const OTHER: MachineIdentity = { host: 'other-host', machine: 'b'.repeat(32), boot: 'boot-b' };
/** The machine the lock judge runs on: a Raspberry Pi's default name, to show the name alone decides nothing. */
const HERE: MachineIdentity = { host: 'raspberrypi', machine: 'a'.repeat(32), boot: '11111111-2222' };
const DEAD_PID = 2 ** 22 + 17;
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
    const v = judgeLock(owner({}), NOW, OTHER);
    expect(v).toMatchObject({ state: 'held', stale: false, ageMs: 10 * 60_000 });
    const e = lockHeld('pc-node1', v);
    expect(e.message).toBe(
      'another picocal run is changing this cluster: /var/lib/picocal/lock on pc-node1 is held by pi@laptop pid 4242 (upgrade, run r1, since 2026-01-01T11:50:00Z), 10 min ago',
    );
    expect(e.hint).toMatch(/wait for that run to finish; if it is gone .* --break-lock/);
  });

  it('calls an old lock stale but still refuses it', () => {
    const started = new Date(NOW - STALE_AFTER_MS - 1000).toISOString();
    const v = judgeLock(owner({ startedAt: started }), NOW, OTHER);
    expect(v).toMatchObject({ state: 'held', stale: true });
    expect(lockHeld('pc-node1', v).hint).toMatch(/looks stale/);
  });

  // Only a dead pid on this very machine and boot makes a lock stale: the same hostname is not enough.
  it.each<[string, Partial<LockOwner>, 'dead-owner' | 'held']>([
    ['dead pid, same host, machine-id and boot', { machine: HERE.machine, boot: HERE.boot }, 'dead-owner'],
    [
      'live pid, same host, machine-id and boot',
      { machine: HERE.machine, boot: HERE.boot, pid: process.pid },
      'held',
    ],
    ['same hostname, another machine-id (another Pi)', { machine: 'c'.repeat(32), boot: HERE.boot }, 'held'],
    [
      'same hostname and machine-id, another boot (a cloned image)',
      { machine: HERE.machine, boot: 'boot-c' },
      'held',
    ],
    ['same hostname, no machine identity (an older lock)', {}, 'held'],
    ['same hostname, machine-id but no boot id', { machine: HERE.machine }, 'held'],
    [
      'another hostname, same machine-id and boot',
      { host: 'pc-laptop', machine: HERE.machine, boot: HERE.boot },
      'held',
    ],
  ])('a lock by %s is %s', (_what, o, state) => {
    const v = judgeLock(owner({ host: HERE.host, pid: DEAD_PID, ...o }), NOW, HERE);
    expect(v.state).toBe(state);
  });

  it('names why a same-hostname lock from elsewhere is not taken over', () => {
    const v = judgeLock(
      owner({ host: HERE.host, pid: DEAD_PID, machine: 'c'.repeat(32), boot: 'x' }),
      NOW,
      HERE,
    );
    expect(lockHeld('pc-node1', v).hint).toMatch(/another machine-id or boot.*--break-lock/);
  });

  it('records the machine-id and boot id of the run that takes the lock', () => {
    const o = ownerHere('r9', 'upgrade', new Date(NOW), HERE);
    expect(o).toMatchObject({
      host: 'raspberrypi',
      machine: HERE.machine,
      boot: HERE.boot,
      pid: process.pid,
    });
    expect(judgeLock(JSON.stringify(o), NOW, HERE).state).toBe('held');
    expect(judgeLock(JSON.stringify({ ...o, pid: DEAD_PID }), NOW, HERE).state).toBe('dead-owner');
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
