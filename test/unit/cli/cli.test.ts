import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const INVENTORY = resolve('inventory/picocluster.yaml');

describe('picocal CLI', () => {
  it('prints help listing the commands and the exit codes', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cluster:\n(.|\n)*render/);
    expect(r.stdout).toMatch(/130\s+interrupted/);
  });

  it('prints per-command help', async () => {
    const r = await runCli(['render', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: picocal render/);
    expect(r.stdout).toMatch(/--diff/);
  });

  it('prints its version', async () => {
    const r = await runCli(['--version']);
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(r.stdout.trim()).toBe(`picocal ${pkg.version}`);
  });

  it.each([
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['render', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['render', '--output', 'xml', '-i', INVENTORY], /--output must be 'text' or 'json'/],
    [['render'], /no inventory given/],
  ])('exits 2 on bad usage: %j', async (argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('renders with --output json: one JSON document on stdout and nothing else', async () => {
    const out = join(tmp, 'json-out');
    const r = await runCli(['render', '-i', INVENTORY, '--out', out, '--output', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { dir: string; files: string[] };
    expect(doc.dir).toBe(out);
    expect(doc.files).toContain('manifests/custom-resources.yaml');
    expect(existsSync(join(out, 'ansible/host_vars/pc-node3.yaml'))).toBe(true);
  });

  it('a broken inventory exits 2 with file:line, field and hint, and writes nothing', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, readFileSync(INVENTORY, 'utf8').replace('block_size: 26', 'blok_size: 26'));
    const out = join(tmp, 'never');
    const r = await runCli(['render', '-i', bad, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${bad}:\\d+:\\d+ all\\.vars\\.picocal\\.blok_size: unknown key`));
    expect(r.stderr).toMatch(/did you mean 'block_size'/);
    expect(r.stderr).toMatch(/nothing was changed/);
    expect(existsSync(out)).toBe(false);
  });

  it('plan shows a unified diff of what render would change, and changes nothing', async () => {
    const out = join(tmp, 'plan-out');
    expect((await runCli(['render', '-i', INVENTORY, '--out', out])).code).toBe(0);
    const edited = join(tmp, 'edited.yaml');
    writeFileSync(
      edited,
      readFileSync(INVENTORY, 'utf8').replace('max_unavailable: 1', 'max_unavailable: 2'),
    );
    const before = readFileSync(join(out, 'manifests/custom-resources.yaml'), 'utf8');
    const r = await runCli(['plan', '-i', edited, '--out', out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^--- a\/manifests\/custom-resources\.yaml$/m);
    expect(r.stdout).toMatch(/^-\s+maxUnavailable: 1$/m);
    expect(r.stdout).toMatch(/^\+\s+maxUnavailable: 2$/m);
    // render.json is the index of the other files' sha256: its lines would only repeat the change (review L5).
    expect(r.stdout).not.toContain('render.json');
    expect(readFileSync(join(out, 'manifests/custom-resources.yaml'), 'utf8')).toBe(before);
    const same = await runCli(['plan', '-i', INVENTORY, '--out', out]);
    expect(same.stdout).toMatch(/no changes/);
  });

  it('prints no colour codes when colour is off', async () => {
    const r = await runCli(['frobnicate']);
    expect(r.stderr.includes('\u001b[')).toBe(false);
  });
});
