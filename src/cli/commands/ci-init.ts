// `picocal ci init github|gitlab`: write the CI pipeline that lints the policies and runs the policy
// tests on every push, without a cluster. Never replaces an existing file unless --force.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { CI_SYSTEMS, pipelineFile, type CiSystem } from '../../ops/ci/pipeline.js';
import { writeNewFiles } from '../../ops/write-new-files.js';
import { flag, stringOption, type Command } from '../command.js';

export const ciInit: Command = {
  name: 'ci init',
  summary: 'write a GitHub Actions or GitLab CI pipeline that lints and tests the policies',
  args: 'github|gitlab',
  description:
    'GitHub: .github/workflows/picocal-policies.yml (lint with SARIF upload to code scanning, policy tests\n' +
    'with a JUnit report). GitLab: .gitlab-ci.yml (lint, and policy tests as a junit report). Paths are\n' +
    'relative to the repository root (--out).',
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
    force: { type: 'boolean', description: 'replace an existing pipeline file' },
  },
  examples: [
    'picocal ci init github',
    'picocal ci init gitlab --policies k8s/policies --tests k8s/policy-tests.yaml',
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
    for (const [what, path] of Object.entries(options))
      if (path !== undefined && !existsSync(resolve(ctx.cwd, out, path)))
        ctx.out.warn(`${what} '${path}' does not exist under ${out}: the pipeline will fail until it does`);
    const file = pipelineFile(system as CiSystem, options);
    const written = writeNewFiles([file], out, ctx.cwd, flag(ctx, 'force'));
    ctx.out.json({ system, files: written });
    for (const w of written) ctx.out.print(`wrote ${w}`);
    return EXIT.ok;
  },
};
