// From argv to a command and its options, as git and kubectl users expect: global options before or
// after the command (`picocal -i INV verify` = `picocal verify -i INV`), `picocal help CMD`, and every
// mistake answered in picocal's own words with a "did you mean" (never Node's parser text), exit 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';
import { closest } from '../schema/did-you-mean.js';
import type { Command, OptionSpec } from './command.js';

export interface CommandSet {
  name: string;
  commands: readonly Command[];
}

/** What the words after the global options name. */
export type Resolved =
  | { kind: 'command'; command: Command; consumed: number }
  | { kind: 'group'; group: string; commands: Command[] }
  | { kind: 'none' };

/** The longest command whose words start `words`; else the group `words[0]` names, if any. */
export function resolveCommand(program: CommandSet, words: readonly string[]): Resolved {
  let best: Command | undefined;
  for (const command of program.commands) {
    const parts = command.name.split(' ');
    if (parts.every((p, i) => words[i] === p) && (!best || parts.length > best.name.split(' ').length))
      best = command;
  }
  if (best) return { kind: 'command', command: best, consumed: best.name.split(' ').length };
  const group = groupCommands(program, words[0] ?? '');
  return group.length ? { kind: 'group', group: words[0] ?? '', commands: group } : { kind: 'none' };
}

export function groupCommands(program: CommandSet, group: string): Command[] {
  return program.commands.filter((c) => c.name.startsWith(`${group} `));
}

/** The error for words that name no command, with the closest command as a guess. */
export function unknownCommand(program: CommandSet, words: readonly string[]): UsageError {
  const [first = '', second] = words;
  const group = groupCommands(program, first);
  if (group.length && second !== undefined) {
    const subs = group.map((c) => c.name.split(' ')[1] ?? '');
    const guess = closest(second, subs);
    return new UsageError(
      `unknown command '${first} ${second}'`,
      guess
        ? `did you mean '${program.name} ${first} ${guess}'?`
        : `the '${first}' commands are: ${subs.join(', ')}`,
    );
  }
  const tops = [...new Set(program.commands.map((c) => c.name.split(' ')[0] ?? ''))];
  const guess = closest(first, tops);
  // `picocal lint` for `picocal policy lint`: the word names a sub-command of exactly one group.
  const owner = program.commands.filter((c) => c.name.split(' ')[1] === first);
  const hint = guess
    ? `did you mean '${program.name} ${guess}'?`
    : owner.length === 1 && owner[0]
      ? `did you mean '${program.name} ${owner[0].name}'?`
      : `run '${program.name} --help' to see the commands`;
  return new UsageError(`unknown command '${first}'`, hint);
}

function isGlobalToken(token: string, globals: Record<string, OptionSpec>): OptionSpec | undefined {
  if (token.startsWith('--')) return globals[token.slice(2).split('=')[0] ?? ''];
  if (/^-[A-Za-z]/.test(token))
    return Object.values(globals).find(
      (s) => s.short === token[1] && (token.length === 2 || s.type === 'string'),
    );
  return undefined;
}

/**
 * Splits `[global options] WORDS... [rest]`: the global options before the command, the command words
 * (every word up to the first option), and the rest. An option before the command that is not global is
 * refused here, as kubectl and git do.
 */
export function splitLeading(
  argv: readonly string[],
  globals: Record<string, OptionSpec>,
): { leading: string[]; words: string[]; rest: string[] } {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length) {
    const token = argv[i] ?? '';
    if (token === '--' || !token.startsWith('-') || token === '-') break;
    const spec = isGlobalToken(token, globals);
    if (!spec) {
      const name = token.replace(/^--?/, '').split('=')[0] ?? '';
      const guess = closest(name, Object.keys(globals));
      throw new UsageError(
        `unknown option '${token.split('=')[0]}' before the command`,
        guess
          ? `did you mean '--${guess}'? (options of a command go after it)`
          : 'only global options (-i, --output, -v, --debug, --help) go before the command; put the others after it',
      );
    }
    leading.push(token);
    const inline = token.includes('=') || (!token.startsWith('--') && token.length > 2);
    if (spec.type === 'string' && !inline) {
      if (i + 1 >= argv.length)
        throw new UsageError(`option '${token}' needs a value`, `e.g. ${token} ${spec.arg ?? 'VALUE'}`);
      leading.push(argv[++i] ?? '');
    }
    i++;
  }
  const words: string[] = [];
  while (i < argv.length && !(argv[i] ?? '').startsWith('-')) words.push(argv[i++] ?? '');
  return { leading, words, rest: argv.slice(i) };
}

function toParseArgs(specs: Record<string, OptionSpec>): NonNullable<ParseArgsConfig['options']> {
  const out: NonNullable<ParseArgsConfig['options']> = {};
  for (const [name, s] of Object.entries(specs)) {
    out[name] = {
      type: s.type,
      ...(s.short ? { short: s.short } : {}),
      ...(s.multiple ? { multiple: true } : {}),
      ...(s.default !== undefined ? { default: s.default } : {}),
    } as NonNullable<ParseArgsConfig['options']>[string];
  }
  return out;
}

function optionUsage(name: string, s: OptionSpec): string {
  return `--${name}${s.type === 'string' ? ` ${s.arg ?? 'VALUE'}` : ''}`;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/**
 * Parses a command's arguments. Every problem is a UsageError in picocal's words: an unknown option with
 * the closest known one, a value missing or given to a switch. `helpFor` names the command for the hint.
 */
export function parseCommandArgs(
  args: readonly string[],
  specs: Record<string, OptionSpec>,
  helpFor: string,
): ParsedArgs {
  const help = `run '${helpFor} --help' for its options`;
  const loose = parseArgs({
    args: [...args],
    options: toParseArgs(specs),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const byShort = new Map(
    Object.entries(specs).flatMap(([n, s]) => (s.short ? [[s.short, n] as const] : [])),
  );
  for (const t of loose.tokens ?? []) {
    if (t.kind !== 'option') continue;
    const name = specs[t.name] ? t.name : byShort.get(t.name);
    const spec = name ? specs[name] : undefined;
    if (!name || !spec) {
      const guess = closest(t.name, Object.keys(specs));
      throw new UsageError(
        `unknown option '${t.rawName}'`,
        guess ? `did you mean '${optionUsage(guess, specs[guess] as OptionSpec)}'? (${help})` : help,
      );
    }
    if (spec.type === 'string' && t.value === undefined)
      throw new UsageError(`option '${t.rawName}' needs a value: ${optionUsage(name, spec)}`, help);
    if (spec.type === 'boolean' && t.value !== undefined)
      throw new UsageError(`option '${t.rawName}' is a switch and takes no value ('${t.value}')`, help);
  }
  try {
    const strict = parseArgs({
      args: [...args],
      options: toParseArgs(specs),
      allowPositionals: true,
      strict: true,
    });
    return {
      values: strict.values as ParsedArgs['values'],
      positionals: strict.positionals,
    };
  } catch (err) {
    // The one case left: a value that starts with '-' (`--port -5`), which could be a forgotten value.
    const m = /Option '(?:-\w, )?(--[\w-]+)/.exec((err as Error).message);
    const option = m?.[1] ?? 'the option';
    throw new UsageError(
      `the value after ${option} starts with '-'`,
      `if it is the value, write ${option}=VALUE; else give ${option} its value (${help})`,
    );
  }
}
