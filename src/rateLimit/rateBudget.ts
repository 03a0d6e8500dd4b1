import Bottleneck from 'bottleneck';
import type { SharedBudget } from './sharedBudget.js';
import { SlidingWindowLog } from './slidingWindowLog.js';

export interface RateGateOptions {
  requestsPerMinute: number;
  /** Requests in flight at once. */
  concurrency: number;
  /** Length of the rolling window; 60 s in production, shorter only in tests. */
  windowMs?: number;
}

/**
 * The part of the rate gate that belongs to the process, not to one run: the spacing (Bottleneck),
 * the log of send times for the rolling window, and a 429's pause. The service counts our requests
 * whichever run sent them, so a daemon keeps one budget for its whole life and hands it to every
 * run (see RateGate): a schedule of every second then can't send a new run's full budget each
 * second. A one-shot `run` has a budget of its own, like a fresh process.
 *
 * With `shared` (coordination.redis), every request must also be granted by the budget all
 * processes on this target share, and a 429 pauses them all; without it nothing changes.
 */
export class RateBudget {
  readonly limiter: Bottleneck;
  readonly sent: SlidingWindowLog;
  readonly minSpacingMs: number;
  /** Whether Bottleneck's per-operation timer tick is gone (see withoutTimerTicks). */
  readonly skipsTimerTicks: boolean;
  private pausedUntil = 0;

  constructor(
    readonly options: RateGateOptions,
    readonly shared?: SharedBudget,
  ) {
    const windowMs = options.windowMs ?? 60_000;
    this.minSpacingMs = Math.ceil(windowMs / options.requestsPerMinute);
    this.limiter = new Bottleneck({ minTime: this.minSpacingMs, maxConcurrent: options.concurrency });
    this.skipsTimerTicks = withoutTimerTicks(this.limiter);
    this.sent = new SlidingWindowLog(options.requestsPerMinute, windowMs);
  }

  /** Holds every request (of every run) for `ms`, e.g. after a 429. Extends, never shortens. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
    // The others learn of it through the shared budget; if that is down, their next take fails anyway.
    this.shared?.pause(ms).catch(() => undefined);
  }

  /** How much longer the current pause holds requests (0 when not paused). */
  get pauseRemainingMs(): number {
    return Math.max(0, this.pausedUntil - Date.now());
  }

  /** Frees Bottleneck's timers so the process can exit; for the budget's owner, at its end. */
  async dispose(): Promise<void> {
    await this.limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
  }
}

/**
 * Bottleneck's in-process datastore waits for a timer (`setTimeout(0)`, 1 ms at least) before each
 * of its operations, only so that it behaves like its Redis datastore, which is asynchronous; a
 * request makes three of them (submit, register, free). Each is a turn of the event loop of its
 * own: ~0.4-0.5 ms of CPU and ~4 ms of waiting per request, for nothing (the spacing and the
 * concurrency limit are computed from Bottleneck's own clock, not from these ticks). Its
 * operations stay asynchronous, on a resolved promise instead. Only when the store has the shape
 * this was written for (Bottleneck 2: `_store.yieldLoop`); otherwise Bottleneck runs unchanged,
 * and test/rateLimit/rateBudget.test.ts says the shortcut is gone.
 */
function withoutTimerTicks(limiter: Bottleneck): boolean {
  const store = (limiter as unknown as { _store?: { yieldLoop?: unknown } })._store;
  if (store === undefined || typeof store.yieldLoop !== 'function') return false;
  store.yieldLoop = () => Promise.resolve();
  return true;
}
