// The one path every change to a board or the cluster takes (k0sctl's `Wet(host, msg, fn)`): state-changing
// SSH commands, ansible-playbook runs, kubectl apply/delete, taking and releasing the cluster lock. A real
// run says the change (the line starts with the board's name), makes it, and records it (the run folder's
// changes.jsonl); --dry-run records a plan entry instead and makes nothing. Read-only checks run for real in
// both: a dry run records their verdict in the plan, a real run stops on the first that fails. So the plan
// printed is what the real run would do, and a dry run's change list is the real run's.
import { appendFileSync } from 'node:fs';
import type { RunFolder } from './run-folder.js';

export interface PlanEntry {
  /** Board name, "cluster" for cluster-wide steps, "local" for this machine. */
  target: string;
  action: string;
  /** --dry-run evaluated this check: PASS, or what the real run would do instead. */
  verdict?: 'PASS' | 'WOULD BE REFUSED' | 'WOULD FAIL' | 'WOULD DOWNLOAD';
  /** The exit code the real run would have because of this check (refused: 2, or the failure's). */
  exitCode?: number;
}

/** One change, as a dry run plans it and a real run makes it. */
export interface Change {
  target: string;
  action: string;
}

export interface MadeChange extends Change {
  at: string;
  ok: boolean;
  error?: string;
}

export interface ChangeOptions {
  /**
   * What the plan shows for this change (default: the change itself): the entries describing it, or a
   * read-only check that evaluates whether the real run could make it. Only called in a dry run.
   */
  plan?: () => PlanEntry[] | Promise<PlanEntry[]>;
  /** The real run does not say the change (its own progress view or a line after it does). */
  quiet?: boolean;
}

export interface ChangesOptions {
  dryRun: boolean;
  /** Says each change a real run makes. */
  say?: (line: string) => void;
  /** Records each change a real run made or attempted (the run folder's changes.jsonl). */
  record?: (change: MadeChange) => void;
}

export class Changes {
  /** The plan a dry run prints: checks with their verdicts, and the changes (or what describes them). */
  readonly planned: PlanEntry[] = [];
  /** Dry run: the changes the real run would make; real run: the changes made (or attempted), in order. */
  readonly list: Change[] = [];
  readonly dryRun: boolean;

  constructor(private readonly opts: ChangesOptions) {
    this.dryRun = opts.dryRun;
  }

  async make(
    target: string,
    action: string,
    fn: () => Promise<void>,
    opts: ChangeOptions = {},
  ): Promise<void> {
    this.list.push({ target, action });
    if (this.dryRun) {
      this.planned.push(...(opts.plan ? await opts.plan() : [{ target, action }]));
      return;
    }
    if (!opts.quiet) this.opts.say?.(`[${target}] ${action}`);
    try {
      await fn();
    } catch (err) {
      this.opts.record?.({ target, action, at: new Date().toISOString(), ok: false, error: messageOf(err) });
      throw err;
    }
    this.opts.record?.({ target, action, at: new Date().toISOString(), ok: true });
  }

  /**
   * A read-only check, run for real in both modes. `evaluate` returns the plan entries with their
   * verdicts and, if the real run would stop here, the error it stops with: a dry run records the entries
   * and goes on, a real run throws that error.
   */
  async check(evaluate: () => Promise<CheckResult>): Promise<void> {
    const { entries, error, passed } = await evaluate();
    if (this.dryRun) {
      this.planned.push(...entries);
      return;
    }
    if (error !== undefined) throw error;
    passed?.();
  }

  /**
   * A step that changes no board and not the cluster: it fetches release files, or watches changes take
   * effect (the upgrade's gate, bootstrap's verify). A dry run lists it (`plan` may evaluate it read-only,
   * e.g. look the release files up without downloading); a real run runs it. It is not in the change list.
   */
  async step(plan: () => PlanEntry[] | Promise<PlanEntry[]>, fn: () => Promise<void>): Promise<void> {
    if (this.dryRun) {
      this.planned.push(...(await plan()));
      return;
    }
    await fn();
  }
}

export interface CheckResult {
  entries: PlanEntry[];
  /** Set when the real run would stop at this check. */
  error?: unknown;
  /** What a real run says when the check passes (a dry run's plan says it instead). */
  passed?: () => void;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The Changes of a workflow run: a real run says each change and records it in the run folder's
 *  changes.jsonl (what `test/lab/ac-plan-vs-run.test.ts` compares with a dry run's list). */
export function runChanges(dryRun: boolean, run: RunFolder, say: (line: string) => void): Changes {
  return new Changes({
    dryRun,
    say,
    record: (c) => appendFileSync(run.file('changes.jsonl'), JSON.stringify(c) + '\n'),
  });
}
