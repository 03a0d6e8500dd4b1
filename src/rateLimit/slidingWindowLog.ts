/**
 * The exact rolling-window rule: remembers the send times of the last `limit` requests and
 * says how long to wait so that no window of `windowMs` ever holds more than `limit` sends.
 * Bottleneck's spacing is measured on its own clock and timers fire a few ms late, so two
 * starts can land slightly closer than `minTime`; this log is the hard guarantee behind it.
 */
export class SlidingWindowLog {
  private readonly times: Float64Array;
  private next = 0;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {
    this.times = new Float64Array(limit).fill(-Infinity);
  }

  /** Milliseconds to wait before a send at `now` would be within the limit (0: go). */
  delayAt(now: number): number {
    const oldest = this.times[this.next]!; // the send that would fall out of the window
    return Math.max(0, oldest + this.windowMs - now);
  }

  record(now: number): void {
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
  }
}
