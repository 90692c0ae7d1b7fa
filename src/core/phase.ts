// A workflow is one ordered list of phases (after k0sctl's phase/manager.go): each has a title and `run`,
// may skip itself (`shouldRun`), and may undo what it started (`cleanUp`, called by the manager when a
// later phase fails). A phase never decides between a real run and --dry-run: every change it makes goes
// through ctx.changes (src/core/changes.ts), which records a plan entry instead in a dry run.

export interface Phase<C> {
  title: string;
  /** Skip the phase for this run (e.g. nothing to do); asked just before it would run. */
  shouldRun?(ctx: C): boolean;
  run(ctx: C): Promise<void>;
  /** Undo what this phase started: called, in reverse order, for every started phase when one fails. */
  cleanUp?(ctx: C, cause: unknown): Promise<void>;
}
