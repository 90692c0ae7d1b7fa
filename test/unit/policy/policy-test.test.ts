import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { loadPolicySet } from '../../../src/policy/load/policy-set.js';
import { runExpectations } from '../../../src/policy/test/run.js';
import { parseTestFile } from '../../../src/policy/test/spec.js';
import { runCli } from '../../helpers/run-cli.js';
import { parseJunit } from '../../helpers/xml-check.js';

const EXAMPLE = 'examples/policies';
const WEB = 'frontend/web-6b7f9c8d5-2lx9p';
const API = 'backend/api-7d4b8f6c9-k2v8n';
const DB = 'database/postgres-0';

function tmp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'picocal-policy-test-'));
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function problemsOf(text: string): string[] {
  try {
    parseTestFile(text, 'tests.yaml', process.cwd());
  } catch (err) {
    if (err instanceof InputError)
      return err.problems.map(
        (p) => `${p.location?.line ?? '?'}: ${p.message}${p.hint ? ` (${p.hint})` : ''}`,
      );
    throw err;
  }
  return [];
}

describe('policy test files', () => {
  it.each([
    ['a missing expect', '- {from: a, to: b}', "1: missing 'expect'"],
    [
      'an expect that is not allow/deny',
      '- from: a\n  to: b\n  expect: yes',
      '3: expect must be allow or deny',
    ],
    ['a missing from', '- {to: b, expect: allow}', "1: missing 'from'"],
    [
      'a misspelt key',
      '- from: a\n  to: b\n  expext: allow',
      "3: unknown key 'expext' (did you mean 'expect'?)",
    ],
    [
      'a port that is a list',
      '- {from: a, to: b, port: [80], expect: deny}',
      '1: port must be a number or a non-empty string',
    ],
    ['a scalar document', 'hello', '1: expected a list of expectations'],
    ['an empty list', '[]', '1: no expectations'],
    ['tests that are not a list', 'cluster: c.yaml\ntests: {from: a}', "2: 'tests' must be a list"],
    [
      'an unknown top-level key',
      'clusters: c.yaml\ntests: []',
      "1: unknown key 'clusters' (did you mean 'cluster'?)",
    ],
  ])('rejects %s with its line', (_, text, problem) => {
    expect(problemsOf(text).join('\n')).toContain(problem);
  });

  it('reports every bad expectation at once', () => {
    expect(problemsOf('- {from: a, to: b}\n- {from: a, expect: allow}\n')).toHaveLength(2);
  });

  it('resolves the cluster and policy paths a file names relative to the file', () => {
    const spec = parseTestFile(
      'cluster: c.yaml\npolicies: [p, q/r.yaml]\ntests:\n- {from: a, to: b, expect: allow}',
      'sub/dir/t.yaml',
      '/repo',
    );
    expect(spec.cluster).toEqual(['sub/dir/c.yaml']);
    expect(spec.policies).toEqual(['sub/dir/p', 'sub/dir/q/r.yaml']);
  });

  it('names an expectation after its flow when it has no name', () => {
    const spec = parseTestFile('- {from: a, to: ns/b, port: 53, protocol: UDP, expect: deny}', 't.yaml', '/');
    expect(spec.expectations[0]?.name).toBe('a → ns/b UDP/53 deny');
  });
});

describe('running expectations against the example shop', () => {
  const set = loadPolicySet([`${EXAMPLE}/cluster.yaml`, `${EXAMPLE}/policies`], process.cwd());
  const run = (text: string) =>
    runExpectations(set, parseTestFile(text, 't.yaml', process.cwd()).expectations);

  it.each([
    [WEB, API, 8080, 'TCP', 'allow'],
    [API, DB, 5432, 'TCP', 'allow'],
    [WEB, DB, 5432, 'TCP', 'deny'],
    [API, WEB, 8080, 'TCP', 'deny'],
    ['203.0.113.10', WEB, 8080, 'TCP', 'allow'],
    ['203.0.113.10', API, 8080, 'TCP', 'deny'],
    [WEB, 'kube-system/coredns-5d78c9869d-8xkq2', 53, 'UDP', 'allow'],
    [DB, '198.51.100.1', 443, 'TCP', 'deny'],
  ])('%s → %s %s/%s is %s', (from, to, port, protocol, verdict) => {
    const [r] = run(
      `- {from: "${from}", to: "${to}", port: ${port}, protocol: ${protocol}, expect: ${verdict}}`,
    );
    expect(r?.actual).toBe(verdict);
    expect(r?.passed).toBe(true);
  });

  it('names the deciding policy of a failed expectation', () => {
    const [denied, allowed] = run(
      `- {from: ${WEB}, to: ${DB}, port: 5432, expect: allow}\n- {from: 203.0.113.9, to: ${WEB}, port: 8080, expect: deny}`,
    );
    expect(denied?.passed).toBe(false);
    expect(denied?.decidedBy.join('; ')).toContain('Kubernetes NetworkPolicy database/postgres-from-api');
    expect(allowed?.decidedBy).toEqual(['Kubernetes NetworkPolicy frontend/web-ingress (ingress rule 0)']);
    expect(allowed?.explanation.join('\n')).toContain('policies/frontend/web.yaml:15');
  });

  it('rejects flows naming pods the cluster does not have, with the expectation line', () => {
    expect(() =>
      run(`- {from: ${WEB}, to: frontend/nope, expect: allow}\n- {from: x/y, to: ${WEB}, expect: allow}`),
    ).toThrowError(
      expect.objectContaining({
        problems: [
          expect.objectContaining({
            field: 'to',
            location: expect.objectContaining({ line: 1, column: 44 }),
          }),
          expect.objectContaining({
            field: 'from',
            location: expect.objectContaining({ line: 2, column: 10 }),
          }),
        ],
      }),
    );
  });
});

describe('picocal policy test', () => {
  it('passes the example policy tests and writes a JUnit report CI parsers read', async () => {
    const junit = join(mkdtempSync(join(tmpdir(), 'picocal-junit-')), 'report.xml');
    const r = await runCli(['policy', 'test', `${EXAMPLE}/policy-tests.yaml`, '--junit', junit]);
    expect(r.stderr).toContain('12 passed, 0 failed, 12 total');
    expect(r.code).toBe(0);
    const parsed = parseJunit(junit);
    expect(parsed).toMatchObject({ tests: 12, failures: 0, suites: 1 });
    expect(parsed.cases.map((c) => c.failure)).toEqual(Array(12).fill(null));
  });

  it('exits 1 on a failed expectation, with the explanation as the JUnit failure message', async () => {
    const file = tmp(
      'tests.yaml',
      `cluster: ${process.cwd()}/${EXAMPLE}/cluster.yaml\npolicies: ${process.cwd()}/${EXAMPLE}/policies\ntests:\n` +
        `- {name: 'web <&> "db"', from: ${WEB}, to: ${DB}, port: 5432, expect: allow}\n` +
        `- {from: ${WEB}, to: ${API}, port: 8080, expect: allow}\n`,
    );
    const junit = `${file}.xml`;
    const r = await runCli(['policy', 'test', file, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL +web <&> "db" +TCP\/5432 +allow +deny +end of tier 'default'/m);
    expect(r.stdout).toContain(`FAIL web <&> "db" (${file}:4:3)`);
    const parsed = parseJunit(junit);
    expect(parsed).toMatchObject({ tests: 2, failures: 1 });
    expect(parsed.cases[0]?.name).toBe('web <&> "db"');
    expect(parsed.cases[0]?.failure).toMatch(
      /^expected allow, got deny: .*\negress from frontend\/web-6b7f9c8d5-2lx9p: denied by end of tier/,
    );
    expect(parsed.cases[1]?.failure).toBeNull();
  });

  it('prints one JSON document with --output json', async () => {
    const r = await runCli(['policy', 'test', `${EXAMPLE}/policy-tests.yaml`, '--output', 'json']);
    const doc = JSON.parse(r.stdout) as { summary: unknown; results: { location: string; actual: string }[] };
    expect(doc.summary).toEqual({ total: 12, passed: 12, failed: 0 });
    expect(doc.results[0]).toMatchObject({ location: `${EXAMPLE}/policy-tests.yaml:8:5`, actual: 'allow' });
  });

  it('lets --cluster and --policies replace the paths the file names', async () => {
    const file = tmp('tests.yaml', `- {from: ${WEB}, to: ${API}, port: 8080, expect: allow}\n`);
    const without = await runCli(['policy', 'test', file]);
    expect(without.code).toBe(2);
    expect(without.stderr).toContain('names no cluster or policies');
    const r = await runCli([
      'policy',
      'test',
      file,
      '--cluster',
      `${EXAMPLE}/cluster.yaml`,
      '--policies',
      `${EXAMPLE}/policies`,
    ]);
    expect(r.code).toBe(0);
  });

  it.each([
    ['a YAML syntax error', '- {from: a, to: b, expect: allow\n', 'not valid YAML'],
    [
      'a port out of range',
      `- {from: ${WEB}, to: ${API}, port: 70000, expect: allow}\n`,
      ':1:79 port: ' + `${WEB} → ${API} TCP/70000 allow: '70000' is not a port`,
    ],
    [
      'a pod that does not exist',
      `- {from: frontend/web-0, to: ${API}, expect: allow}\n`,
      ':1:10 from: frontend/web-0',
    ],
  ])('exits 2 on %s and writes no report', async (_, text, message) => {
    const file = tmp('tests.yaml', text);
    const junit = `${file}.xml`;
    const r = await runCli([
      'policy',
      'test',
      file,
      '--cluster',
      `${EXAMPLE}/cluster.yaml`,
      '--junit',
      junit,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(() => readFileSync(junit)).toThrow();
  });
});
