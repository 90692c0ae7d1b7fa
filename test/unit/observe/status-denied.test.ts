// The SSH-free parts of `picocal policy denied`: --since, the node script's header, log time stamps,
// and the collect script itself run by a real sh on a real log file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import {
  COLLECT_SCRIPT,
  collectArgv,
  parseCollectOutput,
} from '../../../src/observe/denied/collect-script.js';
import { logEpoch } from '../../../src/observe/denied/log-time.js';
import { parseDeniedLines } from '../../../src/observe/denied/parse.js';
import { parseSince } from '../../../src/observe/denied/since.js';

describe('--since', () => {
  it.each([
    ['30s', 30],
    ['10m', 600],
    ['2h', 7200],
    ['1d', 86400],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseSince(text)).toBe(seconds);
  });

  it.each(['', '10', 'm', '0m', '-5m', '1.5h', '10 minutes', '10M', '1w'])(
    "'%s' is a usage error (exit 2)",
    (text) => {
      expect(() => parseSince(text)).toThrow(UsageError);
      expect(() => parseSince(text)).toThrow(/--since must be/);
    },
  );
});

describe('node script output', () => {
  it('splits the clock, source and log lines', () => {
    const out = parseCollectOutput('picocal-now 1764064800 -0130\npicocal-source /var/log/kern.log\na\nb\n');
    expect(out).toEqual({
      nowEpoch: 1764064800,
      offsetMinutes: -90,
      source: '/var/log/kern.log',
      text: 'a\nb\n',
    });
  });
});

describe('log time stamps', () => {
  const now = Date.UTC(2025, 10, 25, 10, 0, 0) / 1000; // 2025-11-25T10:00:00Z
  it.each([
    ['RFC 3339 with zone', '2025-11-25T09:59:00+00:00', 0, now - 60],
    ['RFC 3339 with +hhmm', '2025-11-25T10:59:00+0100', 0, now - 60],
    ['short-iso without zone is node-local', '2025-11-25T11:59:00', 120, now - 60],
    ['BSD in UTC', 'Nov 25 09:59:00', 0, now - 60],
    ['BSD node-local (+02:00)', 'Nov 25 11:59:00', 120, now - 60],
    ['BSD single-digit day', 'Nov  5 10:00:00', 0, Date.UTC(2025, 10, 5, 10) / 1000],
  ])('%s', (_t, stamp, offset, want) => {
    expect(logEpoch(stamp, now, offset)).toBe(want);
  });

  it('a December line read in January is last year', () => {
    const jan = Date.UTC(2026, 0, 1, 0, 5) / 1000;
    expect(logEpoch('Dec 31 23:59:00', jan, 0)).toBe(Date.UTC(2025, 11, 31, 23, 59) / 1000);
  });

  it('an unreadable stamp is undefined', () => {
    expect(logEpoch('yesterday', now, 0)).toBeUndefined();
  });
});

describe('collect script (real sh)', () => {
  it('reads calico-packet lines only, newest last, at most the limit', async () => {
    const argv = collectArgv(600, 2, false);
    expect(argv.slice(0, 3)).toEqual(['sh', '-c', COLLECT_SCRIPT]);
    // Run the same script with its log paths pointed at a temporary file: the logic is what is tested.
    const dir = mkdtempSync(join(tmpdir(), 'picocal-denied-'));
    try {
      const log = join(dir, 'kern.log');
      writeFileSync(
        log,
        [
          'Nov 25 10:00:01 pc-node2 kernel: [ 1.0] calico-packet: IN=cali1 OUT=eth0 SRC=10.1.0.1 DST=10.1.0.2 LEN=60 PROTO=TCP SPT=1 DPT=80',
          'Nov 25 10:00:02 pc-node2 kernel: [ 2.0] eth0: link up',
          'Nov 25 10:00:03 pc-node2 kernel: [ 3.0] calico-packet: IN=cali1 OUT=eth0 SRC=10.1.0.1 DST=10.1.0.3 LEN=60 PROTO=UDP SPT=2 DPT=53',
          'Nov 25 10:00:04 pc-node2 kernel: [ 4.0] calico-packet: IN=cali1 OUT=eth0 SRC=10.1.0.1 DST=10.1.0.4 LEN=60 PROTO=TCP SPT=3 DPT=443',
        ].join('\n') + '\n',
      );
      const script = COLLECT_SCRIPT.replace(/command -v journalctl/, 'false').replace(
        '/var/log/kern.log /var/log/messages',
        log,
      );
      const r = await execa('sh', ['-c', script, 'x', '600', '2'], { reject: false });
      expect(r.exitCode).toBe(0);
      const out = parseCollectOutput(r.stdout);
      expect(out.source).toBe(log);
      expect(out.nowEpoch).toBeGreaterThan(1_700_000_000);
      expect(parseDeniedLines(out.text, 'pc-node2').map((e) => e.dstPort)).toEqual([53, 443]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
