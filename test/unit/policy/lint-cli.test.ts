// `picocal policy lint` end to end through the CLI entry: exit codes, text, JSON and SARIF.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** The real Calico release files (../shared/calico/<tag>/manifests/), as a user passes them. */
const CALICO = ['--artifacts', '../shared/calico'];

describe('picocal policy lint', () => {
  it('exits 1 and prints file:line:col: severity rule: message with a hint when there are errors', async () => {
    const r = await run([`${GUIDE}/08-icmp-and-dns.yaml`, ...CALICO]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `${GUIDE}/08-icmp-and-dns.yaml:23:17: error icmp-in-kubernetes-policy: NetworkPolicy allow-diagnostics: protocol ICMP`,
    );
    expect(r.stdout).toMatch(/\n {4}hint: to allow ping, write a Calico NetworkPolicy/);
    expect(r.stderr).toContain('1 error, 2 warnings, 1 note in 1 file');
  });

  it('exits 0 when there are only warnings', async () => {
    const r = await run([`${GUIDE}/07-service-account-access.yaml`, ...CALICO]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning service-account-label');
  });

  it('exits 2 when a file does not exist or is not YAML, naming each', async () => {
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, 'a: [1, 2\n');
    const r = await run(['no/such/file.yaml', bad, ...CALICO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read no/such/file.yaml: ENOENT');
    expect(r.stderr).toContain('bad.yaml:2:');
  });

  it('puts exactly one JSON document on stdout with --output json', async () => {
    const r = await run([GUIDE, '--output', 'json', ...CALICO]);
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
    const r = await run([GUIDE, '--sarif', file, ...CALICO]);
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

describe("picocal policy lint: Calico's schemas from the release's CRD manifest", () => {
  // A misspelt field only the schema knows about, beside a mistake a rule reports as a warning.
  const MIXED = join(tmp, 'mixed.yaml');
  writeFileSync(
    MIXED,
    [
      'apiVersion: projectcalico.org/v3',
      'kind: NetworkPolicy',
      'metadata: {name: web, namespace: shop}',
      'spec:',
      "  selector: app == 'web'",
      '  ingress:',
      '  - action: Allow',
      '    protocol: TCP',
      "    sourceSelector: app == 'lb'",
      '---',
      'apiVersion: projectcalico.org/v3',
      'kind: GlobalNetworkSet',
      'metadata: {name: partners}',
      'spec: {nets: [198.51.100.0/24]}',
      '',
    ].join('\n'),
  );
  const EMPTY = mkdtempSync(join(tmp, 'no-artifacts-'));
  const NOTICE = 'CRD schemas not available';

  it('reports a field the Calico 3.32.1 CRD does not have, naming the manifest it checked against', async () => {
    const r = await run([MIXED, '--output', 'json', ...CALICO]);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      schema: Record<string, unknown>;
      findings: { rule: string; line: number; message: string }[];
    };
    expect(doc.schema).toMatchObject({
      checked: true,
      calicoVersion: '3.32.1',
      verified: true,
      sha256: '192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71',
    });
    expect(doc.schema['source']).toMatch(/v3\.32\.1\/manifests\/v1_crd_projectcalico_org\.yaml$/);
    expect(doc.findings).toContainEqual(
      expect.objectContaining({
        rule: 'unknown-field',
        line: 9,
        message: "NetworkPolicy shop/web: unknown field 'sourceSelector'",
      }),
    );
  });

  it('takes the schemas of the release --calico-version names', async () => {
    const r = await run([MIXED, '--output', 'json', '--calico-version', '3.31.7', ...CALICO]);
    const doc = JSON.parse(r.stdout) as { schema: { calicoVersion: string; source: string } };
    expect(doc.schema.calicoVersion).toBe('3.31.7');
    expect(doc.schema.source).toMatch(/v3\.31\.7\/manifests\/operator-crds\.yaml$/);
    expect(r.code).toBe(1);
  });

  it('exits 2 for a Calico version picocal does not know', async () => {
    const r = await run([MIXED, '--calico-version', '3.99.0', ...CALICO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown Calico version '3.99.0'");
  });

  it('refuses an altered manifest in --artifacts with exit 2, naming the file and both sha256 values', async () => {
    const dir = mkdtempSync(join(tmp, 'altered-'));
    cpSync(
      '../shared/calico/v3.32.1/manifests/v1_crd_projectcalico_org.yaml',
      join(dir, 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml'),
    );
    appendFileSync(join(dir, 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml'), '# one more line\n');
    const r = await run([MIXED, '--artifacts', dir]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${dir}/v3.32.1/manifests/v1_crd_projectcalico_org.yaml has sha256 `);
    expect(r.stderr).toContain(
      'but v1_crd_projectcalico_org.yaml of Calico 3.32.1 has 192f8b2d934ef24b62e86b7e1a6e1762d1c8af26a916f78057bc13fa5ed60f71',
    );
    expect(r.stderr).toContain('hint: the file is altered or from another release');
  });

  // Exit codes come from the findings the rules made; the skipped schema check never fails a run.
  it.each([
    ['a schema-only error beside a warning', MIXED, 1, 0],
    ['a rule error (ICMP in a Kubernetes policy)', `${GUIDE}/08-icmp-and-dns.yaml`, 1, 1],
  ])(
    'without the manifest, %s: one notice, the rule findings, exit by the rules alone',
    async (_what, file, withSchemas, without) => {
      expect((await run([file, ...CALICO])).code).toBe(withSchemas);
      const r = await run([file, '--artifacts', EMPTY]);
      expect(r.code).toBe(without);
      expect(r.stderr.split(NOTICE)).toHaveLength(2);
      expect(r.stderr).toContain(
        `v1_crd_projectcalico_org.yaml of Calico 3.32.1 is not in ${EMPTY}/v3.32.1/manifests`,
      );
      expect(r.stderr).toMatch(
        /\n {4}hint: download https:\/\/raw\.githubusercontent\.com\/projectcalico\/calico\/v3\.32\.1\/manifests\/v1_crd_projectcalico_org\.yaml/,
      );
      expect(r.stdout).not.toContain('unknown-field');
      expect(r.stdout).toMatch(
        file === MIXED ? /warning network-set-unlabeled/ : /error icmp-in-kubernetes-policy/,
      );
    },
  );

  it('without the manifest, says so in the JSON document and in SARIF, and nothing else on stderr in JSON mode', async () => {
    const sarifFile = join(tmp, 'unchecked.sarif');
    const r = await run([MIXED, '--output', 'json', '--sarif', sarifFile, '--artifacts', EMPTY]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain(NOTICE);
    const doc = JSON.parse(r.stdout) as { schema: Record<string, unknown>; findings: { rule: string }[] };
    expect(doc.schema).toMatchObject({ checked: false, calicoVersion: '3.32.1' });
    expect(doc.schema['reason']).toContain('is not in');
    expect(doc.schema['hint']).toContain('--artifacts');
    expect(doc.findings.map((f) => f.rule)).toContain('network-set-unlabeled');
    const sarif = JSON.parse(readFileSync(sarifFile, 'utf8')) as {
      runs: {
        properties: { calicoSchemas: { checked: boolean } };
        invocations: {
          executionSuccessful: boolean;
          toolExecutionNotifications: { level: string; message: { text: string } }[];
        }[];
      }[];
    };
    const run0 = sarif.runs[0]!;
    expect(run0.properties.calicoSchemas.checked).toBe(false);
    expect(run0.invocations[0]?.executionSuccessful).toBe(true);
    expect(run0.invocations[0]?.toolExecutionNotifications[0]).toMatchObject({ level: 'warning' });
    expect(run0.invocations[0]?.toolExecutionNotifications[0]?.message.text).toContain(NOTICE);
  });

  it('records the checked manifest in SARIF run properties and adds no notification', async () => {
    const sarifFile = join(tmp, 'checked.sarif');
    await run([MIXED, '--sarif', sarifFile, ...CALICO]);
    const run0 = (
      JSON.parse(readFileSync(sarifFile, 'utf8')) as {
        runs: { properties: { calicoSchemas: Record<string, unknown> }; invocations?: unknown }[];
      }
    ).runs[0]!;
    expect(run0.properties.calicoSchemas).toMatchObject({ checked: true, calicoVersion: '3.32.1' });
    expect(run0.invocations).toBeUndefined();
  });
});
