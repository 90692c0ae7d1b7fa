// Strings from the boards never reach a terminal with their control characters (issue 13, review L4): a
// board answering the probe with `aarch64\e[2J\e]0;pwned\a` must not clear the screen or set the title.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { boardRows } from '../../../src/ansible/progress-view.js';
import { Output } from '../../../src/core/output.js';
import { healthTable } from '../../../src/health/health-table.js';
import type { HealthReport } from '../../../src/health/health-types.js';
import { terminalSafe } from '../../../src/terminal-text.js';

/** Any character a terminal acts on (tab and newline aside). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** What styleText adds when colour is on: the only escapes picocal itself writes. */
// eslint-disable-next-line no-control-regex -- the SGR sequences of the colours
const SGR = /\u001b\[\d+m/g;

const HOSTILE: [string, string, string][] = [
  [
    'clear screen and set the title',
    'aarch64\u001b[2J\u001b]0;pwned-title\u0007',
    'aarch64\\x1b[2J\\x1b]0;pwned-title\\x07',
  ],
  [
    'cursor up and erase a line',
    '6.6.0\u001b[1A\u001b[2Kall boards healthy',
    '6.6.0\\x1b[1A\\x1b[2Kall boards healthy',
  ],
  ['carriage return overwrite', 'FAILED\rok    ', 'FAILED\\x0dok    '],
  ['an 8-bit CSI (C1)', 'v3.32.1\u009b2J', 'v3.32.1\\x9b2J'],
  ['a NUL and a backspace', 'pc\u0000node\u0008', 'pc\\x00node\\x08'],
  ['a bidi override', 'calico-\u202enode', 'calico-\\u202enode'],
];

function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(c: Buffer | string, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const METHODS = ['print', 'info', 'detail', 'warn', 'error'] as const;

describe('terminalSafe', () => {
  it.each(HOSTILE)('shows %s as visible escapes', (_name, hostile, shown) => {
    expect(terminalSafe(hostile)).toBe(shown);
  });

  it('keeps newlines and tabs (multi-line text such as diffs), or escapes newlines for one row', () => {
    expect(terminalSafe('a\n\tb')).toBe('a\n\tb');
    expect(terminalSafe('a\nb', { oneLine: true })).toBe('a\\nb');
  });
});

describe('every text line picocal writes is terminal-safe', () => {
  for (const color of [false, true])
    it.each(METHODS)(`Output.%s (colour ${color ? 'on' : 'off'})`, (method) => {
      const out = capture();
      const o = new Output('text', true, color, out.stream, out.stream);
      for (const [, hostile, shown] of HOSTILE) {
        o[method](`board says: ${hostile}`);
        expect(out.text()).toContain(shown);
      }
      expect(out.text().replace(SGR, '')).not.toMatch(CONTROL);
    });

  it('the verify table of a board that answers with escape sequences', () => {
    const [, arch] = HOSTILE[0]!;
    const [, kernelProblem] = HOSTILE[1]!;
    const report: HealthReport = {
      healthy: false,
      expectedVersion: 'v3.32.1',
      durationMs: 1,
      cluster: {
        queried: true,
        installedVersion: 'v3.32.1\u001b[2J',
        checks: [],
        problems: [],
        advisory: false,
      },
      nodes: [
        {
          name: 'pc-node1',
          address: '192.0.2.1',
          role: 'worker',
          reachable: true,
          healthy: false,
          version: 'v3.32.1',
          arch,
          kernel: 'x',
          felix: 'ready',
          pod: 'Ready',
          checks: [],
          problems: [kernelProblem],
        },
      ],
    };
    const out = capture();
    const o = new Output('text', false, false, out.stream, out.stream);
    for (const line of healthTable(report)) o.print(line);
    expect(out.text()).toContain('aarch64\\x1b[2J');
    expect(out.text()).not.toMatch(CONTROL);
  });

  it('the per-board progress rows (task names and messages come from Ansible on the boards)', async () => {
    const out = capture();
    const rows = boardRows(
      ['pc-node1'],
      'Installing',
      () => ({ title: `pc-node1  ${HOSTILE[0]![1]}`, output: HOSTILE[2]![1] }),
      {
        renderer: 'test',
        stream: out.stream,
      },
    );
    rows.end('pc-node1', HOSTILE[1]![1]);
    await rows.finish();
    // The test renderer writes JSON lines: what listr would draw is inside.
    const drawn = out
      .text()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => JSON.parse(l) as { data: unknown; task: { title: string } });
    expect(drawn.length).toBeGreaterThan(0);
    for (const e of drawn) {
      expect(e.task.title).not.toMatch(CONTROL);
      expect(JSON.stringify(e.data)).not.toMatch(/\\u00|\\r/); // JSON's escapes of control characters
    }
  });
});
