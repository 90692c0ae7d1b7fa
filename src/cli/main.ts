// The CLI's one entry: parse global flags, pick a command, run it, map what happens to an exit code.
// Nothing else in picocal prints errors or exits.
import { EXIT, InputError, PicocalError, UsageError, formatProblem } from '../errors.js';
import { packageVersion } from '../paths.js';
import type { Command, CommandContext, GlobalOptions, OptionSpec, Program } from './command.js';

export type { Program } from './command.js';
import { parseCommandArgs, type ParsedArgs } from './argv.js';
import { commandHelp } from './help.js';
import { Output, wantsColor } from '../core/output.js';
import { selectCommand } from './select-command.js';

export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  inventory: { type: 'string', short: 'i', arg: 'FILE', description: 'cluster inventory (Ansible YAML)' },
  output: { type: 'string', arg: 'text|json', default: 'text', description: 'result format on stdout' },
  verbose: { type: 'boolean', short: 'v', description: 'more detail on stderr' },
  debug: { type: 'boolean', description: 'stack traces on errors' },
  help: { type: 'boolean', short: 'h', description: 'show help' },
};

export interface RunOptions {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  color?: boolean;
  signal?: AbortSignal;
  cwd?: string;
}

export async function runProgram(program: Program, argv: string[], opts: RunOptions = {}): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stderr = opts.stderr ?? process.stderr;
  const color = opts.color ?? wantsColor();
  const early = new Output('text', false, color, stdout, stderr);
  const globals = program.globals ?? GLOBAL_OPTIONS;

  if (!program.single && argv[0] === 'version' && argv.length === 1) {
    stdout.write(`${program.name} ${packageVersion()}\n`);
    return EXIT.ok;
  }
  let command: Command;
  let parsed: ParsedArgs;
  try {
    const selected = selectCommand(program, argv, globals);
    if (selected.kind === 'text') {
      (selected.stream === 'stdout' ? stdout : stderr).write(selected.text);
      return selected.exit;
    }
    command = selected.command;
    const helpFor = program.single ? program.name : `${program.name} ${command.name}`;
    parsed = parseCommandArgs(selected.args, { ...globals, ...(command.options ?? {}) }, helpFor);
  } catch (err) {
    reportError(early, program.name, err, false);
    return err instanceof PicocalError ? err.exitCode : EXIT.usage;
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values['help']) {
    stdout.write(commandHelp(program, command, globals));
    return EXIT.ok;
  }
  // A command with its own `output` option (kubectl's `-o table|wide|yaml|json`) checks the value itself;
  // only its `json` makes this a JSON run (one document on stdout), every other format prints text.
  const ownFormat = command.options?.['output'] !== undefined;
  const given = values['output'];
  const format = ownFormat ? (given === 'json' ? 'json' : 'text') : given;
  if (format !== 'text' && format !== 'json') {
    early.error(`${program.name}: --output must be 'text' or 'json', not '${String(format)}'`);
    const other = command.options?.[String(format)];
    if (other) early.info(`hint: did you mean '--${String(format)}${other.arg ? ` ${other.arg}` : ''}'?`);
    return EXIT.usage;
  }
  const debug = values['debug'] === true;
  const global: GlobalOptions = {
    inventory: typeof values['inventory'] === 'string' ? values['inventory'] : undefined,
    output: format,
    verbose: values['verbose'] === true,
    debug,
  };
  // Result tables are coloured only when stdout itself is a terminal (a pipe gets plain text).
  const stdoutColor = opts.color ?? wantsColor(stdout as NodeJS.WriteStream);
  const out = new Output(format, global.verbose, color, stdout, stderr, stdoutColor);
  const controller = new AbortController();
  const onSigint = () => controller.abort(new Error('interrupted (Ctrl-C)'));
  opts.signal?.addEventListener('abort', () => controller.abort(opts.signal?.reason));
  // `on`, not `once`: with `once` our listener is gone by the time signal-exit's (loaded by execa's
  // child cleanup) counts the SIGINT listeners, finds only its own and re-raises the signal, so the
  // process died of SIGINT on a terminal before releasing the cluster lock. A second Ctrl-C while
  // picocal stops at its safe point changes nothing.
  process.on('SIGINT', onSigint);
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    options: values,
    global,
    out,
    signal: controller.signal,
    cwd: opts.cwd ?? process.cwd(),
  };
  try {
    const code = await command.run(ctx);
    if (controller.signal.aborted && code !== EXIT.interrupted) {
      // The command reached its end after Ctrl-C: say so, as an interruption always does.
      out.error(`${program.name}: interrupted`);
      return EXIT.interrupted;
    }
    return code;
  } catch (err) {
    if (controller.signal.aborted) {
      out.error(`${program.name}: interrupted`);
      if (err instanceof PicocalError && err.hint) out.info(`hint: ${err.hint}`);
      return EXIT.interrupted;
    }
    reportError(out, program.name, err, debug);
    return err instanceof PicocalError ? err.exitCode : EXIT.failed;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

export function reportError(out: Output, prog: string, err: unknown, debug: boolean): void {
  if (err instanceof UsageError) {
    out.error(`${prog}: ${err.message}`);
    if (err.hint) out.info(`hint: ${err.hint}`);
  } else if (err instanceof InputError) {
    out.error(`${prog}: ${err.message}`);
    for (const p of err.problems) out.info(`  ${formatProblem(p).replace(/\n/g, '\n  ')}`);
    if (err.hint) out.info(`hint: ${err.hint}`);
    out.info('nothing was changed');
  } else if (err instanceof PicocalError) {
    out.error(`${prog}: ${err.node ? `[${err.node}] ` : ''}${err.message}`);
    if (err.hint) out.info(`hint: ${err.hint}`);
    if (err.cause instanceof Error && !debug) out.info(`cause: ${err.cause.message}`);
  } else {
    out.error(`${prog}: unexpected error: ${err instanceof Error ? err.message : String(err)}`);
    if (!debug) out.info('hint: run again with --debug for a stack trace, and report it as a bug');
  }
  if (debug && err instanceof Error && err.stack) {
    out.info(err.stack);
    if (err.cause instanceof Error && err.cause.stack) out.info(`caused by: ${err.cause.stack}`);
  }
}
