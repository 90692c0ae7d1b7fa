// One picocal run changes a cluster at a time: a lock file on the control plane, created atomically (a
// complete temporary file hard-linked into place, which fails if the lock exists) and removed only by the
// run that owns it. A lock whose owner is a dead process on this machine, in this boot, is stale and taken
// over; any other lock is refused with its owner and age, and only --break-lock removes it. Every change to
// the lock (create, take over, break, release) runs under flock(1) on a mutex file next to it, and a take
// over replaces the lock only if it still holds exactly the content that was judged (compare-and-swap): of
// any number of runs that find one stale lock at once, exactly one gets it.
import { userInfo } from 'node:os';
import type { ClusterShell } from './cluster-shell.js';
import { STATE_DIR } from './cluster-shell.js';
import { machineHere, sameBoot, type MachineIdentity } from './machine-identity.js';
import { ClusterCommandError, LockHeldError } from './errors.js';

export const LOCK_FILE = `${STATE_DIR}/lock`;
/** flock(1) target serializing every change to the lock (an empty file, left in place). */
export const LOCK_MUTEX = `${LOCK_FILE}.mutex`;
/** Past this age a lock is called stale in the message (the run may still be alive: it is not removed). */
export const STALE_AFTER_MS = 2 * 60 * 60 * 1000;

export interface LockOwner {
  host: string;
  user: string;
  pid: number;
  runId: string;
  command: string;
  startedAt: string;
  /** The owner's machine-id and boot id (absent in locks written before picocal recorded them). */
  machine?: string;
  boot?: string;
}

export function ownerHere(
  runId: string,
  command: string,
  now = new Date(),
  here: MachineIdentity = machineHere(),
): LockOwner {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (containers): the pid and host still identify the run
  }
  return {
    host: here.host,
    user,
    pid: process.pid,
    runId,
    command,
    startedAt: now.toISOString(),
    ...(here.machine ? { machine: here.machine } : {}),
    ...(here.boot ? { boot: here.boot } : {}),
  };
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
  | {
      state: 'held';
      owner: LockOwner | undefined;
      ageMs: number | undefined;
      stale: boolean;
      why: string;
      /** The owner is a live process on this machine, in this boot: not even --break-lock removes it. */
      running?: boolean;
    }
  | { state: 'dead-owner'; owner: LockOwner; ageMs: number };

/**
 * What to make of an existing lock, seen from this process. Its owner is dead only when it ran on this
 * machine (hostname, machine-id) in this boot and its pid is gone; from anywhere else picocal cannot tell.
 */
export function judgeLock(
  text: string,
  now = Date.now(),
  here: MachineIdentity = machineHere(),
): LockVerdict {
  const owner = parseOwner(text);
  if (!owner)
    return { state: 'held', owner: undefined, ageMs: undefined, stale: false, why: 'unreadable lock file' };
  const ageMs = now - Date.parse(owner.startedAt);
  const ownerBoot: MachineIdentity = { host: owner.host, machine: owner.machine, boot: owner.boot };
  const local = sameBoot(ownerBoot, here);
  if (local && !alive(owner.pid)) return { state: 'dead-owner', owner, ageMs };
  const stale = ageMs > STALE_AFTER_MS;
  const elsewhere =
    owner.host === here.host
      ? 'it was taken on a machine with this hostname but another machine-id or boot, so picocal cannot tell whether it still runs'
      : 'the owner may still be running';
  return {
    state: 'held',
    owner,
    ageMs,
    stale,
    ...(local ? { running: true } : {}),
    why: local
      ? 'the owner is still running'
      : stale
        ? `older than ${formatAge(STALE_AFTER_MS)}: probably left by a run that died`
        : elsewhere,
  };
}

export function describeOwner(o: LockOwner): string {
  return `${o.user}@${o.host} pid ${o.pid} (${o.command}, run ${o.runId}, since ${o.startedAt})`;
}

// Every script first takes flock(1) on the mutex ($2), waiting at most 20 s: the sections it guards are a few
// file operations, and the kernel drops the flock with the process, so a killed run never leaves it held.
const MUTEX = `command -v flock >/dev/null 2>&1 || { echo "flock (util-linux) is not installed" >&2; exit 4; }
mkdir -p "$(dirname "$1")" || exit 4
exec 9>>"$2" || exit 4
flock -w 20 9 || { echo "$2 stayed locked for 20 s" >&2; exit 4; }`;

// acquire LOCK MUTEX [EXPECTED]: create-if-absent (a complete temporary file `ln`ed to the lock name, so it
// is never seen half-written). With EXPECTED (a take over), a lock whose content is still exactly EXPECTED
// is replaced; any other lock is left alone and printed (exit 3), for the caller to judge again.
const ACQUIRE = `set -u
${MUTEX}
tmp="$1.$$.tmp"
cat > "$tmp" || exit 4
if [ $# -ge 3 ] && [ -f "$1" ] && [ "$(cat "$1")" = "$3" ]; then
  mv -f "$tmp" "$1" && exit 0
  rm -f "$tmp"; exit 4
fi
if ln "$tmp" "$1" 2>/dev/null; then rm -f "$tmp"; exit 0; fi
rm -f "$tmp"
cat "$1" 2>/dev/null
exit 3`;

// release LOCK MUTEX TOKEN: remove only if the file still holds our run id (a broken-and-retaken lock is
// not ours to remove).
const RELEASE = `set -u
${MUTEX}
grep -q -F -- "$3" "$1" 2>/dev/null && rm -f "$1"; exit 0`;

export class ClusterLock {
  private held = false;

  constructor(
    private readonly shell: ClusterShell,
    readonly owner: LockOwner,
    private readonly log: (line: string) => void,
  ) {}

  async acquire(opts: { breakLock: boolean }): Promise<void> {
    let r = await this.run(ACQUIRE, [], JSON.stringify(this.owner) + '\n');
    let tookOver = false;
    for (;;) {
      if (r.code === 0) {
        this.held = true;
        return;
      }
      if (r.code !== 3) {
        throw new ClusterCommandError(
          `cannot create the lock ${LOCK_FILE} on ${this.shell.node}: ${r.stderr.trim() || `exit ${r.code}`}`,
          {
            node: this.shell.node,
            hint: `picocal needs to write ${LOCK_FILE} on the control plane (as root or with passwordless sudo) and flock(1) (util-linux) there`,
          },
        );
      }
      const verdict = judgeLock(r.stdout);
      if (tookOver) {
        // The lock changed between the judgement and the take over: another run got it first.
        throw verdict.state === 'held'
          ? lockHeld(this.shell.node, verdict)
          : new LockHeldError(
              `another run took the lock on ${this.shell.node} while picocal was taking it over`,
              {
                node: this.shell.node,
                hint: 'run again',
              },
            );
      }
      if (verdict.state === 'dead-owner') {
        this.log(
          `taking over a stale lock on ${this.shell.node}: ${describeOwner(verdict.owner)} is no longer running`,
        );
      } else if (opts.breakLock && !verdict.running) {
        this.log(
          `breaking the lock on ${this.shell.node} (--break-lock): ${verdict.owner ? describeOwner(verdict.owner) : 'unreadable lock'}`,
        );
      } else {
        throw lockHeld(this.shell.node, verdict);
      }
      // Compare-and-swap: replaced only if it still holds exactly what was judged.
      tookOver = true;
      r = await this.run(ACQUIRE, [r.stdout.replace(/\n+$/, '')], JSON.stringify(this.owner) + '\n');
    }
  }

  async release(): Promise<void> {
    if (!this.held) return;
    const r = await this.run(RELEASE, [`"runId":"${this.owner.runId}"`]);
    if (r.code !== 0)
      throw new ClusterCommandError(`cannot remove ${LOCK_FILE} on ${this.shell.node}: ${r.stderr.trim()}`, {
        node: this.shell.node,
      });
    this.held = false;
  }

  /** Who holds the lock now, for --dry-run: never takes it. */
  static async peek(shell: ClusterShell): Promise<LockVerdict | undefined> {
    const text = await shell.readFile(LOCK_FILE);
    return text === undefined ? undefined : judgeLock(text);
  }

  private run(script: string, args: string[], stdin?: string) {
    return this.shell.exec(['sh', '-c', script, 'sh', LOCK_FILE, LOCK_MUTEX, ...args], {
      ...(stdin !== undefined ? { stdin } : {}),
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
      hint: v.running
        ? `that run is still running on this machine (pid ${v.owner?.pid ?? '?'}): wait for it to finish; --break-lock does not remove a live run's lock`
        : v.stale
          ? `the lock looks stale (${v.why}); if that run is gone, run again with --break-lock`
          : `wait for that run to finish; if it is gone (${v.why}), run again with --break-lock`,
    },
  );
}
