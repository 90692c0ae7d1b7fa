// `picocal ci init github|gitlab`: write the CI pipeline that lints the policies and runs the policy
// tests on every push, without a cluster. Never replaces an existing file unless --force.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import {
  CI_SYSTEMS,
  parseGitSource,
  pipelineFile,
  type CiSystem,
  type PicocalSource,
} from '../../generate/ci-pipeline.js';
import { writeNewFiles } from '../../generate/write-new-files.js';
import { flag, stringOption, type Command } from '../command.js';

export const ciInit: Command = {
  name: 'ci init',
  summary: 'write a GitHub Actions or GitLab CI pipeline that lints and tests the policies',
  args: 'github|gitlab',
  description:
    'GitHub: .github/workflows/picocal-policies.yml (lint with SARIF upload to code scanning, policy tests\n' +
    'with a JUnit report). GitLab: .gitlab-ci.yml (lint, and policy tests as a junit report). Paths are\n' +
    'relative to the repository root (--out). The pipeline builds picocal from source (it is on no package\n' +
    "registry): from the repository itself when that is picocal's own checkout, else from the commit\n" +
    '--picocal-git names; npm installs its dependencies from package-lock.json with install scripts off.\n' +
    'GitHub jobs get read-only tokens; only the job that uploads the SARIF, which runs no repository code,\n' +
    'may write security events.',
  options: {
    out: { type: 'string', arg: 'DIR', default: '.', description: 'repository root to write into' },
    policies: { type: 'string', arg: 'DIR', default: 'policies', description: 'policy folder to lint' },
    tests: {
      type: 'string',
      arg: 'FILE',
      default: 'policy-tests.yaml',
      description: 'policy test file (see `picocal policy test`)',
    },
    cluster: {
      type: 'string',
      arg: 'FILE',
      description: 'cluster snapshot for the tests, when the test file names none',
    },
    'picocal-git': {
      type: 'string',
      arg: 'URL#COMMIT',
      description: 'build picocal from this git commit (full hash) instead of the repository itself',
    },
    force: { type: 'boolean', description: 'replace an existing pipeline file' },
  },
  examples: [
    'picocal ci init github',
    'picocal ci init gitlab --policies k8s/policies --tests k8s/policy-tests.yaml',
    'picocal ci init github --picocal-git https://github.com/OWNER/picocal.git#COMMIT',
  ],
  async run(ctx) {
    const [system, ...extra] = ctx.positionals;
    if (!system || extra.length || !CI_SYSTEMS.includes(system as CiSystem))
      throw new UsageError(
        system ? `unknown CI system '${system}'` : 'which CI system?',
        `write 'picocal ci init github' or 'picocal ci init gitlab'`,
      );
    const out = stringOption(ctx, 'out') ?? '.';
    const options = {
      policies: stringOption(ctx, 'policies') ?? 'policies',
      tests: stringOption(ctx, 'tests') ?? 'policy-tests.yaml',
      cluster: stringOption(ctx, 'cluster'),
    };
    const source = picocalSource(stringOption(ctx, 'picocal-git'), resolve(ctx.cwd, out));
    for (const [what, path] of Object.entries(options))
      if (path !== undefined && !existsSync(resolve(ctx.cwd, out, path)))
        ctx.out.warn(`${what} '${path}' does not exist under ${out}: the pipeline will fail until it does`);
    const file = pipelineFile(system as CiSystem, { ...options, source });
    const written = writeNewFiles([file], out, ctx.cwd, flag(ctx, 'force'));
    ctx.out.json({ system, files: written });
    for (const w of written) ctx.out.print(`wrote ${w}`);
    return EXIT.ok;
  },
};

function isPicocalCheckout(repo: string): boolean {
  try {
    return (
      (JSON.parse(readFileSync(resolve(repo, 'package.json'), 'utf8')) as { name?: unknown }).name ===
      'picocal'
    );
  } catch {
    return false;
  }
}

/** picocal is on no registry: the pipeline builds it from this repository or from a pinned commit. */
function picocalSource(gitSpec: string | undefined, repo: string): PicocalSource {
  if (gitSpec !== undefined) {
    const source = parseGitSource(gitSpec);
    if (typeof source === 'string')
      throw new UsageError(
        `--picocal-git: ${source}`,
        'e.g. --picocal-git https://github.com/OWNER/picocal.git#<commit>',
      );
    return source;
  }
  if (isPicocalCheckout(repo)) return { kind: 'this-repository' };
  throw new UsageError(
    `${repo} is not a picocal checkout, and picocal is not published on a package registry: ` +
      'the pipeline must build it from source you pinned',
    'pass --picocal-git URL#COMMIT (the full commit hash of the picocal version to run), ' +
      "or run 'ci init' for picocal's own repository",
  );
}
