// Every workflow that changes the cluster takes its lock first (/var/lib/picocal/lock on the control plane,
// src/cluster/lock.ts) and releases it when the run ends, however it ends. Taking and releasing are changes
// (ctx.changes): a dry run takes no lock, it peeks at it and says whether the real run would get it.
import type { Changes, PlanEntry } from '../core/changes.js';
import type { Phase } from '../core/phase.js';
import { EXIT, PicocalError } from '../errors.js';
import type { ClusterShell } from './cluster-shell.js';
import { ClusterLock, LOCK_FILE, describeOwner, lockHeld } from './lock.js';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** The lock as a dry run sees it: whether the real run would take it (PASS) or be refused, and why. */
export async function lockCheck(shell: ClusterShell, breakLock: boolean): Promise<PlanEntry> {
  const target = shell.node;
  try {
    const v = await ClusterLock.peek(shell);
    if (!v) return { target, action: `lock: ${LOCK_FILE} is free: the run takes it`, verdict: 'PASS' };
    if (v.state === 'dead-owner')
      return {
        target,
        action: `lock: left by ${describeOwner(v.owner)}, no longer running: the run takes it over`,
        verdict: 'PASS',
      };
    if (breakLock)
      return { target, action: `lock: held (${v.why}): --break-lock removes it first`, verdict: 'PASS' };
    const refused = lockHeld(target, v);
    return {
      target,
      action: `lock: ${refused.message}`,
      verdict: 'WOULD BE REFUSED',
      exitCode: refused.exitCode,
    };
  } catch (err) {
    return {
      target,
      action: `lock: cannot read ${LOCK_FILE}: ${message(err)}`,
      verdict: 'WOULD FAIL',
      exitCode: err instanceof PicocalError ? err.exitCode : EXIT.failed,
    };
  }
}

export interface LockPhaseOptions {
  breakLock: boolean;
  /** Told what the dry run found (the workflow may skip checks a lock it could not read makes moot). */
  onCheck?: (entry: PlanEntry) => void;
  /** Says a line once the lock is taken (a real run). */
  taken?: () => void;
}

export interface LockPhase<C> extends Phase<C> {
  /** Releases the lock if this run took it (or plans to, in a dry run); never throws, says why not. */
  release(ctx: C, warn: (line: string) => void): Promise<void>;
}

export function lockPhase<C extends { changes: Changes }>(
  lock: ClusterLock,
  shell: ClusterShell,
  opts: LockPhaseOptions,
): LockPhase<C> {
  let taken = false;
  return {
    title: 'Lock the cluster (one picocal run changes it at a time)',
    async run(ctx) {
      await ctx.changes.make(
        shell.node,
        `lock: take ${LOCK_FILE}`,
        async () => {
          await lock.acquire({ breakLock: opts.breakLock });
          opts.taken?.();
        },
        {
          quiet: true,
          plan: async () => {
            const entry = await lockCheck(shell, opts.breakLock);
            opts.onCheck?.(entry);
            return [entry];
          },
        },
      );
      taken = true;
    },
    async release(ctx, warn) {
      if (!taken) return;
      await ctx.changes
        .make(shell.node, `lock: release ${LOCK_FILE}`, () => lock.release(), { quiet: true, plan: () => [] })
        .catch((e: Error) => warn(`could not release the lock: ${e.message}`));
    },
  };
}
