// A workflow is an ordered list of phases (after k0sctl): each has a title and `run`; `plan` says what
// it would do per board instead, which is all `--dry-run` calls. Phases share one context object.

import type { PlanEntry } from './changes.js';

export type { PlanEntry };

export interface Phase<C> {
  title: string;
  /** Skip the phase for this run (e.g. nothing to do). */
  shouldRun?(ctx: C): boolean;
  plan(ctx: C): PlanEntry[] | Promise<PlanEntry[]>;
  /** --dry-run: the phase's read-only checks, evaluated (in place of `plan`). */
  dryCheck?(ctx: C): Promise<PlanEntry[]>;
  run(ctx: C): Promise<void>;
}

export interface PhaseRunOptions {
  dryRun: boolean;
  signal: AbortSignal;
  log: (line: string) => void;
}

export async function runPhases<C>(phases: Phase<C>[], ctx: C, opts: PhaseRunOptions): Promise<PlanEntry[]> {
  const plan: PlanEntry[] = [];
  for (const phase of phases) {
    if (opts.signal.aborted) break;
    if (phase.shouldRun && !phase.shouldRun(ctx)) continue;
    if (opts.dryRun) {
      plan.push(...(await (phase.dryCheck ? phase.dryCheck(ctx) : phase.plan(ctx))));
      continue;
    }
    opts.log(`==> ${phase.title}`);
    await phase.run(ctx);
  }
  return plan;
}
