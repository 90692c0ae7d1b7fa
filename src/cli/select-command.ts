// Which command argv names, or the help text it asks for. `picocal help CMD` is `picocal CMD --help`;
// a command group alone (`picocal policy`) lists its commands; a word that names nothing is a usage
// error with the closest command as a guess.
import { EXIT, UsageError } from '../errors.js';
import { packageVersion } from '../paths.js';
import { resolveCommand, splitLeading, unknownCommand } from './argv.js';
import type { Command, OptionSpec, Program } from './command.js';
import { commandHelp, groupHelp, programHelp } from './help.js';

export type Selection =
  | { kind: 'run'; command: Command; args: string[] }
  | { kind: 'text'; text: string; stream: 'stdout' | 'stderr'; exit: number };

const HELP_FLAGS = new Set(['--help', '-h']);
const VERSION_SPEC: OptionSpec = { type: 'boolean', description: 'print the version' };

export function selectCommand(
  program: Program,
  argv: readonly string[],
  globals: Record<string, OptionSpec>,
): Selection {
  if (program.single) {
    const only = program.commands[0];
    if (!only) throw new UsageError(`${program.name} has no command`);
    return { kind: 'run', command: only, args: [...argv] };
  }
  if (argv.length === 0)
    return { kind: 'text', text: programHelp(program, globals), stream: 'stdout', exit: EXIT.usage };
  const { leading, words, rest } = splitLeading(argv, { ...globals, version: VERSION_SPEC });
  const asksHelp = [...leading, ...rest].some((a) => HELP_FLAGS.has(a));
  if (leading.includes('--version')) {
    if (words.length) throw new UsageError('--version goes alone', `run '${program.name} --version'`);
    return { kind: 'text', text: `${program.name} ${packageVersion()}\n`, stream: 'stdout', exit: 0 };
  }

  if (words[0] === 'help') {
    const topic = words.slice(1);
    if (!topic.length)
      return { kind: 'text', text: programHelp(program, globals), stream: 'stdout', exit: 0 };
    const r = resolveCommand(program, topic);
    if (r.kind === 'command')
      return { kind: 'text', text: commandHelp(program, r.command, globals), stream: 'stdout', exit: 0 };
    if (r.kind === 'group' && topic.length === 1)
      return { kind: 'text', text: groupHelp(program, r.group, r.commands), stream: 'stdout', exit: 0 };
    throw unknownCommand(program, topic);
  }
  if (!words.length) {
    if (asksHelp) return { kind: 'text', text: programHelp(program, globals), stream: 'stdout', exit: 0 };
    throw new UsageError('no command given', `run '${program.name} --help' to see the commands`);
  }
  const r = resolveCommand(program, words);
  if (r.kind === 'command')
    return { kind: 'run', command: r.command, args: [...leading, ...words.slice(r.consumed), ...rest] };
  if (r.kind === 'group' && words.length === 1) {
    // `picocal policy` or `picocal policy --help`: the group's commands.
    return asksHelp
      ? { kind: 'text', text: groupHelp(program, r.group, r.commands), stream: 'stdout', exit: 0 }
      : {
          kind: 'text',
          text: `${program.name}: '${r.group}' needs a command\n${groupHelp(program, r.group, r.commands)}`,
          stream: 'stderr',
          exit: EXIT.usage,
        };
  }
  throw unknownCommand(program, words);
}
