// The parser as a table: argv → exit code and the message a user sees. Mistakes are answered in
// picocal's words with a guess (never Node's parser text), global options go before or after the
// command, and `picocal help CMD` is `picocal CMD --help`.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { validateCommand } from '../../../src/cli/calico-validate.js';

const INV = resolve('inventory/picocluster.yaml');
const VALIDATE = { name: 'calico-validate', summary: 'test', commands: [validateCommand], single: true };

describe('picocal argv → exit code and message', () => {
  it.each<[string[], number, RegExp]>([
    // unknown commands and sub-commands, with the closest one
    [['verfy'], 2, /unknown command 'verfy'\nhint: did you mean 'picocal verify'\?/],
    [['bootstap'], 2, /did you mean 'picocal bootstrap'\?/],
    [['policy', 'lnt', 'x'], 2, /unknown command 'policy lnt'\nhint: did you mean 'picocal policy lint'\?/],
    [['lab', 'stauts'], 2, /unknown command 'lab status'|did you mean 'picocal lab status'\?/],
    [['lint', 'x'], 2, /unknown command 'lint'\nhint: did you mean 'picocal policy lint'\?/],
    [['xyzzy'], 2, /unknown command 'xyzzy'\nhint: run 'picocal --help'/],
    [['policy'], 2, /'policy' needs a command\nCommands of 'picocal policy':/],
    // unknown flags, with the closest one of that command
    [['verify', '--nodes', 'pc-node3'], 2, /unknown option '--nodes'\nhint: did you mean '--node NAME'\?/],
    [['verify', '--hlep'], 2, /unknown option '--hlep'\nhint: did you mean '--help'\?/],
    [['render', '-x'], 2, /unknown option '-x'\nhint: run 'picocal render --help'/],
    [['policy', 'matrix', '--portt', '80'], 2, /did you mean '--port N\|PROTO\/N'\?/],
    [['--nodes', '3', 'verify'], 2, /unknown option '--nodes' before the command/],
    [['--outptu', 'json', 'verify'], 2, /did you mean '--output'\?/],
    // values missing, or given to a switch
    [['verify', '--timeout'], 2, /option '--timeout' needs a value: --timeout S/],
    [['-i'], 2, /option '-i' needs a value/],
    [['verify', '--debug=yes'], 2, /'--debug' is a switch and takes no value/],
    [
      ['policy', 'matrix', '--port', '-5'],
      2,
      /the value after --port starts with '-'\nhint: if it is the value, write --port=VALUE/,
    ],
    [
      ['policy', 'matrix', '--output', 'html'],
      2,
      /--output must be 'text' or 'json', not 'html'\nhint: did you mean '--html FILE'\?/,
    ],
    // --live and files exclude each other; --kubeconfig only with --live
    [
      ['policy', 'matrix', '--live', '--cluster', 'c.yaml'],
      2,
      /--live reads the cluster: it cannot be combined/,
    ],
    [['policy', 'matrix', '--cluster', 'c.yaml', '--context', 'x'], 2, /--context needs --live/],
    // help
    [['help', 'verify'], 0, /^Usage: picocal verify \[options\]/],
    [['help', 'policy', 'matrix'], 0, /^Usage: picocal policy matrix \[options\]/],
    [['help', 'policy'], 0, /^Commands of 'picocal policy':/],
    [['help'], 0, /^picocal: /],
    [['help', 'verfy'], 2, /unknown command 'verfy'\nhint: did you mean 'picocal verify'\?/],
    [['policy', '--help'], 0, /^Commands of 'picocal policy':/],
    [['-i', INV, '--help'], 0, /^picocal: /],
    [['-v'], 2, /no command given/],
    [['-i', INV, '--version'], 0, /^picocal \d+\.\d+\.\d+\n$/],
    [['--version', 'verify'], 2, /--version goes alone/],
  ])('%j → exit %i', async (argv, code, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(code);
    const shown = code === 0 ? r.stdout : r.stderr;
    expect(shown).toMatch(message);
    if (code !== 0) expect(r.stdout).toBe('');
    expect(r.stderr + r.stdout).not.toMatch(/To specify a positional argument|ERR_PARSE_ARGS|Unknown option/);
  });

  it.each<[string[]]>([
    [['-i', INV, 'render', '--output', 'json', '--out', 'OUT']],
    [['render', '-i', INV, '--out', 'OUT', '--output', 'json']],
    [['--output', 'json', 'render', '--out', 'OUT', '-i', INV]],
    [['--output=json', `--inventory=${INV}`, 'render', '--out', 'OUT']],
    [['-v', '-i', INV, '--output', 'json', 'render', '--out', 'OUT']],
  ])('global options work before or after the command: %j', async (argv) => {
    const out = join(mkdtempSync(join(tmpdir(), 'picocal-argv-')), 'render');
    const r = await runCli(argv.map((a) => (a === 'OUT' ? out : a)));
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { dir: string }).dir).toBe(out);
  });

  it.each<[string[], number, RegExp]>([
    [['a', 'b', '--prot', '80'], 2, /unknown option '--prot'\nhint: did you mean '--port N\|NAME'\?/],
    [['a', 'b', '--expect'], 2, /option '--expect' needs a value/],
  ])('calico-validate %j → exit %i', async (argv, code, message) => {
    const r = await runCli(argv, { program: VALIDATE });
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
  });
});
