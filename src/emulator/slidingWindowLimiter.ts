/**
 * A rolling-window rate limiter: at most `max` requests in any `windowMs` span.
 *
 * Postman's limit reads "180 attempts in less than a minute", i.e. a sliding window, not a
 * fixed per-minute bucket: a client that bursts 180 requests at 0:59 can't burst again at 1:01.
 * We keep the timestamps of admitted requests (at most `max` of them), which is exact and
 * cheap at these sizes.
 *
 * Rejected requests are not recorded: otherwise a client that keeps retrying would keep the
 * window full forever, and the Retry-After we compute (when the oldest admitted request
 * leaves the window) would be a lie.
 */

export type LimiterDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class SlidingWindowLimiter {
  private readonly admitted: number[] = [];

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError('rate limit max must be a positive integer');
    if (!(windowMs > 0)) throw new RangeError('rate limit windowMs must be positive');
  }

  tryAcquire(): LimiterDecision {
    const now = this.now();
    this.evict(now);
    if (this.admitted.length < this.max) {
      this.admitted.push(now);
      return { allowed: true };
    }
    // Full: a slot frees when the oldest admitted request slides out of the window.
    const oldest = this.admitted[0] ?? now;
    return { allowed: false, retryAfterMs: Math.max(1, oldest + this.windowMs - now) };
  }

  /** Requests admitted in the current window (for diagnostics and tests). */
  inWindow(): number {
    this.evict(this.now());
    return this.admitted.length;
  }

  private evict(now: number): void {
    while (this.admitted.length > 0 && (this.admitted[0] ?? now) <= now - this.windowMs) this.admitted.shift();
  }
}
