import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../../src/ssh/shell-quote.js';

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ['/etc/rancher/k3s/k3s.yaml', '/etc/rancher/k3s/k3s.yaml'],
    ['--request-timeout=5s', "'--request-timeout=5s'"],
    ['', "''"],
    ["it's", `'it'\\''s'`],
    ['two words', "'two words'"],
    ['$(reboot)', "'$(reboot)'"],
    ['`id`', "'`id`'"],
    ['a\nb', "'a\nb'"],
    ['~root', "'~root'"],
    ['*', "'*'"],
    ['A=b', "'A=b'"],
    ["''", `''\\'''\\'''`],
  ])('quotes %j as %s', (input, expected) => {
    expect(shellQuote(input)).toBe(expected);
  });

  it('refuses a NUL byte, which no shell argument can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(/NUL/);
  });

  // The real test: a POSIX shell must hand every argument back byte for byte.
  it.for(['sh', 'bash', 'dash'])('round-trips hostile arguments through %s -c', async (shell, ctx) => {
    const which = await execa('sh', ['-c', 'command -v "$1"', 'sh', shell], { reject: false });
    if (which.exitCode !== 0) ctx.skip(`${shell} is not installed`);
    const args = [
      "it's",
      'two  spaces',
      '$(touch /tmp/picocal-pwned)',
      '`id`',
      'line1\nline2',
      '*',
      '',
      '"double"',
      '\\back\\slash',
      ';exit 7',
      '$HOME',
      '!event',
      'A=b',
      '~',
      '{a,b}',
      'tab\there',
      "'",
      'ünïcødé',
    ];
    const cmd = shellCommand(['printf', '%s\\0', ...args]);
    const r = await execa(shell, ['-c', cmd], { encoding: 'utf8' });
    expect(r.stdout.split('\0').slice(0, -1)).toEqual(args);
  });

  it('refuses an empty command', () => {
    expect(() => shellCommand([])).toThrow(/empty/);
  });
});
