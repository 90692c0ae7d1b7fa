// verify and status on a terminal, under a real pseudo-terminal (util-linux `script`, helpers/pty.ts): the
// status cells are green on a healthy board and red on an unhealthy one (the cell only, never its
// padding); NO_COLOR turns that off; and piped, the output is the plain table with no escape code, byte for
// byte what runCli (no colour) prints. A 2-board lab (cx-colour), bootstrapped once, removed after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { labFault } from '../../src/lab/lab-fault.js';
import { runCli } from '../helpers/run-cli.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { PICOCAL_BIN, picocalInPty } from './helpers/pty.js';

const LAB = 'cx-colour';
const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const END = '\x1b[39m';
// eslint-disable-next-line no-control-regex -- looking for escape codes is the point
const ESC = /\x1b/;
/** A row that ends in a red cell (PROBLEMS). */
// eslint-disable-next-line no-control-regex -- as above
const ENDS_RED = /\x1b\[31m[^\x1b]+\x1b\[39m$/;

describeLab('verify and status colour their status cells on a terminal only', () => {
  const lab = useLab(LAB, 2);
  const work = mkdtempSync(join(tmpdir(), 'cx-colour-'));
  const inv = () => lab.state.inventory;

  /** Colour decided by the terminal alone: no FORCE_COLOR or NO_COLOR from the test runner. */
  const env = (extra: Record<string, string> = {}) => ({
    FORCE_COLOR: undefined,
    NO_COLOR: undefined,
    ...extra,
  });
  /** picocal with stdout a pipe, as `picocal verify | less` runs it. */
  const piped = (argv: string[]) =>
    execa(process.execPath, [PICOCAL_BIN, ...argv], { cwd: work, env: env(), reject: false });
  const inPty = async (argv: string[], extra: Record<string, string> = {}) =>
    picocalInPty(argv, { cwd: work, env: env(extra) }).done;
  /** The table row of a board (its hint lines on stderr start `NAME:`). */
  const rowOf = (text: string, node: string) =>
    text.split(/\r?\n/).find((l) => l.startsWith(`${node} `)) ?? '';

  /**
   * With its colours taken out, every row of the table starts each cell at its header's column: the
   * colour codes wrap the cells and do not count in the padding. (The byte-for-byte equality of the
   * uncoloured and plain tables is test/unit/core/styled-table.test.ts.)
   */
  const expectColumns = (text: string) => {
    // eslint-disable-next-line no-control-regex -- taking the colours out
    const lines = text.replace(/\x1b\[3[129]m/g, '').split(/\r?\n/);
    const header = lines.find((l) => l.startsWith('NODE '))!;
    const starts = [...header.matchAll(/\S+/g)].map((m) => m.index);
    const rows = lines.filter((l) => /^pc-node\d /.test(l));
    expect(rows.length).toBe(2);
    for (const row of rows)
      for (const at of starts.slice(1)) expect(row.slice(at - 3, at + 1), row).toMatch(/^ {3}\S$/);
  };

  beforeAll(async () => {
    const r = await runCli(['bootstrap', '-i', inv(), '--artifacts', SHARED_CALICO], { cwd: work });
    if (r.code !== 0) throw new Error(`bootstrap failed (${r.code}):\n${r.stderr}`);
  }, 600_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it(
    'verify: ready cells green, a never-ready board red; NO_COLOR and a pipe get the plain table',
    { timeout: 300_000 },
    async () => {
      await labFault(LAB, 'pc-node2', 'calico-unready');
      try {
        const tty = await inPty(['verify', '-i', inv()]);
        expect(tty.code, tty.text).toBe(3);
        const good = rowOf(tty.text, 'pc-node1');
        const bad = rowOf(tty.text, 'pc-node2');
        expect(good).toContain(`${GREEN}ready${END}`);
        expect(good).toContain(`${GREEN}Ready${END}`);
        expect(good).not.toContain(RED);
        expect(bad).toContain(`${RED}not-ready${END}   `);
        // The lab's pod readiness follows Felix's with a delay: either way, its cell has its own tone.
        expect(bad).toMatch(new RegExp(`${RED}NotReady${END}|${GREEN}Ready${END}`.replace(/\[/g, '\\[')));
        expect(bad).toMatch(ENDS_RED);
        // The header is not coloured, and without its colours the table is laid out as the plain one.
        expect(rowOf(tty.text, 'NODE')).not.toMatch(ESC);
        expectColumns(tty.text);

        const noColour = await inPty(['verify', '-i', inv()], { NO_COLOR: '1' });
        expect(noColour.code).toBe(3);
        expect(rowOf(noColour.text, 'pc-node2')).not.toMatch(ESC);

        const pipe = await piped(['verify', '-i', inv()]);
        expect(pipe.exitCode, pipe.stderr).toBe(3);
        expect(pipe.stdout).not.toMatch(ESC);
        expectColumns(pipe.stdout);
      } finally {
        await labFault(LAB, 'pc-node2', 'clear');
      }
    },
  );

  it(
    'status: IN SYNC green on a board in sync, red on an unreachable one; a pipe gets the plain table',
    { timeout: 300_000 },
    async () => {
      // calico-node picks up prometheusMetricsEnabled a moment after bootstrap: poll briefly.
      const deadline = Date.now() + 90_000;
      let r = await runCli(['status', '-i', inv(), '--output', 'json'], { cwd: work });
      while (r.code !== 0 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 2000));
        r = await runCli(['status', '-i', inv(), '--output', 'json'], { cwd: work });
      }
      expect(r.code, r.stdout + r.stderr).toBe(0);
      const all = await inPty(['status', '-i', inv()]);
      expect(all.code, all.text).toBe(0);
      for (const node of ['pc-node1', 'pc-node2'])
        expect(rowOf(all.text, node)).toContain(`${GREEN}yes${END}`);

      await labFault(LAB, 'pc-node2', 'partition');
      try {
        const tty = await inPty(['status', '-i', inv(), '--timeout', '4']);
        expect(tty.code, tty.text).toBe(3);
        const bad = rowOf(tty.text, 'pc-node2');
        expect(bad).toContain(`${RED}-${END}`);
        expect(bad).toMatch(ENDS_RED);
        const pipe = await piped(['status', '-i', inv(), '--timeout', '4']);
        expect(pipe.exitCode).toBe(3);
        expect(pipe.stdout).toMatch(/^NODE\s+ENDPOINTS/);
        expect(pipe.stdout).not.toMatch(ESC);
      } finally {
        await labFault(LAB, 'pc-node2', 'heal');
      }
    },
  );
});
