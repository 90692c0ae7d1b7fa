// Run picocal's CLI in-process with captured output: the same code path as the binary, minus the exit.
import { Writable } from 'node:stream';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { runProgram, type Program } from '../../src/cli/main.js';

export const PICOCAL: Program = { name: 'picocal', summary: 'test', commands: COMMANDS };

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        chunks.push(chunk.toString());
        cb();
      },
    }),
    text: () => chunks.join(''),
  };
}

export async function runCli(
  argv: string[],
  opts: { program?: Program; cwd?: string } = {},
): Promise<CliResult> {
  const out = sink();
  const err = sink();
  const code = await runProgram(opts.program ?? PICOCAL, argv, {
    stdout: out.stream,
    stderr: err.stream,
    color: false,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
