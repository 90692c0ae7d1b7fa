// The README's first calico-validate example is what the command prints: stdout line by line (paths
// shortened to …/ as the README writes them), the stderr line marked `# stderr` and the exit code it names
// (newcomer review L12: the README left out the stderr line and exit 1).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runValidate } from '../../helpers/run-calico-validate.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

function example(): { argv: string[]; stdout: string[]; stderr: string[]; exit: number } {
  const start = README.indexOf('```console\n$ calico-validate frontend-pod backend-pod default --port 8080');
  expect(start).toBeGreaterThan(-1);
  const block = README.slice(start + '```console\n'.length, README.indexOf('\n```', start + 1)).split('\n');
  const cmd: string[] = [];
  let i = 0;
  for (; i < block.length; i++) {
    const line = (block[i] ?? '').replace(/^\$ /, '');
    cmd.push(line.replace(/\\$/, '').trim());
    if (!line.endsWith('\\')) break;
  }
  const out = block.slice(i + 1);
  const marked = out.filter((l) => /#\s*stderr/.test(l));
  return {
    argv: cmd.join(' ').split(/\s+/).slice(1),
    stdout: out.filter((l) => !marked.includes(l)),
    stderr: marked.map((l) => l.replace(/\s*#.*$/, '')),
    exit: Number(/exit (\d+)/.exec(marked.join(' '))?.[1] ?? 0),
  };
}

describe('README: calico-validate on the quick start', () => {
  it('shows what the command prints on stdout and stderr, and its exit code', async () => {
    const ex = example();
    const r = await runValidate(...ex.argv);
    const shorten = (s: string) => s.replace(/[^\s(]*\/(policies\.yaml:\d+)/g, '…/$1');
    expect(r.stdout.trimEnd().split('\n').map(shorten)).toEqual(ex.stdout);
    expect(r.stderr.trimEnd().split('\n')).toEqual(ex.stderr);
    expect(r.code).toBe(ex.exit);
  });
});
