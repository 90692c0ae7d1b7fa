// `picocal --version` through the real binary (issue 19: ≤ 2× `node -e 0`): it answers as before, and without
// loading the command modules — checked by a module-load hook that lists every module Node loads, not by
// timing. Everything else still goes through runProgram. Needs `npm run build`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../..', import.meta.url).pathname;
const PICOCAL = join(root, 'dist/src/cli/picocal.js');
const dir = mkdtempSync(join(tmpdir(), 'picocal-version-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// https://nodejs.org/docs/latest-v20.x/api/module.html#customization-hooks: `load` sees every module URL.
writeFileSync(
  join(dir, 'hooks.mjs'),
  "import { appendFileSync } from 'node:fs';\n" +
    'export async function load(url, context, next) {\n' +
    '  appendFileSync(process.env.LOAD_LOG, url + "\\n");\n' +
    '  return next(url, context);\n' +
    '}\n',
);
writeFileSync(
  join(dir, 'register.mjs'),
  `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`,
);

async function run(args: string[], log: string) {
  const r = await execa('node', ['--import', join(dir, 'register.mjs'), PICOCAL, ...args], {
    reject: false,
    env: { LOAD_LOG: join(dir, log) },
  });
  const loaded = readFileSync(join(dir, log), 'utf8').split('\n').filter(Boolean);
  return { ...r, loaded };
}

describe('picocal --version', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

  it('prints the version without loading any command', async () => {
    const r = await run(['--version'], 'fast.log');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`picocal ${pkg.version}`);
    expect(r.loaded.some((u) => u.endsWith('/dist/src/cli/picocal.js'))).toBe(true);
    expect(r.loaded.filter((u) => u.includes('/dist/src/cli/commands/'))).toEqual([]);
    expect(r.loaded.filter((u) => u.includes('/node_modules/'))).toEqual([]);
  });

  it.each([
    [['version'], 0, `picocal ${pkg.version}`],
    [['--version', 'x'], 2, ''],
  ])('%j still goes through the commands (exit %d)', async (args, code, out) => {
    const r = await run(args, `slow-${args.join('-')}.log`);
    expect(r.exitCode).toBe(code);
    expect(r.stdout).toBe(out);
    if (code === 2) expect(r.stderr).toContain('--version goes alone');
    expect(r.loaded.some((u) => u.includes('/dist/src/cli/commands/index.js'))).toBe(true);
  });
});
