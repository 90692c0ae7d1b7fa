// `picocal policy enforce FILE|DIR`: turn staged policies into the kinds Calico enforces. A staged
// policy with stagedAction Set replaces the enforced policy of the same name; Delete removes it.
// With --live the staged policies of the cluster itself are enforced, but only once the policy tests
// pass against the cluster as it would be with them enforced.
import { EXIT, UsageError } from '../../errors.js';
import { applyLiveEnforce, checkLiveEnforce } from '../../policy/live/enforce-workflow.js';
import { resultsJson, resultsText, summaryLine } from '../../policy/test/render.js';
import { flag, listOption, stringOption, type Command, type CommandContext } from '../command.js';
import { LIVE_OPTIONS, liveTarget } from '../options/live.js';
import { CONVERSION_OPTIONS, runConversion } from './policy-stage.js';
import { STAGED_IMPACT_OPTIONS, stagedImpactGate } from './policy-enforce-staged-impact.js';

async function runLiveEnforce(ctx: CommandContext): Promise<number> {
  if (stringOption(ctx, 'out') || flag(ctx, 'in-place'))
    throw new UsageError('--out and --in-place write files: they do not go with --live');
  const testsFile = stringOption(ctx, 'tests');
  if (!testsFile)
    throw new UsageError(
      '--live needs --tests FILE',
      'enforcing on a live cluster is gated on a passing `picocal policy test` run: name the test file',
    );
  const dryRun = flag(ctx, 'dry-run');
  const target = liveTarget(ctx);
  // Positionals name staged policies (`name` or `namespace/name`); -n narrows to namespaces.
  const namespaces = listOption(ctx, 'namespace');
  const check = await checkLiveEnforce(
    { target, testsFile, cwd: ctx.cwd, namespaces, names: ctx.positionals },
    { warn: (l) => ctx.out.warn(l), detail: (l) => ctx.out.detail(l) },
  );
  const { plan, results, failing } = check;
  const base = { live: true, dryRun, leftStaged: check.leftStaged, tests: resultsJson(testsFile, results) };
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
  const refused = await stagedImpactGate(ctx, target, check.selected, dryRun);
  if (refused !== undefined) return refused;
  if (!plan.steps.length) {
    ctx.out.json({ ...base, enforced: false, steps: [] });
    ctx.out.info(
      check.leftStaged.length || ctx.positionals.length || namespaces.length
        ? 'nothing to enforce: no staged policy matches (see the ones left staged above)'
        : 'nothing to enforce: the cluster has no staged policies',
    );
    return EXIT.ok;
  }
  const done = await applyLiveEnforce(target, plan, dryRun, (step) =>
    ctx.out.print(`${dryRun ? 'would ' : ''}${step}`),
  );
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
  args: '[FILE|DIR...|NAME...]',
  description:
    'StagedNetworkPolicy → NetworkPolicy, StagedGlobalNetworkPolicy → GlobalNetworkPolicy, ' +
    'StagedKubernetesNetworkPolicy → networking.k8s.io/v1 NetworkPolicy. stagedAction Set replaces an enforced ' +
    'policy of the same name in the files; Delete removes it. The result is printed to stdout; --in-place replaces ' +
    'the files atomically, --out DIR writes converted copies there.\n' +
    'With --live --tests FILE: read the cluster with kubectl, run the policy tests as if its staged policies were ' +
    'enforced, and only when all pass apply the enforced kinds (server-side) and delete the staged ones.\n' +
    'NAME (`name` or `namespace/name`) and -n NS choose which staged policies; the others stay staged, and the\n' +
    "tests run against the cluster as it would be. picocal's own baseline (label app.kubernetes.io/managed-by:\n" +
    "picocal) is never enforced here: its mode is the inventory's policy.mode.",
  options: {
    ...CONVERSION_OPTIONS,
    ...LIVE_OPTIONS,
    ...STAGED_IMPACT_OPTIONS,
    tests: {
      type: 'string',
      arg: 'FILE',
      description: 'with --live: the policy tests that must pass (see `picocal policy test`)',
    },
    'dry-run': { type: 'boolean', description: 'with --live: print what would change, change nothing' },
    namespace: {
      type: 'string',
      short: 'n',
      multiple: true,
      arg: 'NS',
      description: 'with --live: only the staged policies of this namespace',
    },
  },
  examples: [
    'picocal policy enforce staged/web.yaml > web.yaml',
    'picocal policy enforce staged/ --in-place',
    'picocal policy enforce staged/ --out policies/',
    'picocal policy enforce --live --tests policy-tests.yaml --dry-run',
    'picocal policy enforce --live -n shop --tests policy-tests.yaml',
    'picocal policy enforce --live shop/default-deny --tests policy-tests.yaml',
  ],
  async run(ctx) {
    if (flag(ctx, 'live')) return runLiveEnforce(ctx);
    for (const f of ['tests', 'kubeconfig', 'context', 'staged-impact'])
      if (stringOption(ctx, f) !== undefined) throw new UsageError(`--${f} needs --live`);
    if (flag(ctx, 'dry-run'))
      throw new UsageError(
        '--dry-run needs --live (with files, nothing is written without --in-place or --out)',
      );
    if (listOption(ctx, 'namespace').length)
      throw new UsageError('-n/--namespace needs --live', 'with files, name the files or folders to convert');
    return runConversion(ctx, 'enforce');
  },
};
