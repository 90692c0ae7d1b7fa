// The one path every change to the cluster takes. A real run logs the change (the line starts with the
// board's name) and makes it; --dry-run records it as a plan entry instead, so the plan printed is
// exactly the list of changes a real run would make.
import type { PlanEntry } from '../phases/phase.js';

export class Changes {
  readonly planned: PlanEntry[] = [];

  constructor(
    readonly dryRun: boolean,
    private readonly log: (line: string) => void,
  ) {}

  async make(target: string, action: string, fn: () => Promise<void>): Promise<void> {
    if (this.dryRun) {
      this.planned.push({ target, action });
      return;
    }
    this.log(`[${target}] ${action}`);
    await fn();
  }

  /** A step that waits or checks rather than changes: listed in the plan, run for real. */
  note(target: string, action: string): void {
    if (this.dryRun) this.planned.push({ target, action });
  }
}
