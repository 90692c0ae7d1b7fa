// Runs a workflow's ordered phase list (after k0sctl's phase.Manager): each phase's title is reported
// (`==> title`) before it runs, a phase whose shouldRun says no is skipped, Ctrl-C stops before the next
// phase, and after each phase an optional hook runs (the upgrade saves its run state there). When a phase
// fails, the phases that started are cleaned up in reverse order (the one that failed first), and the
// first error is rethrown; a cleanUp that fails itself is reported and does not hide that error.
import type { Phase } from './phase.js';

export interface PhaseManagerOptions<C> {
  signal: AbortSignal;
  /** Says each phase's title; omitted, titles are not said (a dry run prints only its plan). */
  say?: (line: string) => void;
  /** After a phase finished without error (and before the next one starts). */
  afterPhase?: (phase: Phase<C>, ctx: C) => void | Promise<void>;
  /** A cleanUp that failed: reported, never thrown over the error that caused it. */
  onCleanUpError?: (phase: Phase<C>, err: unknown) => void;
}

export async function runPhases<C>(
  phases: readonly Phase<C>[],
  ctx: C,
  opts: PhaseManagerOptions<C>,
): Promise<void> {
  const started: Phase<C>[] = [];
  try {
    for (const phase of phases) {
      if (opts.signal.aborted) return;
      if (phase.shouldRun && !phase.shouldRun(ctx)) continue;
      opts.say?.(`==> ${phase.title}`);
      started.push(phase);
      await phase.run(ctx);
      await opts.afterPhase?.(phase, ctx);
    }
  } catch (err) {
    for (const phase of started.reverse()) {
      if (!phase.cleanUp) continue;
      try {
        await phase.cleanUp(ctx, err);
      } catch (cleanUpErr) {
        opts.onCleanUpError?.(phase, cleanUpErr);
      }
    }
    throw err;
  }
}
