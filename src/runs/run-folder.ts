// Every run keeps its full record in `.picocal/runs/<id>/`: Ansible's events and log, and a summary,
// so that a failure can be read after the terminal is gone (and an upgrade can be resumed or rolled back).
import { createWriteStream, mkdirSync, writeFileSync, type WriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface RunFolder {
  id: string;
  dir: string;
  file(name: string): string;
  stream(name: string): WriteStream;
  writeJson(name: string, value: unknown): void;
}

export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export function createRunFolder(baseDir: string, kind: string): RunFolder {
  const id = `${newRunId()}-${kind}`;
  const dir = resolve(baseDir, '.picocal', 'runs', id);
  mkdirSync(dir, { recursive: true });
  return {
    id,
    dir,
    file: (name) => join(dir, name),
    stream: (name) => createWriteStream(join(dir, name), { flags: 'a' }),
    writeJson: (name, value) => writeFileSync(join(dir, name), JSON.stringify(value, null, 2) + '\n'),
  };
}
