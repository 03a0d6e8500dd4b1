import type { FailureKind } from '../domain/outcome.js';

/**
 * Counts consecutive failures of the same kind. When the service answers the same way N times
 * in a row, something is wrong with the service or with us, and the remaining operations would
 * only burn the rate budget on identical errors.
 */
export class CircuitBreaker {
  private kind: FailureKind | undefined;
  private count = 0;

  constructor(readonly limit: number) {}

  recordSuccess(): void {
    this.kind = undefined;
    this.count = 0;
  }

  /** Returns true when the breaker trips. */
  recordFailure(kind: FailureKind): boolean {
    this.count = kind === this.kind ? this.count + 1 : 1;
    this.kind = kind;
    return this.count >= this.limit;
  }
}
