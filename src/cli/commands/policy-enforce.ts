// `picocal policy enforce FILE|DIR`: turn staged policies into the kinds Calico enforces. A staged
// policy with stagedAction Set replaces the enforced policy of the same name; Delete removes it.
// With --live the staged policies of the cluster itself are enforced, but only once the policy tests
// pass against the cluster as it would be with them enforced.
import { EXIT, UsageError } from '../../errors.js';
import { resultsJson, resultsText, summaryLine } from '../../ops/policy-test/render.js';
import { runExpectations } from '../../ops/policy-test/run.js';
import { readTestFile } from '../../ops/policy-test/spec.js';
import {
  applyStep,
  fetchLive,
  isStaged,
  LIVE_OPTIONS,
  liveTarget,
  planEnforce,
  stepText,
} from '../../policy/live/index.js';
import { buildPolicySet } from '../../policy/load/policy-set.js';
import { flag, stringOption, type Command, type CommandContext } from '../command.js';
import { CONVERSION_OPTIONS, runConversion } from './policy-stage.js';

async function runLiveEnforce(ctx: CommandContext): Promise<number> {
  if (ctx.positionals.length)
    throw new UsageError('--live enforces the staged policies of the cluster: drop the FILE|DIR arguments');
  if (stringOption(ctx, 'out') || flag(ctx, 'in-place'))
    throw new UsageError('--out and --in-place write files: they do not go with --live');
  const testsFile = stringOption(ctx, 'tests');
  if (!testsFile)
    throw new UsageError(
      '--live needs --tests FILE',
      'enforcing on a live cluster is gated on a passing `picocal policy test` run: name the test file',
    );
  const dryRun = flag(ctx, 'dry-run');
  const spec = readTestFile(testsFile, ctx.cwd);
  if (spec.cluster.length || spec.policies.length)
    ctx.out.detail(`note: ${testsFile} names cluster/policies files: --live uses the cluster instead`);

  const target = liveTarget(ctx);
  const snapshot = await fetchLive(target);
  for (const w of snapshot.warnings) ctx.out.warn(w);
  const set = buildPolicySet(snapshot.objects);
  for (const n of set.notes) ctx.out.detail(`note: ${n}`);
  const plan = planEnforce(snapshot.objects.filter(isStaged));
  for (const s of plan.skipped) ctx.out.warn(`left staged: ${s}`);

  const results = runExpectations(
    { ...set, policies: set.stagedPolicies ?? set.policies },
    spec.expectations,
  );
  const failing = results.filter((r) => !r.passed).map((r) => r.expectation.name);
  const base = { live: true, dryRun, tests: resultsJson(testsFile, results) };
  if (failing.length) {
    ctx.out.json({
      ...base,
      enforced: false,
      refused: `policy tests fail: ${failing.join(', ')}`,
      steps: [],
    });
    for (const line of resultsText(results)) ctx.out.print(line);
    ctx.out.info(
      `refusing to enforce: ${failing.length} policy ${failing.length === 1 ? 'test fails' : 'tests fail'} ` +
        `with the staged policies enforced (${failing.join(', ')})`,
    );
    return EXIT.failed;
  }
  if (ctx.global.output === 'text') ctx.out.info(`policy tests: ${summaryLine(results)}`);
  if (!plan.steps.length) {
    ctx.out.json({ ...base, enforced: false, steps: [] });
    ctx.out.info('nothing to enforce: the cluster has no staged policies');
    return EXIT.ok;
  }
  const done: string[] = [];
  for (const step of plan.steps) {
    await applyStep(target, step, dryRun);
    done.push(stepText(step));
    ctx.out.print(`${dryRun ? 'would ' : ''}${stepText(step)}`);
  }
  ctx.out.json({ ...base, enforced: !dryRun, steps: done });
  if (ctx.global.output === 'text')
    ctx.out.info(
      `${dryRun ? 'dry run: would enforce' : 'enforced'} ${plan.enforced} staged ` +
        `${plan.enforced === 1 ? 'policy' : 'policies'}`,
    );
  return EXIT.ok;
}

export const policyEnforce: Command = {
  name: 'policy enforce',
  summary: 'convert Staged* policies to the kinds Calico enforces (files, or the cluster with --live)',
  args: '[FILE|DIR...]',
  description:
    'StagedNetworkPolicy → NetworkPolicy, StagedGlobalNetworkPolicy → GlobalNetworkPolicy, ' +
    'StagedKubernetesNetworkPolicy → networking.k8s.io/v1 NetworkPolicy. stagedAction Set replaces an enforced ' +
    'policy of the same name in the files; Delete removes it. The result is printed to stdout; --in-place replaces ' +
    'the files atomically, --out DIR writes converted copies there.\n' +
    'With --live --tests FILE: read the cluster with kubectl, run the policy tests as if its staged policies were ' +
    'enforced, and only when all pass apply the enforced kinds (server-side) and delete the staged ones.',
  options: {
    ...CONVERSION_OPTIONS,
    ...LIVE_OPTIONS,
    tests: {
      type: 'string',
      arg: 'FILE',
      description: 'with --live: the policy tests that must pass (see `picocal policy test`)',
    },
    'dry-run': { type: 'boolean', description: 'with --live: print what would change, change nothing' },
  },
  examples: [
    'picocal policy enforce staged/web.yaml > web.yaml',
    'picocal policy enforce staged/ --in-place',
    'picocal policy enforce staged/ --out policies/',
    'picocal policy enforce --live --tests policy-tests.yaml --dry-run',
  ],
  async run(ctx) {
    if (flag(ctx, 'live')) return runLiveEnforce(ctx);
    for (const f of ['tests', 'kubeconfig', 'context'])
      if (stringOption(ctx, f) !== undefined) throw new UsageError(`--${f} needs --live`);
    if (flag(ctx, 'dry-run')) throw new UsageError('--dry-run needs --live (with files, use --out DIR)');
    return runConversion(ctx, 'enforce');
  },
};
