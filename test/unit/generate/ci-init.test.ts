import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { parseJunit } from '../../helpers/xml-check.js';

type Json = Record<string, unknown>;
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Json;
  if?: string;
}

/** Split a POSIX command line as the pipeline's shell would, for the subset picocal writes. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /\s*((?:[A-Za-z0-9_@%+:,./=-]+|'[^']*'|\\')+)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) && m[1]) {
    words.push(m[1].replace(/'([^']*)'|\\'/g, (_, q: string | undefined) => q ?? "'"));
    if (re.lastIndex === line.length) break;
  }
  if (words.join('').length === 0 || re.lastIndex !== line.length) throw new Error(`cannot split: ${line}`);
  return words;
}

/** Run a pipeline command in-process: `node <picocal source>/dist/src/cli/picocal.js ARGS` becomes `picocal ARGS`. */
async function runPipelineCommand(line: string, cwd: string) {
  const [node, script, ...argv] = shellWords(line);
  expect(node).toBe('node');
  expect(script).toMatch(/^(\.picocal-src\/)?dist\/src\/cli\/picocal\.js$/);
  return runCli(argv, { cwd });
}

/** A repository holding the project's example policies under `examples/policies`. */
function exampleRepo(): string {
  const repo = mkdtempSync(join(tmpdir(), 'picocal-ci-'));
  cpSync('examples/policies', join(repo, 'examples/policies'), { recursive: true });
  return repo;
}

// The pipelines build picocal from a pinned commit: these tests run the commands in-process instead
// (ci-pipeline-run.test.ts runs the whole pipeline for real).
const COMMIT = 'a'.repeat(40);
const GIT = ['--picocal-git', `https://github.com/example/picocal.git#${COMMIT}`];

const EXAMPLE_FLAGS = ['--policies', 'examples/policies', '--tests', 'examples/policies/policy-tests.yaml'];

// A CI runner's picocal downloads Calico's CRD manifest (sha256-checked) into ~/.cache/picocal; here the
// cache already holds the real release file, so the pipeline's lint checks the schemas without network.
const savedCache = process.env['XDG_CACHE_HOME'];
beforeAll(() => {
  const cache = mkdtempSync(join(tmpdir(), 'picocal-ci-cache-'));
  const manifest = 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml';
  cpSync(join('../shared/calico', manifest), join(cache, 'picocal/artifacts', manifest));
  process.env['XDG_CACHE_HOME'] = cache;
});
afterAll(() => {
  if (savedCache === undefined) delete process.env['XDG_CACHE_HOME'];
  else process.env['XDG_CACHE_HOME'] = savedCache;
});

async function init(system: string, repo: string, ...flags: string[]) {
  return runCli(['ci', 'init', system, '--out', repo, ...GIT, ...flags]);
}

function workflowOf(repo: string) {
  return load(readFileSync(join(repo, '.github/workflows/picocal-policies.yml'), 'utf8')) as Json & {
    permissions: Json;
    jobs: Record<string, { permissions: Json; needs?: string; steps: Step[] }>;
  };
}

/** Every shell command of the workflow, job by job. */
function runLines(steps: Step[]): string[] {
  return steps.flatMap((s) => (s.run ? s.run.split('\n') : []));
}

describe('picocal ci init github', () => {
  it('writes lint, SARIF upload and test jobs, each building picocal from the pinned commit', async () => {
    const repo = exampleRepo();
    const r = await init('github', repo, ...EXAMPLE_FLAGS);
    expect(r.code).toBe(0);
    const file = join(repo, '.github/workflows/picocal-policies.yml');
    expect(r.stdout).toBe(`wrote ${file}\n`);
    const wf = workflowOf(repo);
    expect(Object.keys(wf)).toEqual(expect.arrayContaining(['name', 'on', 'jobs', 'permissions']));
    expect(Object.keys(wf.jobs)).toEqual(['lint', 'upload-sarif', 'test']);
    const uses = (job: string) =>
      (wf.jobs[job]?.steps ?? []).flatMap((s) => (s.uses ? [s.uses.replace(/@.*/, '')] : []));
    expect(uses('lint')).toEqual(['actions/checkout', 'actions/setup-node', 'actions/upload-artifact']);
    expect(uses('upload-sarif')).toEqual(['actions/download-artifact', 'github/codeql-action/upload-sarif']);
    expect(uses('test')).toEqual(['actions/checkout', 'actions/setup-node', 'actions/upload-artifact']);
    const sarifStep = wf.jobs['upload-sarif']?.steps.find((s) =>
      s.uses?.startsWith('github/codeql-action/upload-sarif'),
    );
    expect(sarifStep?.with?.['sarif_file']).toBe('picocal-lint.sarif');
    const install = [
      `git clone --quiet --no-checkout -- https://github.com/example/picocal.git .picocal-src`,
      `git -C .picocal-src checkout --quiet --detach ${COMMIT}`,
      'npm ci --ignore-scripts --no-audit --no-fund --prefix .picocal-src',
      'npm run --prefix .picocal-src build',
    ];
    expect(runLines(wf.jobs['lint']?.steps ?? []).slice(0, 4)).toEqual(install);
    expect(runLines(wf.jobs['test']?.steps ?? []).slice(0, 4)).toEqual(install);
    expect(shellWords(runLines(wf.jobs['lint']?.steps ?? [])[4] ?? '').slice(2, 4)).toEqual([
      'policy',
      'lint',
    ]);
    expect(shellWords(runLines(wf.jobs['test']?.steps ?? [])[4] ?? '').slice(2, 4)).toEqual([
      'policy',
      'test',
    ]);
  });

  it('gives every job the least privilege: only the SARIF upload, which runs no code, writes', async () => {
    const repo = exampleRepo();
    await init('github', repo, ...EXAMPLE_FLAGS);
    const wf = workflowOf(repo);
    expect(wf.permissions).toEqual({});
    expect(wf.jobs['lint']?.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs['test']?.permissions).toEqual({ contents: 'read' });
    expect(wf.jobs['upload-sarif']?.permissions).toEqual({
      contents: 'read',
      actions: 'read',
      'security-events': 'write',
    });
    expect(runLines(wf.jobs['upload-sarif']?.steps ?? [])).toEqual([]);
    expect(wf.jobs['upload-sarif']?.needs).toBe('lint');
    // The checkout leaves no token in .git/config for npm or picocal to read.
    for (const job of ['lint', 'test'])
      expect(wf.jobs[job]?.steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with).toEqual({
        'persist-credentials': false,
      });
  });

  it.each([
    ['github', 'a pinned commit', GIT],
    ['gitlab', 'a pinned commit', GIT],
    ['github', 'the repository itself', []],
    ['gitlab', 'the repository itself', []],
  ])('%s, picocal from %s: no package is fetched from a registry by name', async (system, _what, flags) => {
    const repo = exampleRepo();
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'picocal', version: '0.1.0' }));
    const r = await runCli(['ci', 'init', system, '--out', repo, ...flags]);
    expect(r.code, r.stderr).toBe(0);
    const text = readFileSync(
      join(repo, system === 'github' ? '.github/workflows/picocal-policies.yml' : '.gitlab-ci.yml'),
      'utf8',
    );
    expect(text).not.toMatch(/npx|picocal@|npm (install|i|exec)\b/);
    expect(text).toContain('npm ci --ignore-scripts');
  });

  it('pins every action to a full commit id, with its release tag in a comment', async () => {
    const repo = exampleRepo();
    await init('github', repo);
    const text = readFileSync(join(repo, '.github/workflows/picocal-policies.yml'), 'utf8');
    const lines = text.split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
    expect(lines.length).toBe(8);
    for (const line of lines) {
      // `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`: a tag or branch after @ could be moved to other code.
      expect(line).toMatch(/^\s*(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    // The comment is YAML's: the value GitHub reads is the bare pinned reference.
    const values = Object.values(workflowOf(repo).jobs).flatMap((j) =>
      j.steps.flatMap((s) => (s.uses ? [s.uses] : [])),
    );
    expect(values.length).toBe(8);
    for (const u of values) expect(u).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
  });

  it('runs green on the example policies: the commands it writes succeed', async () => {
    const repo = exampleRepo();
    await init('github', repo, ...EXAMPLE_FLAGS);
    const wf = workflowOf(repo);
    const runs = ['lint', 'test'].map((job) => runLines(wf.jobs[job]?.steps ?? []).at(-1) ?? '');
    for (const line of runs) {
      const r = await runPipelineCommand(line, repo);
      expect(r.code, `${line}\n${r.stderr}`).toBe(0);
    }
    const sarif = JSON.parse(readFileSync(join(repo, 'picocal-lint.sarif'), 'utf8')) as {
      version: string;
      runs: { properties: { calicoSchemas: { checked: boolean; calicoVersion: string } } }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.properties.calicoSchemas).toMatchObject({ checked: true, calicoVersion: '3.32.1' });
    expect(parseJunit(join(repo, 'picocal-policy-tests.xml'))).toMatchObject({ tests: 12, failures: 0 });
  });

  it('quotes folder names so the shell reads them as one argument', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'picocal-ci-'));
    cpSync('examples/policies/policies', join(repo, "team's policies"), { recursive: true });
    await init('github', repo, '--policies', "team's policies");
    const lint = workflowOf(repo).jobs['lint']?.steps.find((s) => s.name === 'Lint policies')?.run ?? '';
    expect(lint).toContain("'team'\\''s policies'");
    expect(shellWords(lint)).toContain("team's policies");
    const r = await runPipelineCommand(lint, repo);
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('picocal ci init gitlab', () => {
  it('writes lint and test jobs, the test job reporting JUnit, and both succeed on the examples', async () => {
    const repo = exampleRepo();
    const r = await init('gitlab', repo, ...EXAMPLE_FLAGS);
    expect(r.code).toBe(0);
    const ci = load(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { image: string; script: string[]; artifacts: Json }
    >;
    expect(Object.keys(ci)).toEqual(['picocal-policy-lint', 'picocal-policy-test']);
    const test = ci['picocal-policy-test'];
    expect(test?.artifacts).toEqual({ when: 'always', reports: { junit: 'picocal-policy-tests.xml' } });
    for (const job of Object.values(ci)) {
      expect(job.image).toMatch(/^node:\d+[\w.-]*$/);
      for (const line of job.script.slice(4)) {
        const run = await runPipelineCommand(line, repo);
        expect(run.code, `${line}\n${run.stderr}`).toBe(0);
      }
    }
    expect(existsSync(join(repo, 'picocal-policy-tests.xml'))).toBe(true);
  });
});

describe('picocal ci init, safety', () => {
  it('refuses to overwrite an existing pipeline unless --force', async () => {
    const repo = exampleRepo();
    const file = join(repo, '.gitlab-ci.yml');
    writeFileSync(file, 'mine: {}\n');
    const refused = await init('gitlab', repo);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to overwrite ${file}`);
    expect(readFileSync(file, 'utf8')).toBe('mine: {}\n');
    const forced = await init('gitlab', repo, '--force');
    expect(forced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('picocal-policy-test:');
  });

  it('refuses (exit 2, nothing written) when it cannot tell where the pipeline gets picocal', async () => {
    const repo = exampleRepo();
    const r = await runCli(['ci', 'init', 'github', '--out', repo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a picocal checkout, and picocal is not published on a package registry/);
    expect(r.stderr).toMatch(/hint: pass --picocal-git URL#COMMIT/);
    expect(existsSync(join(repo, '.github'))).toBe(false);
  });

  it.each([
    ['https://github.com/x/picocal.git', /names no commit by its full hash/],
    ['https://github.com/x/picocal.git#main', /names no commit by its full hash/],
    ['https://github.com/x/picocal.git#abc123', /names no commit by its full hash/],
    [`--upload-pack=touch /tmp/x#${'a'.repeat(40)}`, /is not an https:\/\/, ssh:\/\/, git@host:/],
    [`ext::sh -c id#${'a'.repeat(40)}`, /is not an https:\/\/, ssh:\/\/, git@host:/],
    [`http://example.com/p.git#${'a'.repeat(40)}`, /is not an https:\/\//],
  ])('refuses --picocal-git %s', async (spec, message) => {
    const repo = exampleRepo();
    const r = await runCli(['ci', 'init', 'gitlab', '--out', repo, `--picocal-git=${spec}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(existsSync(join(repo, '.gitlab-ci.yml'))).toBe(false);
  });

  it.each([[[]], [['jenkins']], [['github', 'gitlab']]])('rejects %j as the CI system', async (words) => {
    const r = await runCli(['ci', 'init', ...words, '--out', mkdtempSync(join(tmpdir(), 'picocal-ci-'))]);
    expect(r.code).toBe(2);
  });

  it('warns when the policy folder or test file does not exist', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'picocal-ci-'));
    const r = await init('github', repo);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("policies 'policies' does not exist");
    expect(r.stderr).toContain("tests 'policy-tests.yaml' does not exist");
  });

  it('adds --cluster and --policies to the test step when the test file names no cluster', async () => {
    const repo = exampleRepo();
    await init('gitlab', repo, '--cluster', 'examples/policies/cluster.yaml', ...EXAMPLE_FLAGS);
    const ci = load(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { script: string[] }
    >;
    expect(shellWords(ci['picocal-policy-test']?.script[4] ?? '').slice(2)).toEqual([
      'policy',
      'test',
      'examples/policies/policy-tests.yaml',
      '--cluster',
      'examples/policies/cluster.yaml',
      '--policies',
      'examples/policies',
      '--junit',
      'picocal-policy-tests.xml',
    ]);
  });
});
