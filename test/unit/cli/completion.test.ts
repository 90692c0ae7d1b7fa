// Shell completion: the bash script is sourced in a real bash and its function called the way bash's
// programmable completion calls it (COMP_WORDS, COMP_CWORD), so the candidates are bash's own answer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { COMMANDS } from '../../../src/cli/commands/index.js';

async function complete(script: string, words: string[]): Promise<string[]> {
  const r = await execa(
    'bash',
    [
      '--norc',
      '--noprofile',
      '-c',
      // $1 is the script; the rest are the words, the last one being completed.
      'eval "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _picocal; printf "%s\\n" "${COMPREPLY[@]}"',
      'complete-test',
      script,
      'picocal',
      ...words,
    ],
    { reject: false },
  );
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('picocal completion bash, in a real bash', () => {
  let script = '';
  it('prints the script', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code, r.stderr).toBe(0);
    script = r.stdout;
    expect(script).toContain('complete -o bashdefault -o default -F _picocal picocal');
  });

  const tops = [...new Set([...COMMANDS.map((c) => c.name.split(' ')[0] ?? ''), 'help'])].sort();
  it.each<[string[], string[]]>([
    [[''], tops],
    [['ver'], ['verify']],
    [['po'], ['policy']],
    [
      ['policy', ''],
      COMMANDS.filter((c) => c.name.startsWith('policy '))
        .map((c) => c.name.slice(7))
        .sort(),
    ],
    [
      ['policy', 'l'],
      ['lint', 'list', 'log-rules'],
    ],
    [['lab', 'st'], ['status']],
    [['-i', 'inv.yaml', 've'], ['verify']],
    [['--output', 'json', 'policy', 'ma'], ['matrix']],
    [['verify', '--n'], ['--node']],
    [['-i', 'inv.yaml', 'verify', '--ti'], ['--timeout']],
    [
      ['policy', 'matrix', '--h'],
      ['--help', '--html'],
    ],
    [
      ['verify', '--output', ''],
      ['json', 'text'],
    ],
    // A command's own fixed set (its spec's arg) beats the global --output's.
    [
      ['policy', 'flows', '-o', ''],
      ['json', 'table', 'wide', 'yaml'],
    ],
    [['policy', 'flows', '--output', 'y'], ['yaml']],
    [['policy', 'matrix', '--protocol', 'U'], ['UDP']],
    [
      ['completion', ''],
      ['bash', 'fish', 'zsh'],
    ],
    [['policy', 'new', 'a'], ['allow-dns']],
    [['help', 'pol'], ['policy']],
    [['help', 'policy', 'ma'], ['matrix']],
    [['--'], ['--debug', '--help', '--inventory', '--output', '--verbose']],
  ])('%j → %j', async (words, expected) => {
    expect(script).not.toBe('');
    expect(await complete(script, words)).toEqual(expected);
  });

  it('offers every option of every command, from the command table', async () => {
    for (const c of COMMANDS) {
      const got = await complete(script, [...c.name.split(' '), '--']);
      for (const o of Object.keys(c.options ?? {})) expect(got, c.name).toContain(`--${o}`);
    }
  }, 60_000);
});

const has = (shell: string) =>
  execa('sh', ['-c', `command -v ${shell}`], { reject: false }).then((r) => r.exitCode === 0);
const CASES: Array<[string[], string[]]> = [
  [['pol'], ['policy']],
  [
    ['policy', 'l'],
    ['lint', 'list', 'log-rules'],
  ],
  [['-i', 'inv.yaml', 've'], ['verify']],
  [['verify', '--ti'], ['--timeout']],
  [
    ['verify', '--output', ''],
    ['json', 'text'],
  ],
  [
    ['policy', 'flows', '-o', ''],
    ['json', 'table', 'wide', 'yaml'],
  ],
  [
    ['completion', ''],
    ['bash', 'fish', 'zsh'],
  ],
];

describe('picocal completion zsh, in a real zsh (bashcompinit)', async () => {
  const available = await has('zsh');
  it.skipIf(!available).each(CASES)('%j → %j', async (words, expected) => {
    const script = (await runCli(['completion', 'zsh'])).stdout;
    expect(script).toMatch(/^#compdef picocal\n/);
    const r = await execa(
      'zsh',
      [
        '-f',
        '-c',
        'eval "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _picocal; print -rl -- "${COMPREPLY[@]}"',
        'complete-test',
        script,
        'picocal',
        ...words,
      ],
      { reject: false, env: { HOME: tmpdir() } },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    // zsh's compgen leaves filtering by the typed prefix to the completion system (compadd): do the same.
    const cur = words[words.length - 1] ?? '';
    const got = [...new Set(r.stdout.split('\n').filter((w) => w && w.startsWith(cur)))].sort();
    expect(got).toEqual(expected);
  });
});

describe('picocal completion fish, in a real fish (complete -C)', async () => {
  const available = await has('fish');
  it.skipIf(!available).each(CASES)('%j → %j', async (words, expected) => {
    const file = join(mkdtempSync(join(tmpdir(), 'picocal-fish-')), 'picocal.fish');
    writeFileSync(file, (await runCli(['completion', 'fish'])).stdout);
    const line = ['picocal', ...words].join(' ');
    const r = await execa(
      'fish',
      ['--no-config', '-c', 'source $argv[1]; complete -C $argv[2]', file, line],
      {
        reject: false,
      },
    );
    expect(r.exitCode, r.stderr).toBe(0);
    const got = r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')[0] ?? '')
      .sort();
    expect(got).toEqual(expected);
  });
});

describe('picocal completion: every command and option is in each script', () => {
  it('zsh loads the bash function through bashcompinit', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('bashcompinit');
    expect(r.stdout).toContain('complete -o bashdefault -o default -F _picocal picocal');
  });

  it('fish has a line for every command word and every option', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(0);
    for (const c of COMMANDS) {
      const words = c.name.split(' ');
      const last = words.pop() ?? '';
      expect(r.stdout).toContain(`-n '${`_picocal_after ${words.join(' ')}`.trim()}' -a '${last}'`);
      for (const o of Object.keys(c.options ?? {}))
        expect(r.stdout).toMatch(new RegExp(`-n '_picocal_using ${c.name}' (-s \\w )?-l ${o} `));
    }
  });

  it.each([
    [['completion', 'tcsh'], /no completion for 'tcsh'/],
    [['completion', 'bsh'], /did you mean 'bash'\?/],
    [['completion'], /which shell\?/],
  ])('%j → exit 2', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
