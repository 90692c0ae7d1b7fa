// The pipelines `picocal ci init` writes, run for real: every `run:`/`script:` line of the generated file
// is executed by bash in a fresh clone of this repository (GitHub, picocal built from the repository
// itself) or in a policy repository that builds picocal from a pinned commit of that clone (GitLab). So
// the install (git, `npm ci` from the lockfile, the build) and the picocal commands are the ones CI runs.
// Slow (two npm installs and builds): kept to one file so the rest of ci init's tests stay fast.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';
import { parseJunit } from '../../helpers/xml-check.js';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
type Workflow = { jobs: Record<string, { steps: Step[] }> };

const EXAMPLE_FLAGS = ['--policies', 'examples/policies', '--tests', 'examples/policies/policy-tests.yaml'];
const tmp = mkdtempSync(join(tmpdir(), 'picocal-ci-run-'));
const clone = join(tmp, 'picocal');
let env: Record<string, string>;

beforeAll(async () => {
  await execa('git', ['clone', '--quiet', resolve('.'), clone]);
  // As on a runner's first lint: Calico's CRD manifest (sha256-pinned) is in picocal's download cache,
  // so no GitHub download is needed here. npm may use its cache; the lockfile's integrity still applies.
  const cache = join(tmp, 'cache');
  const manifest = 'v3.32.1/manifests/v1_crd_projectcalico_org.yaml';
  cpSync(join('../shared/calico', manifest), join(cache, 'picocal/artifacts', manifest));
  env = { XDG_CACHE_HOME: cache, npm_config_prefer_offline: 'true', CI: 'true' };
}, 300_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** One shell step, as the runner runs it (GitHub's `bash -e -o pipefail`; GitLab stops at a failing line). */
async function shellStep(script: string, cwd: string): Promise<void> {
  const r = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], {
    cwd,
    env,
    reject: false,
    all: true,
  });
  expect(r.exitCode, `${script}\n${r.all}`).toBe(0);
}

describe('generated pipelines, executed', () => {
  it('github: the lint and test jobs build picocal from this repository and pass on the examples', async () => {
    const r = await runCli(['ci', 'init', 'github', ...EXAMPLE_FLAGS], { cwd: clone });
    expect(r.code, r.stderr).toBe(0);
    const wf = load(readFileSync(join(clone, '.github/workflows/picocal-policies.yml'), 'utf8')) as Workflow;
    const runs = (job: string) => (wf.jobs[job]?.steps ?? []).flatMap((s) => (s.run ? [s.run] : []));
    const [lintInstall, lint, ...restLint] = runs('lint');
    const [testInstall, test, ...restTest] = runs('test');
    expect([restLint, restTest]).toEqual([[], []]);
    // Both jobs prepare the same way: run the install once for both.
    expect(testInstall).toBe(lintInstall);
    expect(lintInstall).not.toMatch(/npx|picocal@/);
    await shellStep(lintInstall ?? '', clone);
    await shellStep(lint ?? '', clone);
    await shellStep(test ?? '', clone);

    // What the `uses:` steps hand on exists: the SARIF the upload job downloads, the JUnit report.
    const upload = (job: string) =>
      wf.jobs[job]?.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    const download = wf.jobs['upload-sarif']?.steps.find((s) =>
      s.uses?.startsWith('actions/download-artifact'),
    );
    expect(download?.with?.['name']).toBe(upload('lint')?.with?.['name']);
    const sarif = JSON.parse(readFileSync(join(clone, String(upload('lint')?.with?.['path'])), 'utf8')) as {
      version: string;
    };
    expect(sarif.version).toBe('2.1.0');
    expect(parseJunit(join(clone, String(upload('test')?.with?.['path'])))).toMatchObject({
      tests: 12,
      failures: 0,
    });
  }, 900_000);

  it('gitlab: a policy repository builds picocal from a pinned commit and both jobs pass', async () => {
    const repo = join(tmp, 'policies-repo');
    cpSync('examples/policies', join(repo, 'examples/policies'), { recursive: true });
    const commit = (await execa('git', ['-C', clone, 'rev-parse', 'HEAD'])).stdout.trim();
    const r = await runCli([
      'ci',
      'init',
      'gitlab',
      '--out',
      repo,
      '--picocal-git',
      `file://${clone}#${commit}`,
      ...EXAMPLE_FLAGS,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const ci = load(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { script: string[] }
    >;
    const lint = ci['picocal-policy-lint']?.script ?? [];
    const test = ci['picocal-policy-test']?.script ?? [];
    expect(test.slice(0, -1)).toEqual(lint.slice(0, -1));
    for (const line of lint) await shellStep(line, repo);
    await shellStep(test.at(-1) ?? '', repo);
    expect((await execa('git', ['-C', join(repo, '.picocal-src'), 'rev-parse', 'HEAD'])).stdout).toBe(commit);
    expect(existsSync(join(repo, 'picocal-lint.sarif'))).toBe(true);
    expect(parseJunit(join(repo, 'picocal-policy-tests.xml'))).toMatchObject({ tests: 12, failures: 0 });
  }, 900_000);
});
