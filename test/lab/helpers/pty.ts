// Run the built picocal binary under a real pseudo-terminal, as a person at a terminal does: util-linux
// `script` allocates the pty and copies our stdin into it, so a 0x03 byte written there is the
// terminal's Ctrl-C (the line discipline turns it into SIGINT for the whole foreground process group).
// bash runs picocal and prints its exit status; when picocal dies *of* a signal, bash re-raises it on
// itself and that line is missing, which is how a test tells "exit 130" from "killed by SIGINT".
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../../src/paths.js';

export const PICOCAL_BIN = join(PACKAGE_ROOT, 'dist', 'src', 'cli', 'picocal.js');

export interface PtyRun {
  /** Everything the terminal showed so far (escape codes included). */
  text(): string;
  /** Resolves when the terminal has shown a match (rejects after `ms`). */
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  /** Types Ctrl-C into the terminal. */
  ctrlC(): void;
  /** Ends the terminal session (a test that failed half-way must leave nothing running). */
  kill(): void;
  /** Resolves when picocal ended: its exit code, or undefined when it died of a signal. */
  done: Promise<{ code: number | undefined; text: string }>;
}

/** Whether `script` (pid) still has a live child: the shell running picocal. */
function shellAlive(pid: number): boolean {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean);
    return kids.some((k) => {
      try {
        return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${k}/stat`, 'utf8'));
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;

export function picocalInPty(
  argv: string[],
  opts: { cwd: string; cols?: number; env?: Record<string, string | undefined> },
): PtyRun {
  if (!existsSync(PICOCAL_BIN)) throw new Error(`${PICOCAL_BIN} is missing: run npm run build first`);
  const command = [
    `stty cols ${opts.cols ?? 120} rows 40`,
    `${quote(process.execPath)} ${[PICOCAL_BIN, ...argv].map(quote).join(' ')}`,
    'echo "picocal-exit=$?"',
  ].join('; ');
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: opts.cwd,
    env: { ...process.env, SHELL: '/bin/bash', TERM: 'xterm-256color', CI: '', ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let text = '';
  const onData = (b: Buffer) => {
    text += b.toString();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  // script keeps reading its (piped) stdin after the shell ended: close it once the shell is gone.
  const watch = setInterval(() => {
    if (child.pid !== undefined && !shellAlive(child.pid)) child.stdin.end();
  }, 200);
  const done = new Promise<{ code: number | undefined; text: string }>((resolve) => {
    child.on('close', () => {
      clearInterval(watch);
      child.stdin.end();
      const m = /picocal-exit=(\d+)/.exec(text);
      resolve({ code: m ? Number(m[1]) : undefined, text });
    });
  });
  return {
    text: () => text,
    waitFor(pattern, ms = 120_000) {
      const until = Date.now() + ms;
      return new Promise((resolve, reject) => {
        // One poll per wait (the terminal redraws often: checking on every chunk would pile up checks).
        const poll = setInterval(() => {
          if (pattern.test(text)) {
            clearInterval(poll);
            resolve();
          } else if (Date.now() > until || child.exitCode !== null) {
            clearInterval(poll);
            reject(new Error(`the terminal never showed ${pattern}:\n${text.slice(-2000)}`));
          }
        }, 100);
      });
    },
    ctrlC: () => child.stdin.write('\x03'),
    kill: () => {
      if (child.exitCode === null) child.kill('SIGHUP');
    },
    done,
  };
}
