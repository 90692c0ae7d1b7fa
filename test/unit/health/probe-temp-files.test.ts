// The probe script's scratch files on a board (issue 13, review L6): one private `mktemp -d` folder, every
// file inside it, removed however the script ends (also when the SSH connection drops: HUP); no
// predictable fallback name in /tmp. Run with the real sh; a stand-in `ip` on PATH shows the scratch
// files while the script runs, or sends the script a signal.
import { execa } from 'execa';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NODE_PROBE_SCRIPT, nodeProbeArgv } from '../../../src/health/probe-script.js';

const M = 'PICOCAL-TEST';
const tmp = mkdtempSync(join(tmpdir(), 'picocal-probe-tmp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tool(bin: string, name: string, body: string): void {
  writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
  chmodSync(join(bin, name), 0o755);
}

// What the stand-in `ip` prints: every entry under TMPDIR (type, mode, path) and any /tmp/picocal-probe.*.
const LIST = `find "$TMPDIR" -mindepth 1 -printf '%y %m %P\\n'; ls -d /tmp/picocal-probe.* 2>/dev/null; true`;

const CASES: [
  string,
  string | undefined,
  string,
  (r: { exitCode?: number; stdout: string; stderr: string }) => void,
][] = [
  [
    'a complete run',
    undefined,
    LIST,
    (r) => {
      expect(r.exitCode).toBe(0);
      const listing =
        /begin links\n([^]*?)\n*PICOCAL-TEST end links/.exec(r.stdout)?.[1]?.trim().split('\n') ?? [];
      // One folder, private to the login user, and every scratch file inside it.
      const top = listing.filter((l) => !l.split(' ')[2]?.includes('/'));
      expect(top).toEqual([expect.stringMatching(/^d 700 tmp\.\w+$/)]);
      expect(listing.length).toBeGreaterThan(1);
      expect(r.stdout).toContain(`${M} done 1`);
    },
  ],
  [
    'the SSH connection drops (SIGHUP)',
    undefined,
    `${LIST} >/dev/null; kill -HUP $PPID; sleep 1`,
    (r) => expect(r.exitCode).toBe(129),
  ],
  [
    'it is terminated (SIGTERM)',
    undefined,
    `${LIST} >/dev/null; kill -TERM $PPID; sleep 1`,
    (r) => expect(r.exitCode).toBe(143),
  ],
  [
    'it is interrupted (SIGINT)',
    undefined,
    `${LIST} >/dev/null; kill -INT $PPID; sleep 1`,
    (r) => expect(r.exitCode).toBe(130),
  ],
  [
    'mktemp fails',
    'exit 1',
    LIST,
    (r) => {
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(/mktemp -d failed/);
      expect(r.stdout).not.toContain('begin links');
    },
  ],
];

describe('the node probe script leaves no scratch file behind', () => {
  let n = 0;
  it.each(CASES)('when %s', async (_name, mktemp, ip, check) => {
    const dir = join(tmp, `case${n++}`);
    const bin = join(dir, 'bin');
    const scratch = join(dir, 'tmp');
    mkdirSync(bin, { recursive: true });
    mkdirSync(scratch);
    tool(bin, 'ip', ip);
    if (mktemp !== undefined) tool(bin, 'mktemp', mktemp);
    const before = readdirSync('/tmp').filter((f) => f.startsWith('picocal-probe.'));
    const argv = nodeProbeArgv({ marker: M, felixPort: 1, bgp: false, limitSeconds: 1 });
    const r = await execa(argv[0]!, argv.slice(1), {
      input: NODE_PROBE_SCRIPT,
      reject: false,
      env: { PATH: `${bin}:${process.env['PATH'] ?? ''}`, TMPDIR: scratch },
    });
    check(r);
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync('/tmp').filter((f) => f.startsWith('picocal-probe.'))).toEqual(before);
    expect(r.stdout).not.toMatch(/\/tmp\/picocal-probe\./);
  });
});
