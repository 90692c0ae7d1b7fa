// `picocal --help` lists the commands by what they are for, the everyday cluster commands first and the
// lab last (newcomer review L6), each command exactly once and the summaries in one column.
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { runCli } from '../../helpers/run-cli.js';

const SECTIONS = ['Cluster:', 'Policies:', 'Generated files:', 'Virtual PicoCluster (lab):', 'Tools:'];

describe('picocal --help', () => {
  it('groups the commands under headings, cluster first, lab last', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    const headings = lines.filter(
      (l) => /^[A-Z][^:]*:$/.test(l) && l !== 'Global options:' && l !== 'Exit codes:',
    );
    expect(headings).toEqual(SECTIONS);
    const at = (s: string) => lines.findIndex((l) => l.trimStart().startsWith(`${s} `));
    expect(at('verify')).toBeLessThan(at('policy lint'));
    expect(at('policy lint')).toBeLessThan(at('lab up'));
  });

  it('lists every command exactly once, the summaries in one column', async () => {
    const r = await runCli(['--help']);
    const start = r.stdout.indexOf(SECTIONS[0]!);
    const block = r.stdout.slice(start, r.stdout.indexOf('Global options:')).split('\n');
    const rows = block.filter((l) => l.startsWith('  '));
    for (const c of COMMANDS) {
      const left = `  ${c.name}${c.args ? ` ${c.args}` : ''} `;
      expect(
        rows.filter((l) => l.startsWith(left)),
        c.name,
      ).toHaveLength(1);
    }
    expect(rows).toHaveLength(COMMANDS.length);
    const columns = new Set(
      rows.map((l, i) => l.indexOf(COMMANDS.find((c) => l.includes(c.summary))?.summary ?? `#${i}`)),
    );
    expect(columns.size).toBe(1);
  });
});
