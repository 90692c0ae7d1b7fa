// Help text, generated from the command table so that only commands that exist are listed.
import type { Command, OptionSpec, Program } from './command.js';

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the operation failed
  2    bad input or usage (nothing was changed)
  3    partial failure (some nodes failed; the others are done)
  130  interrupted (Ctrl-C)
`;

function optionLines(specs: Record<string, OptionSpec>): string[] {
  const rows = Object.entries(specs).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.arg ? ` ${s.arg}` : ''}`;
    const def = s.default !== undefined && s.default !== false ? ` (default: ${String(s.default)})` : '';
    return [left, `${s.description}${s.multiple ? ' (repeatable)' : ''}${def}`] as const;
  });
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  return rows.map(([l, r]) => `  ${l.padEnd(width)}  ${r}`);
}

/**
 * The top-level list by what a command is for, everyday cluster work first and the lab last; within a
 * section, in the order of its first words (then the command table's). A command of a new first word
 * lands in "Other commands" until it is given a section here.
 */
const SECTIONS: readonly { title: string; words: readonly string[] }[] = [
  {
    title: 'Cluster',
    words: ['bootstrap', 'reprovision', 'verify', 'status', 'upgrade', 'render', 'plan', 'artifacts'],
  },
  { title: 'Policies', words: ['policy'] },
  { title: 'Generated files', words: ['ci', 'gitops', 'monitoring'] },
  { title: 'Virtual PicoCluster (lab)', words: ['lab'] },
  { title: 'Tools', words: ['doctor', 'k3s-config', 'runs', 'completion'] },
];

function sectioned(commands: readonly Command[]): { title: string; commands: Command[] }[] {
  const first = (c: Command) => c.name.split(' ')[0] ?? c.name;
  const known = new Set(SECTIONS.flatMap((s) => s.words));
  const out = SECTIONS.map((s) => ({
    title: s.title,
    commands: commands
      .filter((c) => s.words.includes(first(c)))
      .sort((a, b) => s.words.indexOf(first(a)) - s.words.indexOf(first(b))),
  }));
  out.push({ title: 'Other commands', commands: commands.filter((c) => !known.has(first(c))) });
  return out.filter((s) => s.commands.length > 0);
}

export function programHelp(program: Program, globals: Record<string, OptionSpec>): string {
  const width = Math.max(...program.commands.map((c) => c.name.length + (c.args ? c.args.length + 1 : 0)));
  const row = (c: Command) => `  ${`${c.name}${c.args ? ` ${c.args}` : ''}`.padEnd(width)}  ${c.summary}`;
  const cmds = sectioned(program.commands).flatMap((s, i) => [
    ...(i > 0 ? [''] : []),
    `${s.title}:`,
    ...s.commands.map(row),
  ]);
  return [
    `${program.name}: ${program.summary}`,
    '',
    `Usage: ${program.name} COMMAND [options]`,
    '',
    ...cmds,
    '',
    'Global options:',
    ...optionLines({ ...globals, version: { type: 'boolean', description: 'print the version' } }),
    '',
    `Run '${program.name} help COMMAND' (or '${program.name} COMMAND --help') for a command's options;`,
    `global options go before or after the command.`,
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

export function commandHelp(program: Program, command: Command, globals: Record<string, OptionSpec>): string {
  const head = program.single ? program.name : `${program.name} ${command.name}`;
  return [
    `Usage: ${head}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.description ?? command.summary,
    '',
    ...(command.options && Object.keys(command.options).length
      ? ['Options:', ...optionLines(command.options), '']
      : []),
    'Global options:',
    // A command's own option of a global's name (`-o` of the flows commands) replaces the global one.
    ...optionLines(Object.fromEntries(Object.entries(globals).filter(([k]) => !command.options?.[k]))),
    '',
    ...(command.examples?.length ? ['Examples:', ...command.examples.map((e) => `  ${e}`), ''] : []),
    program.exitCodesHelp ?? EXIT_CODES_HELP,
  ].join('\n');
}

/** The commands of a group (`picocal policy`), aligned. */
export function groupHelp(program: Program, group: string, commands: readonly Command[]): string {
  const left = commands.map((c) => `${c.name}${c.args ? ` ${c.args}` : ''}`);
  const width = Math.max(0, ...left.map((l) => l.length));
  return [
    `Commands of '${program.name} ${group}':`,
    ...commands.map((c, i) => `  ${(left[i] ?? '').padEnd(width)}  ${c.summary}`),
    '',
    `Run '${program.name} help ${group} COMMAND' for a command's options.`,
    '',
  ].join('\n');
}
