// `picocal policy stage` / `policy enforce` through the CLI entry.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { policyEnforce } from '../../../src/cli/commands/policy-enforce.js';
import { policyStage } from '../../../src/cli/commands/policy-stage.js';
import { runProgram } from '../../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-stage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  const code = await runProgram(
    { name: 'picocal', summary: 't', commands: [policyStage, policyEnforce] },
    argv,
    {
      stdout,
      stderr: new PassThrough(),
      color: false,
      cwd: tmp,
    },
  );
  return { code, stdout: out };
}

describe('picocal policy stage / enforce', () => {
  it('stages a file in place, reports each change, and enforces it back', async () => {
    const file = join(tmp, 'p.yaml');
    const original =
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: web\n  namespace: app\nspec:\n  podSelector: {}\n  policyTypes:\n    - Ingress\n';
    writeFileSync(file, original);
    const staged = await run(['policy', 'stage', 'p.yaml', '--in-place']);
    expect(staged.code).toBe(0);
    expect(staged.stdout).toBe('p.yaml:1: NetworkPolicy app/web → StagedKubernetesNetworkPolicy\n');
    expect(readFileSync(file, 'utf8')).toContain('stagedAction: Set');
    const enforced = await run(['policy', 'enforce', 'p.yaml', '--in-place', '--output', 'json']);
    expect(enforced.code).toBe(0);
    const doc = JSON.parse(enforced.stdout) as {
      direction: string;
      changes: { action: string }[];
      written: string[];
    };
    expect(doc).toMatchObject({ direction: 'enforce', changes: [{ action: 'converted' }], written: [file] });
    expect(readFileSync(file, 'utf8')).toBe(original);
  });

  it.each([
    ['stage', 'kind: NetworkPolicy', 'kind: StagedKubernetesNetworkPolicy'],
    ['enforce', 'kind: StagedNetworkPolicy', 'kind: NetworkPolicy'],
  ])(
    'policy %s FILE prints the converted YAML to stdout and leaves the file alone',
    async (direction, from, to) => {
      const name = `${direction}-stdout.yaml`;
      const original =
        direction === 'stage'
          ? `apiVersion: networking.k8s.io/v1\n${from}\nmetadata:\n  name: web\n  namespace: app\nspec:\n  podSelector: {}\n`
          : `apiVersion: projectcalico.org/v3\n${from}\nmetadata:\n  name: web\n  namespace: app\nspec:\n  stagedAction: Set\n  selector: all()\n`;
      writeFileSync(join(tmp, name), original);
      const r = await run(['policy', direction, name]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^# Source: ${name}\n`));
      expect(r.stdout).toContain(`${to}\n`);
      expect(r.stdout).not.toContain(`${from}\n`);
      expect(readFileSync(join(tmp, name), 'utf8')).toBe(original);
      const json = await run(['policy', direction, name, '--output', 'json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ written: [], yaml: r.stdout });
    },
  );

  it('--in-place and --out exclude each other (exit 2)', async () => {
    expect((await run(['policy', 'stage', 'p.yaml', '--in-place', '--out', 'x'])).code).toBe(2);
  });

  it('exits 2 on a missing input', async () => {
    expect((await run(['policy', 'stage', 'nope.yaml'])).code).toBe(2);
  });
});
