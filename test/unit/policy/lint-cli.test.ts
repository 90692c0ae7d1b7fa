// `picocal policy lint` end to end through the CLI entry: exit codes, text, JSON and SARIF.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { policyLint } from '../../../src/cli/commands/policy-lint.js';
import { runProgram } from '../../../src/cli/main.js';

const tmp = mkdtempSync(join(tmpdir(), 'picocal-lint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runProgram(
    { name: 'picocal', summary: 't', commands: [policyLint] },
    ['policy', 'lint', ...argv],
    {
      stdout,
      stderr,
      color: false,
      cwd: process.cwd(),
    },
  );
  return { code, stdout: out, stderr: err };
}

const GUIDE = 'test/fixtures/lint/guide';

describe('picocal policy lint', () => {
  it('exits 1 and prints file:line:col: severity rule: message with a hint when there are errors', async () => {
    const r = await run([`${GUIDE}/08-icmp-and-dns.yaml`]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${GUIDE}/08-icmp-and-dns.yaml:23:17: error icmp-in-kubernetes-policy: NetworkPolicy allow-diagnostics: protocol ICMP`,
    );
    expect(r.stdout).toMatch(/\n {4}hint: to allow ping, write a Calico NetworkPolicy/);
    expect(r.stderr).toContain('1 error, 2 warnings, 1 note in 1 file');
  });

  it('exits 0 when there are only warnings', async () => {
    const r = await run([`${GUIDE}/07-service-account-access.yaml`]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning service-account-label');
  });

  it('exits 2 when a file does not exist or is not YAML, naming each', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'a: [1, 2\n');
    const r = await run(['no/such/file.yaml', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read no/such/file.yaml: ENOENT');
    expect(r.stderr).toContain('bad.yaml:2:');
  });

  it('puts exactly one JSON document on stdout with --output json', async () => {
    const r = await run([GUIDE, '--output', 'json']);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      files: string[];
      summary: Record<string, number>;
      findings: { rule: string }[];
    };
    expect(doc.files).toHaveLength(14);
    expect(doc.summary['error']).toBeGreaterThan(0);
    expect(doc.findings.map((f) => f.rule)).toContain('enterprise-only-field');
  });

  it('writes SARIF 2.1.0 with the structure the SARIF schema requires', async () => {
    const file = join(tmp, 'lint.sarif');
    const r = await run([GUIDE, '--sarif', file]);
    expect(r.code).toBe(1);
    const sarif = JSON.parse(readFileSync(file, 'utf8')) as {
      version: string;
      $schema: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          level: string;
          message: { text: string };
          locations: {
            physicalLocation: {
              artifactLocation: { uri: string };
              region: { startLine: number; startColumn: number };
            };
          }[];
        }[];
      }[];
    };
    // SARIF 2.1.0 requires: version, runs[]; run.tool.driver.name; result.message.text; levels from its enum.
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toMatch(/sarif-2\.1\.0/);
    expect(sarif.runs).toHaveLength(1);
    const run0 = sarif.runs[0]!;
    expect(run0.tool.driver.name).toBe('picocal');
    expect(run0.results.length).toBeGreaterThan(10);
    for (const res of run0.results) {
      expect(typeof res.message.text).toBe('string');
      expect(['none', 'note', 'warning', 'error']).toContain(res.level);
      expect(run0.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      const loc = res.locations[0]!.physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^test\/fixtures\/lint\/guide\//);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
  });

  it('refuses to run without a path', async () => {
    const r = await run([]);
    expect(r.code).toBe(2);
  });
});
