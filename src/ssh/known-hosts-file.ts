// One known_hosts file, read once per run and shared by every connection that names it. New keys are
// appended (only with --accept-new-host-keys) as plain, unhashed lines; a known key is never replaced.
// Recording is atomic per host: within this process every append to one file is serialized, and across
// processes it happens under an exclusive lock file (`<file>.lock`, O_EXCL) after the file is read again,
// so a host that presents two different keys to two overlapping connections (or two picocal processes)
// ends with the first key recorded and the second connection refused as a changed key, never two keys.
import { appendFile, mkdir, open, readFile, unlink } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { checkHostKey, knownKeyTypes, type HostKeyVerdict } from './host-key-check.js';
import { keyTypeOfBlob } from './host-key.js';
import { formatKnownHostsLine, parseKnownHosts, type KnownHostEntry } from './known-hosts.js';

/** What recording a key came to: written now, or what the file (read again under the lock) already says. */
export type RecordOutcome =
  { kind: 'recorded'; entry: KnownHostEntry } | Exclude<HostKeyVerdict, { kind: 'unknown' }>;

/** How long a writer waits for another process's `<file>.lock` before giving up (its hold is milliseconds). */
export const KNOWN_HOSTS_LOCK_WAIT_MS = 10_000;

// One queue per file for the whole process: every KnownHostsFile instance (one per pool) naming the same
// path appends through it.
const queues = new Map<string, Promise<unknown>>();

function serialized<T>(path: string, work: () => Promise<T>): Promise<T> {
  const key = resolve(path);
  const next = (queues.get(key) ?? Promise.resolve()).then(work, work);
  const tail = next.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return next;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `work` holding `<path>.lock` (created exclusively, holding our pid), removed afterwards. */
async function underFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  const lockPath = `${path}.lock`;
  const until = Date.now() + KNOWN_HOSTS_LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      try {
        await fh.writeFile(`${process.pid}\n`);
      } finally {
        await fh.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (Date.now() >= until) {
        const holder = (await readFile(lockPath, 'utf8').catch(() => '?')).trim() || '?';
        throw new Error(
          `${lockPath} is held by another process (pid ${holder}) for more than ${KNOWN_HOSTS_LOCK_WAIT_MS / 1000} s; ` +
            'if no picocal run is recording host keys, remove that file',
          { cause: err },
        );
      }
      await sleep(delay);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return '';
  }
}

export class KnownHostsFile {
  private entries: KnownHostEntry[] = [];
  private lines = 0;

  private constructor(
    readonly path: string,
    text: string,
  ) {
    this.load(text);
  }

  /** A missing file is an empty one: every host is then unknown. */
  static async open(path: string): Promise<KnownHostsFile> {
    return new KnownHostsFile(path, await readText(path));
  }

  check(name: string, key: Buffer): HostKeyVerdict {
    return checkHostKey(this.entries, name, key);
  }

  keyTypes(name: string): string[] {
    return knownKeyTypes(this.entries, name);
  }

  /**
   * Records a new host key, unless the file (read again under the lock) has since got a key for this
   * host: then the verdict against it is returned instead (`trusted` for the same key, `changed` for a
   * different one, `revoked`, `cert-authority-only` when a CA line for the host appeared), and nothing is written.
   */
  add(name: string, key: Buffer): Promise<RecordOutcome> {
    const keyType = keyTypeOfBlob(key) ?? 'unknown';
    return serialized(this.path, async () => {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      return underFileLock(this.path, async () => {
        const text = await readText(this.path);
        // The in-memory view follows the file: keys other connections or processes recorded count now.
        this.load(text);
        const verdict = this.check(name, key);
        if (verdict.kind !== 'unknown') return verdict;
        const prefix = text === '' || text.endsWith('\n') ? '' : '\n';
        await appendFile(this.path, `${prefix}${formatKnownHostsLine(name, keyType, key)}\n`, {
          mode: 0o600,
        });
        const entry: KnownHostEntry = { line: this.lines + 1, marker: undefined, hosts: name, keyType, key };
        this.lines += 1;
        this.entries.push(entry);
        return { kind: 'recorded', entry };
      });
    });
  }

  private load(text: string): void {
    this.entries = parseKnownHosts(text).entries;
    this.lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  }
}
