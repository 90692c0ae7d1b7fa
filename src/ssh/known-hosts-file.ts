// One known_hosts file, read once per run and shared by every connection that names it. New keys are
// appended (only with --accept-new-host-keys) as plain, unhashed lines; a known key is never replaced.
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { checkHostKey, knownKeyTypes, type HostKeyVerdict } from './host-key-check.js';
import { keyTypeOfBlob } from './host-key.js';
import { formatKnownHostsLine, parseKnownHosts, type KnownHostEntry } from './known-hosts.js';

export class KnownHostsFile {
  private entries: KnownHostEntry[];
  private lines: number;
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    text: string,
  ) {
    this.entries = parseKnownHosts(text).entries;
    this.lines = text === '' ? 0 : text.replace(/\n$/, '').split('\n').length;
  }

  /** A missing file is an empty one: every host is then unknown. */
  static async open(path: string): Promise<KnownHostsFile> {
    let text = '';
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    return new KnownHostsFile(path, text);
  }

  check(name: string, key: Buffer): HostKeyVerdict {
    return checkHostKey(this.entries, name, key);
  }

  keyTypes(name: string): string[] {
    return knownKeyTypes(this.entries, name);
  }

  /** Records a new host key. Appends are serialized so parallel connections never interleave lines. */
  add(name: string, key: Buffer): Promise<void> {
    const keyType = keyTypeOfBlob(key) ?? 'unknown';
    const next = this.writes.then(async () => {
      // The in-memory view changes only after the write: a failed write trusts nothing.
      if (this.check(name, key).kind === 'trusted') return;
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      const prefix = await this.needsNewline();
      await appendFile(this.path, `${prefix}${formatKnownHostsLine(name, keyType, key)}\n`, { mode: 0o600 });
      this.lines += 1;
      this.entries.push({ line: this.lines, marker: undefined, hosts: name, keyType, key });
    });
    this.writes = next.catch(() => undefined);
    return next;
  }

  private async needsNewline(): Promise<string> {
    try {
      const s = await stat(this.path);
      if (s.size === 0) return '';
      const text = await readFile(this.path, 'utf8');
      return text.endsWith('\n') ? '' : '\n';
    } catch {
      return '';
    }
  }
}
