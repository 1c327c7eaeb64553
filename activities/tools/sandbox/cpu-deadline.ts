/**
 * The CPU deadline inside QuickJS. QuickJS calls the interrupt handler periodically
 * while interpreting; returning true raises an *uncatchable* "interrupted" error, so
 * a tool cannot swallow its own timeout with try/catch.
 *
 * We use our own handler instead of `shouldInterruptAfterDeadline` so that we know
 * for certain that *we* interrupted: a tool that throws its own
 * `new InternalError('interrupted')` must not be reported as TIMEOUT.
 */
export class CpuDeadline {
  private readonly deadline: number;
  private tripped = false;

  constructor(timeoutMs: number) {
    this.deadline = performance.now() + timeoutMs;
  }

  readonly shouldInterrupt = (): boolean => {
    if (this.tripped || performance.now() >= this.deadline) {
      this.tripped = true;
      return true;
    }
    return false;
  };

  /** Time left before the deadline (0 once passed). The deadline is wall-clock, so time spent awaiting host requests counts too. */
  get remainingMs(): number {
    return Math.max(0, this.deadline - performance.now());
  }

  get hasTripped(): boolean {
    return this.tripped;
  }
}
