// Milliseconds spent per phase of `lab up`/`lab down`, for the benchmark and --verbose.
export class PhaseTimer {
  readonly phases: Record<string, number> = {};
  private last = Date.now();
  private readonly start = this.last;

  mark(phase: string): void {
    const now = Date.now();
    this.phases[phase] = (this.phases[phase] ?? 0) + (now - this.last);
    this.last = now;
  }

  get totalMs(): number {
    return Date.now() - this.start;
  }
}
