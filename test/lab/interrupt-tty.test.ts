// Ctrl-C typed at a real terminal (a pseudo-terminal from util-linux `script`) during each phase of
// bootstrap, reprovision and upgrade: picocal says "interrupted" and how to resume, writes the run's
// summary, releases the cluster lock, stops ansible-playbook's process group and exits 130 — exactly
// what it does when its output is piped. The first bootstrap, piped, checks the progress a CI log shows
// (a line at least every 10 s, each board named). One 2-board lab for the file, torn down even on failure.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readLabState, type LabState } from '../../src/lab/lab-state.js';
import { SHARED_CALICO } from '../helpers/shared.js';
import { describeLab, useLab } from './helpers/lab-fixture.js';
import { PICOCAL_BIN, picocalInPty } from './helpers/pty.js';
import { nodeOf } from './helpers/ssh.js';
import { labWorkDir } from './helpers/work-dir.js';

const LAB = 'ctrlc';

/** Runs node ARGV with stdout and stderr piped; every line with the time it arrived. */
function pipedRun(
  argv: string[],
  cwd: string,
): Promise<{ code: number | null; lines: { at: number; text: string }[] }> {
  const child = spawn(process.execPath, argv, {
    cwd,
    env: { ...process.env, CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: { at: number; text: string }[] = [];
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (text) => lines.push({ at: Date.now(), text }));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, lines })));
}

/** Processes whose command line names `needle` (this file's work folder), e.g. a left-over ansible-playbook. */
function processesNaming(needle: string, program: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
      if (cmd.includes(program) && cmd.includes(needle)) found.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describeLab('Ctrl-C at a terminal', () => {
  const lab = useLab(LAB, 2);
  let work = '';
  let inv = '';
  const current = (): LabState => readLabState(lab.state.dir) ?? lab.state;
  const lockFile = () => join(nodeOf(current(), 'pc-node1').upperDir, 'var/lib/picocal/lock');
  const newestRun = (kind: string): string => {
    const base = join(work, '.picocal', 'runs');
    const id = readdirSync(base)
      .filter((d) => d.endsWith(`-${kind}`))
      .sort()
      .pop();
    if (!id) throw new Error(`no ${kind} run in ${base}`);
    return join(base, id);
  };

  // A first bootstrap with stderr piped (as in CI), each line timed as it arrives; it also leaves a
  // converged cluster, so that every run below reaches each phase soon.
  let piped: { code: number | null; lines: { at: number; text: string }[] } = { code: null, lines: [] };
  beforeAll(async () => {
    ({ work, inventory: inv } = labWorkDir('pc-ctrlc-', lab.state, '3.31.7'));
    piped = await pipedRun([PICOCAL_BIN, 'bootstrap', '-i', inv, '--artifacts', SHARED_CALICO], work);
    if (piped.code !== 0)
      throw new Error(
        `the first bootstrap failed (${piped.code}):\n${piped.lines.map((l) => l.text).join('\n')}`,
      );
  }, 900_000);

  it('piped progress: a line at least every 10 s, naming each board', () => {
    const gaps = piped.lines
      .slice(1)
      .map((l, i) => ({ ms: l.at - piped.lines[i]!.at, after: piped.lines[i]!.text }));
    const longest = gaps.reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, after: '' });
    console.log(
      `piped bootstrap: ${piped.lines.length} lines, longest silence ${(longest.ms / 1000).toFixed(1)} s after "${longest.after}"`,
    );
    expect(longest.ms, `silent after: ${longest.after}`).toBeLessThanOrEqual(10_000);
    for (const board of ['pc-node1', 'pc-node2'])
      expect(piped.lines.some((l) => l.text.startsWith(`[${board}] task `))).toBe(true);
    expect(piped.lines.some((l) => / skipped$/.test(l.text))).toBe(true);
  });
  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  /** Starts `argv` in a pty, types Ctrl-C once `when` shows (plus `afterMs`), and checks the promises. */
  async function interruptAt(
    argv: string[],
    kind: string,
    when: RegExp,
    afterMs = 0,
    inventory = inv,
  ): Promise<string> {
    const run = picocalInPty([...argv, '-i', inventory, '--artifacts', SHARED_CALICO], { cwd: work });
    try {
      await run.waitFor(when, 480_000);
    } finally {
      // Never reached the phase: stop the run the same way (it must release the lock for the next test).
      if (!when.test(run.text())) {
        run.ctrlC();
        await Promise.race([run.done, new Promise((r) => setTimeout(r, 60_000))]);
        run.kill();
      }
    }
    if (afterMs) await new Promise((r) => setTimeout(r, afterMs));
    run.ctrlC();
    const { code, text } = await run.done;
    expect(code, `picocal died of the signal instead of exiting:\n${text}`).toBe(130);
    expect(text).toContain('picocal: interrupted');
    expect(existsSync(lockFile()), `the lock was left:\n${text}`).toBe(false);
    expect(processesNaming(work, 'ansible-playbook')).toEqual([]);
    return text;
  }

  const provisionPhases: Array<[string, RegExp, number]> = [
    ['taking the lock', /==> Lock the cluster/, 0],
    ['the version check', /==> Check the running Calico version/, 0],
    ['the artifacts check', /==> Check the Calico release manifests/, 0],
    ['Ansible (a task running on the boards)', /Installing Calico 3\.31\.7 on 2 board/, 4000],
  ];
  for (const [phase, when, afterMs] of provisionPhases) {
    it(`bootstrap, during ${phase}`, { timeout: 600_000 }, async () => {
      const text = await interruptAt(['bootstrap'], 'bootstrap', when, afterMs);
      expect(text).toMatch(/hint: nothing more will change; the partial run is recorded in \S+-bootstrap\./);
      const summary = JSON.parse(readFileSync(join(newestRun('bootstrap'), 'summary.json'), 'utf8')) as {
        outcome: string;
      };
      expect(summary.outcome).toBe('interrupted');
    });
  }

  it('bootstrap, during the final verify', { timeout: 600_000 }, async () => {
    await interruptAt(['bootstrap'], 'bootstrap', /==> Verify Calico on every board/);
    expect(readFileSync(join(newestRun('bootstrap'), 'summary.json'), 'utf8')).toContain('"interrupted"');
  });

  it('reprovision, while Ansible runs on the board', { timeout: 600_000 }, async () => {
    const text = await interruptAt(['reprovision', 'pc-node2'], 'reprovision', /on 1 board/, 4000);
    // The terminal rows: the board, its task n/N and the task running.
    expect(text).toMatch(/pc-node2 {2}task \d+\/\d+ {2}\S/);
    expect(text).toMatch(/partial run is recorded in \S+-reprovision\./);
  });

  // Last: they leave the cluster on 3.32.1. The inventory copy names the target version, as a user edits it.
  // Before the snapshot nothing has changed: the hint is to run the same command again. From the
  // snapshot on, the run is resumable: the hint names --resume RUN and --rollback RUN.
  const upgradePhases: Array<[string, RegExp, number]> = [
    ['the preflight (Ansible on the boards)', /Preflight for Calico 3\.32\.1 on 2 board/, 0],
    ['the gate', /==> Gate every node/, 0],
  ];
  for (const [phase, when, afterMs] of upgradePhases)
    it(`upgrade 3.31.7 → 3.32.1, during ${phase}`, { timeout: 900_000 }, async () => {
      const target = join(work, 'inventory-3.32.1.yaml');
      writeFileSync(
        target,
        readFileSync(inv, 'utf8').replace(/calico_version: "[^"]+"/, 'calico_version: "3.32.1"'),
      );
      const text = await interruptAt(['upgrade'], 'upgrade', when, afterMs, target);
      if (phase !== 'the gate') {
        expect(text).toMatch(
          /hint: nothing more will change; the partial run is recorded in \S+-upgrade\. Re-run the same command/,
        );
        expect(text).not.toContain('--resume');
        return;
      }
      const runId = /--resume (\S+-upgrade)\b/.exec(text)?.[1];
      expect(runId, `no resume hint:\n${text}`).toBeDefined();
      expect(text).toContain('--rollback');
      expect(readFileSync(join(newestRun('upgrade'), 'report.json'), 'utf8')).toContain(
        '"result": "interrupted"',
      );
      const resumed = await pipedRun(
        [PICOCAL_BIN, 'upgrade', '-i', target, '--artifacts', SHARED_CALICO, '--resume', runId!],
        work,
      );
      const out = resumed.lines.map((l) => l.text).join('\n');
      expect(resumed.code, out).toBe(0);
      expect(existsSync(lockFile()), out).toBe(false);
    });
});
