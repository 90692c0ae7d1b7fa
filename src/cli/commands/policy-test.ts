// `picocal policy test FILE`: policy tests as code. Each expectation (from, to, port, expect) is
// evaluated against a cluster snapshot and the policy files, as calico-validate would; exit 0 when all
// pass, 1 when any fails, 2 when the input is bad. No cluster is needed, so CI can run it.
import { resolve } from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { loadPolicySet } from '../../policy/load/policy-set.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { junitXml } from '../../policy/test/junit.js';
import { resultsJson, resultsText, summaryLine } from '../../policy/test/render.js';
import { runExpectations } from '../../policy/test/run.js';
import { readTestFile } from '../../policy/test/spec.js';
import { LIVE_OPTIONS } from '../options/live.js';
import { POLICY_INPUT_OPTIONS } from '../policy-input-options.js';
import { livePolicySet, wantsLive } from '../policy-source.js';
import { flag, listOption, stringOption, type Command } from '../command.js';

export const policyTest: Command = {
  name: 'policy test',
  summary: 'check expected allowed and denied traffic against the policies, with a JUnit report for CI',
  args: 'FILE',
  description:
    'FILE is a YAML list of expectations {name?, from, to, namespace?, port?, protocol?, expect: allow|deny},\n' +
    'or a mapping {cluster: PATH(S), policies: PATH(S), tests: [...]} whose paths are relative to FILE.\n' +
    'from/to are pods (`pod` in namespace, default `default`; or `namespace/pod`) or IP addresses outside\n' +
    'the cluster. --cluster/--policies replace the paths the file names; --live tests the cluster kubectl\n' +
    'reaches instead (its pods, namespaces and policies).',
  options: {
    ...POLICY_INPUT_OPTIONS,
    ...LIVE_OPTIONS,
    junit: { type: 'string', arg: 'FILE', description: 'also write a JUnit XML report to FILE' },
    staged: {
      type: 'boolean',
      description: 'evaluate as if the staged policies were enforced (what `policy enforce` would do)',
    },
  },
  examples: [
    'picocal policy test examples/policies/policy-tests.yaml',
    'picocal policy test tests.yaml --cluster cluster.yaml --policies policies/ --junit policy-tests.xml',
    'picocal policy test tests.yaml --live --context pi-cluster',
  ],
  async run(ctx) {
    const [file, ...extra] = ctx.positionals;
    if (!file || extra.length)
      throw new UsageError('expected one FILE', "e.g. 'picocal policy test policy-tests.yaml'");
    const started = performance.now();
    const spec = readTestFile(file, ctx.cwd);
    const cluster = listOption(ctx, 'cluster');
    const policies = listOption(ctx, 'policies');
    const live = wantsLive(ctx, [...cluster, ...policies]);
    if (live && (spec.cluster.length || spec.policies.length))
      ctx.out.detail(`note: ${file} names cluster/policies files: --live reads the cluster instead`);
    const paths = [
      ...(cluster.length ? cluster : spec.cluster),
      ...(policies.length ? policies : spec.policies),
    ];
    if (!paths.length && !live)
      throw new UsageError(
        `${file} names no cluster or policies`,
        'add `cluster:` and `policies:` to the file, pass --cluster FILE --policies DIR, or test the cluster itself with --live',
      );
    const set = live ? await livePolicySet(ctx) : loadPolicySet(paths, ctx.cwd);
    for (const n of set.notes) ctx.out.detail(`note: ${n}`);
    const staged = flag(ctx, 'staged');
    if (staged && !set.stagedPolicies) ctx.out.warn('--staged: the policies include no staged policy');
    const results = runExpectations(
      { ...set, policies: staged ? (set.stagedPolicies ?? set.policies) : set.policies },
      spec.expectations,
    );
    const junit = stringOption(ctx, 'junit');
    if (junit) {
      const seconds = (performance.now() - started) / 1000;
      writeFileAtomic(resolve(ctx.cwd, junit), junitXml(file, results, seconds, new Date()));
      ctx.out.detail(`wrote ${junit}`);
    }
    ctx.out.json(resultsJson(file, results));
    for (const line of resultsText(results)) ctx.out.print(line);
    if (ctx.global.output === 'text') ctx.out.info(summaryLine(results));
    return results.every((r) => r.passed) ? EXIT.ok : EXIT.failed;
  },
};
