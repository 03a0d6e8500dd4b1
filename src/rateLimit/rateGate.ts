import Bottleneck from 'bottleneck';
import { SlidingWindowLog } from './slidingWindowLog.js';

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
 */
export interface RateGateOptions {
  requestsPerMinute: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Length of the rolling window; 60 s in production, shorter only in tests. */
  windowMs?: number;
}

const PAUSED = Symbol('paused');

export class RateGate {
  private readonly limiter: Bottleneck;
  private readonly sent: SlidingWindowLog;
  private pausedUntil = 0;
  private pauseTimer: { done: Promise<void>; handle: NodeJS.Timeout } | undefined;
  private closedReason: Error | undefined;
  private wakeOnClose!: () => void;
  private readonly closed = new Promise<void>((resolve) => (this.wakeOnClose = resolve));
  readonly minSpacingMs: number;

  constructor(options: RateGateOptions) {
    const windowMs = options.windowMs ?? 60_000;
    this.minSpacingMs = Math.ceil(windowMs / options.requestsPerMinute);
    this.limiter = new Bottleneck({ minTime: this.minSpacingMs, maxConcurrent: options.concurrency });
    this.sent = new SlidingWindowLog(options.requestsPerMinute, windowMs);
  }

  /**
   * Runs `send` when the budget allows. `send` must start its request immediately; it is given
   * the send time the rolling window counted (performance.now()), the one exact record of it.
   */
  async run<T>(send: (sentAt: number) => Promise<T>): Promise<T> {
    for (;;) {
      this.throwIfClosed();
      await this.waitWhilePaused();
      const result = await this.limiter.schedule(async (): Promise<T | typeof PAUSED> => {
        for (let wait = this.sent.delayAt(performance.now()); wait > 0; wait = this.sent.delayAt(performance.now())) {
          await new Promise((resolve) => setTimeout(resolve, wait));
        }
        if (this.closedReason || Date.now() < this.pausedUntil) return PAUSED;
        const sentAt = performance.now();
        this.sent.record(sentAt);
        return send(sentAt);
      });
      if (result !== PAUSED) return result as T;
    }
  }

  /** Holds every request (queued or new) for `ms`, e.g. after a 429. Extends, never shortens. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  get isPaused(): boolean {
    return Date.now() < this.pausedUntil;
  }

  /** How much longer the current pause holds requests (0 when not paused). */
  get pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Refuses all further requests (run-fatal error, shutdown). Requests in flight finish. */
  close(reason: Error): void {
    this.closedReason ??= reason;
    this.wakeOnClose();
    if (this.pauseTimer) clearTimeout(this.pauseTimer.handle);
  }

  /** Frees Bottleneck's timers so the process can exit. */
  async dispose(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }

  private throwIfClosed(): void {
    if (this.closedReason) throw this.closedReason;
  }

  private async waitWhilePaused(): Promise<void> {
    while (Date.now() < this.pausedUntil) {
      this.throwIfClosed();
      this.pauseTimer ??= this.startPauseTimer(this.pausedUntil - Date.now());
      await Promise.race([this.pauseTimer.done, this.closed]);
    }
    this.throwIfClosed();
  }

  /** One shared timer for all waiters; cleared on close so a 60 s pause can't hold the process. */
  private startPauseTimer(ms: number): { done: Promise<void>; handle: NodeJS.Timeout } {
    let handle!: NodeJS.Timeout;
    const done = new Promise<void>((resolve) => {
      handle = setTimeout(() => {
        this.pauseTimer = undefined;
        resolve();
      }, Math.max(0, ms));
    });
    return { done, handle };
  }
}

