// One picocal run changes a cluster at a time: a lock file on the control plane, created atomically (a
// complete temporary file hard-linked into place, which fails if the lock exists) and removed only by the
// run that owns it. A lock whose owner is a dead process on this machine is stale and taken over; any other
// lock is refused with its owner and age, and only --break-lock removes it.
import { hostname, userInfo } from 'node:os';
import type { ClusterShell } from './cluster-shell.js';
import { STATE_DIR } from './cluster-shell.js';
import { ClusterCommandError, LockHeldError } from './upgrade-errors.js';

export const LOCK_FILE = `${STATE_DIR}/lock`;
/** Past this age a lock is called stale in the message (the run may still be alive: it is not removed). */
export const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

export interface LockOwner {
  host: string;
  user: string;
  pid: number;
  runId: string;
  command: string;
  startedAt: string;
}

export function ownerHere(runId: string, command: string, now = new Date()): LockOwner {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): the pid and host still identify the run
  }
  return { host: hostname(), user, pid: process.pid, runId, command, startedAt: now.toISOString() };
}

export function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.startedAt === 'string') {
      return { user: '?', runId: '?', command: '?', ...o } as LockOwner;
    }
  } catch {
    // unreadable: reported as such
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export type LockVerdict =
  | { state: 'held'; owner: LockOwner | undefined; ageMs: number | undefined; stale: boolean; why: string }
  | { state: 'dead-owner'; owner: LockOwner; ageMs: number };

/** What to make of an existing lock, seen from this process. */
export function judgeLock(text: string, now = Date.now(), here = hostname()): LockVerdict {
  const owner = parseOwner(text);
  if (!owner)
    return { state: 'held', owner: undefined, ageMs: undefined, stale: false, why: 'unreadable lock file' };
  const ageMs = now - Date.parse(owner.startedAt);
  if (owner.host === here && !alive(owner.pid)) return { state: 'dead-owner', owner, ageMs };
  const stale = ageMs > STALE_AFTER_MS;
  return {
    state: 'held',
    owner,
    ageMs,
    stale,
    why: stale
      ? `older than ${formatAge(STALE_AFTER_MS)}: probably left by a run that died`
      : 'the owner may still be running',
  };
}

export function describeOwner(o: LockOwner): string {
  return `${o.user}@${o.host} pid ${o.pid} (${o.command}, run ${o.runId}, since ${o.startedAt})`;
}

// Create-if-absent: write the whole content to a temporary file, then `ln` it to the lock name; ln fails
// when the lock exists, so exactly one of two racing runs wins and the lock is never seen half-written.
const ACQUIRE = `set -u
mkdir -p "$(dirname "$1")" || exit 4
tmp="$1.$$.tmp"
cat > "$tmp" || exit 4
if ln "$tmp" "$1" 2>/dev/null; then rm -f "$tmp"; exit 0; fi
rm -f "$tmp"
cat "$1" 2>/dev/null
exit 3`;

// Remove only if the file still holds our run id (a broken-and-retaken lock is not ours to remove).
const RELEASE = `grep -q -F -- "$2" "$1" 2>/dev/null && rm -f "$1"; exit 0`;

export class ClusterLock {
  private held = false;

  constructor(
    private readonly shell: ClusterShell,
    readonly owner: LockOwner,
    private readonly log: (line: string) => void,
  ) {}

  async acquire(opts: { breakLock: boolean }): Promise<void> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const r = await this.shell.exec(['sh', '-c', ACQUIRE, 'sh', LOCK_FILE], {
        stdin: JSON.stringify(this.owner) + '\n',
      });
      if (r.code === 0) {
        this.held = true;
        return;
      }
      if (r.code !== 3) {
        throw new ClusterCommandError(
          `cannot create the lock ${LOCK_FILE} on ${this.shell.node}: ${r.stderr.trim() || `exit ${r.code}`}`,
          {
            node: this.shell.node,
            hint: `picocal needs to write ${LOCK_FILE} on the control plane (as root or with passwordless sudo)`,
          },
        );
      }
      const verdict = judgeLock(r.stdout);
      if (attempt === 0 && verdict.state === 'dead-owner') {
        this.log(
          `taking over a stale lock on ${this.shell.node}: ${describeOwner(verdict.owner)} is no longer running`,
        );
        await this.remove();
        continue;
      }
      if (attempt === 0 && opts.breakLock) {
        this.log(
          `breaking the lock on ${this.shell.node} (--break-lock): ${verdict.owner ? describeOwner(verdict.owner) : 'unreadable lock'}`,
        );
        await this.remove();
        continue;
      }
      throw lockHeld(this.shell.node, verdict);
    }
    throw new LockHeldError(`another run took the lock on ${this.shell.node} while picocal was breaking it`, {
      node: this.shell.node,
    });
  }

  async release(): Promise<void> {
    if (!this.held) return;
    await this.shell.exec(['sh', '-c', RELEASE, 'sh', LOCK_FILE, `"runId":"${this.owner.runId}"`]);
    this.held = false;
  }

  /** Who holds the lock now, for --dry-run: never takes it. */
  static async peek(shell: ClusterShell): Promise<LockVerdict | undefined> {
    const text = await shell.readFile(LOCK_FILE);
    return text === undefined ? undefined : judgeLock(text);
  }

  private async remove(): Promise<void> {
    const r = await this.shell.exec(['rm', '-f', LOCK_FILE]);
    if (r.code !== 0)
      throw new ClusterCommandError(`cannot remove ${LOCK_FILE} on ${this.shell.node}: ${r.stderr.trim()}`, {
        node: this.shell.node,
      });
  }
}

export function lockHeld(node: string, v: LockVerdict): LockHeldError {
  if (v.state === 'dead-owner') {
    return new LockHeldError(
      `the cluster is locked by ${describeOwner(v.owner)}, which is no longer running`,
      { node, hint: 'run again: picocal takes over such a lock' },
    );
  }
  const who = v.owner ? describeOwner(v.owner) : 'an unreadable lock file';
  const age = v.ageMs !== undefined ? `, ${formatAge(v.ageMs)} ago` : '';
  return new LockHeldError(
    `another picocal run is changing this cluster: ${LOCK_FILE} on ${node} is held by ${who}${age}`,
    {
      node,
      hint: v.stale
        ? `the lock looks stale (${v.why}); if that run is gone, run again with --break-lock`
        : `wait for that run to finish; if it is gone (${v.why}), run again with --break-lock`,
    },
  );
}
