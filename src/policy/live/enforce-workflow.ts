// `policy enforce --live` as a workflow: read the cluster, choose the staged policies, plan the steps,
// and run the policy tests against the cluster as it would be with them enforced (all read-only:
// checkLiveEnforce); then, only if the CLI goes on, apply the steps (applyLiveEnforce, the one place
// that changes the cluster, through applyStep). The CLI (src/cli/commands/policy-enforce.ts) reads the
// flags, prints, and maps the outcome to an exit code.
import { buildPolicySet } from '../load/policy-set.js';
import { runExpectations, type TestResult } from '../test/run.js';
import { readTestFile } from '../test/spec.js';
import { applyStep, isStaged, planEnforce, stepText, type EnforcePlan } from './enforce.js';
import { afterEnforce, selectStaged } from './enforce-selection.js';
import { fetchLive } from './fetch.js';
import type { KubectlTarget } from './kubectl.js';

export interface LiveEnforceRequest {
  target: KubectlTarget;
  /** The policy test file that must pass, as the user named it (relative to cwd). */
  testsFile: string;
  cwd: string;
  /** `-n NS`: only the staged policies of these namespaces (none: all). */
  namespaces: readonly string[];
  /** `name` or `namespace/name` of the staged policies to enforce (none: all). */
  names: readonly string[];
}

/** Where the workflow's notes go (the CLI's Output). */
export interface LiveEnforceLog {
  warn(line: string): void;
  detail(line: string): void;
}

export interface LiveEnforceCheck {
  plan: EnforcePlan;
  /** Staged policies the choice left alone. */
  leftStaged: string[];
  /** The staged policies chosen for enforcing (the staged-impact gate looks at their flows). */
  selected: ReturnType<typeof selectStaged>['selected'];
  results: TestResult[];
  /** Names of the failing expectations: enforcing is refused when there is any. */
  failing: string[];
}

/** Everything before a change: nothing on the cluster is changed here. */
export async function checkLiveEnforce(
  req: LiveEnforceRequest,
  log: LiveEnforceLog,
): Promise<LiveEnforceCheck> {
  const spec = readTestFile(req.testsFile, req.cwd);
  if (spec.cluster.length || spec.policies.length)
    log.detail(`note: ${req.testsFile} names cluster/policies files: --live uses the cluster instead`);

  const snapshot = await fetchLive(req.target);
  for (const w of snapshot.warnings) log.warn(w);
  const choice = selectStaged(snapshot.objects.filter(isStaged), req.namespaces, req.names);
  for (const k of choice.kept) log.warn(`left staged: ${k}`);
  const plan = planEnforce(choice.selected);
  for (const s of plan.skipped) log.warn(`left staged: ${s}`);
  // The tests run against the cluster as it would be: the chosen policies enforced, the others staged.
  const set = buildPolicySet(afterEnforce(snapshot.objects, choice.selected));
  for (const n of set.notes) log.detail(`note: ${n}`);

  const results = runExpectations(set, spec.expectations);
  const failing = results.filter((r) => !r.passed).map((r) => r.expectation.name);
  return { plan, leftStaged: choice.kept, selected: choice.selected, results, failing };
}

/** Applies the plan's steps in order (in a dry run: none); `onStep` hears each one as it is done. */
export async function applyLiveEnforce(
  target: KubectlTarget,
  plan: EnforcePlan,
  dryRun: boolean,
  onStep: (text: string) => void,
): Promise<string[]> {
  const done: string[] = [];
  for (const step of plan.steps) {
    await applyStep(target, step, dryRun);
    done.push(stepText(step));
    onStep(stepText(step));
  }
  return done;
}
