import { RateBudget, type RateGateOptions } from './rateBudget.js';
import { SharedBudgetUnavailableError } from './sharedBudget.js';

export type { RateGateOptions } from './rateBudget.js';

/**
 * The one gate every HTTP request passes: page reads, writes, lookups and retries alike.
 *
 * Job: keep the number of requests *sent* under `requestsPerMinute` in any rolling 60 s.
 * Bottleneck does it with `minTime` spacing: starts are at least ⌈60 000 / rpm⌉ ms apart, so any
 * 60 s window holds at most rpm starts. (Its reservoir refreshes in fixed windows, which would
 * allow 2 × rpm across a boundary, so we don't use it.) `maxConcurrent` lets a few requests be
 * in flight at once so the service's latency does not eat the budget.
 *
 * Timers fire a few ms late, so actual starts can be a hair closer than `minTime`; a sliding
 * log of the last rpm send times (SlidingWindowLog) makes the rolling-window rule exact.
 *
 * A 429 pauses the whole gate. Bottleneck has no pause, and `updateSettings` would break it, so
 * the job we hand Bottleneck checks the pause first and sends nothing while paused: it only
 * returns a marker, and `run` waits out the pause and asks Bottleneck for a fresh slot. A slot
 * spent on a paused job sends nothing, so it can only make us slower, never over budget. We never
 * retry through Bottleneck's `failed` event (that path bypasses its own limits).
 *
 * The spacing, the rolling window and the 429 pause are the process's (RateBudget): a daemon
 * shares one budget between all its runs. A RateGate is one run's door to it: closing it (run-fatal
 * error, shutdown) refuses that run's requests, including those already queued, and leaves the
 * budget to the next run. `new RateGate(options)` makes a gate with a budget of its own.
 *
 * A budget shared with other processes (coordination.redis) is asked last, just before sending,
 * so the grant it counts is as close as possible to the request the service sees. If it can't be
 * reached the gate closes with SharedBudgetUnavailableError: nothing more is sent by this run.
 */

const PAUSED = Symbol('paused');

export class RateGate {
  private readonly budget: RateBudget;
  private readonly ownsBudget: boolean;
  private pauseTimer: { done: Promise<void>; handle: NodeJS.Timeout } | undefined;
  private closedReason: Error | undefined;
  private wakeOnClose!: () => void;
  private readonly closed = new Promise<void>((resolve) => (this.wakeOnClose = resolve));
  private readonly onClose = new Set<() => void>();

  constructor(from: RateGateOptions | RateBudget) {
    this.ownsBudget = !(from instanceof RateBudget);
    this.budget = from instanceof RateBudget ? from : new RateBudget(from);
  }

  get minSpacingMs(): number {
    return this.budget.minSpacingMs;
  }

  /**
   * Runs `send` when the budget allows. `send` must start its request immediately; it is given
   * the send time the rolling window counted (performance.now()), the one exact record of it.
   */
  async run<T>(send: (sentAt: number) => Promise<T>): Promise<T> {
    const { limiter, sent } = this.budget;
    for (;;) {
      this.throwIfClosed();
      await this.waitWhilePaused();
      let sending = false;
      const job = limiter.schedule(async (): Promise<T | typeof PAUSED> => {
        for (let wait = sent.delayAt(performance.now()); wait > 0 && !this.closedReason; wait = sent.delayAt(performance.now())) {
          await this.sleepUnlessClosed(wait);
        }
        if (this.closedReason || this.budget.pauseRemainingMs > 0) return PAUSED;
        if (!(await this.takeShared())) return PAUSED;
        const sentAt = performance.now();
        sent.record(sentAt);
        sending = true;
        return send(sentAt);
      });
      // Once closed, a request still queued (in a shared budget, maybe behind a 429 pause or a
      // full window) is given up at once; one already sent is waited for. (A listener per
      // request, removed when it settles: a reaction on `closed` would keep every answer alive.)
      const result = await new Promise<T | typeof PAUSED>((resolve, reject) => {
        const giveUp = () => {
          if (!sending) resolve(PAUSED);
        };
        this.onClose.add(giveUp);
        if (this.closedReason) giveUp(); // closed while we were on our way here
        job.then(
          (value) => {
            this.onClose.delete(giveUp);
            resolve(value);
          },
          (error: unknown) => {
            this.onClose.delete(giveUp);
            reject(error instanceof Error ? error : new Error(String(error)));
          },
        );
      });
      if (result !== PAUSED) return result;
    }
  }

  /** Holds every request (queued or new) for `ms`, e.g. after a 429. Extends, never shortens. */
  pause(ms: number): void {
    this.budget.pause(ms);
  }

  get isPaused(): boolean {
    return this.budget.pauseRemainingMs > 0;
  }

  /** How much longer the current pause holds requests (0 when not paused). */
  get pauseRemainingMs(): number {
    return this.budget.pauseRemainingMs;
  }

  /** Refuses all further requests of this run (run-fatal error, shutdown). Requests in flight finish. */
  close(reason: Error): void {
    this.closedReason ??= reason;
    this.wakeOnClose();
    for (const giveUp of this.onClose) giveUp();
    if (this.pauseTimer) clearTimeout(this.pauseTimer.handle);
  }

  /** The run is over: frees Bottleneck's timers if the budget is this gate's own, else just closes. */
  async dispose(): Promise<void> {
    if (this.ownsBudget) await this.budget.dispose();
    else this.close(new Error('the run is over'));
  }

  /** Waits for the shared budget's grant; false when the gate closed meanwhile. Throws (and closes the gate) if it is unreachable. */
  private async takeShared(): Promise<boolean> {
    const { shared } = this.budget;
    if (!shared) return true;
    for (;;) {
      let wait: number;
      try {
        wait = await shared.take();
      } catch (error) {
        const unavailable = error instanceof SharedBudgetUnavailableError ? error : new SharedBudgetUnavailableError(String(error), { cause: error });
        this.close(unavailable);
        throw unavailable;
      }
      if (this.closedReason) return false; // granted or not, this run is stopping (a granted slot only costs throughput)
      if (wait <= 0) return true;
      await this.sleepUnlessClosed(wait);
      if (this.closedReason || this.budget.pauseRemainingMs > 0) return false;
    }
  }

  private throwIfClosed(): void {
    if (this.closedReason) throw this.closedReason;
  }

  private async waitWhilePaused(): Promise<void> {
    while (this.budget.pauseRemainingMs > 0) {
      this.throwIfClosed();
      this.pauseTimer ??= this.startPauseTimer(this.budget.pauseRemainingMs);
      await Promise.race([this.pauseTimer.done, this.closed]);
    }
    this.throwIfClosed();
  }

  private async sleepUnlessClosed(ms: number): Promise<void> {
    let handle: NodeJS.Timeout | undefined;
    await Promise.race([new Promise((resolve) => (handle = setTimeout(resolve, ms))), this.closed]);
    clearTimeout(handle);
  }

  /** One shared timer for all waiters; cleared on close so a 60 s pause can't hold the process. */
  private startPauseTimer(ms: number): { done: Promise<void>; handle: NodeJS.Timeout } {
    let handle!: NodeJS.Timeout;
    const done = new Promise<void>((resolve) => {
      handle = setTimeout(
        () => {
          this.pauseTimer = undefined;
          resolve();
        },
        Math.max(0, ms),
      );
    });
    return { done, handle };
  }
}
