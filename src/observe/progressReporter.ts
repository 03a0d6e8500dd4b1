import type { Logger } from 'pino';
import type { RunObserver } from './runObserver.js';

/**
 * While a long run executes: every `intervalMs`, a log line with done/total operations, the
 * current rate and the ETA at the configured budget — or, when stderr is a terminal, a one-line
 * progress bar redrawn in place. Silent for runs that finish before the first interval.
 */
export class ProgressReporter implements RunObserver {
  private total = 0;
  private done = 0;
  private budget = 0;
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;
  /** A bar is on the terminal's current line and must be cleared before anything else is written. */
  private drawn = false;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs: number,
    private readonly terminal: NodeJS.WriteStream | undefined = process.stderr.isTTY ? process.stderr : undefined,
  ) {}

  executing: NonNullable<RunObserver['executing']> = (operations, requestsPerMinute) => {
    this.total = operations;
    this.done = 0;
    this.budget = requestsPerMinute;
    this.startedAt = Date.now();
    this.stop(); // one timer at a time, even if an earlier run never said it finished
    if (operations === 0) return;
    this.timer = setInterval(() => this.report(), this.terminal ? Math.min(this.intervalMs, 1000) : this.intervalMs);
    this.timer.unref();
  };

  operationDone: NonNullable<RunObserver['operationDone']> = () => {
    this.done++;
  };

  finished: NonNullable<RunObserver['finished']> = () => {
    this.stop();
  };

  /**
   * No more progress lines (the run ended, crashed, or the daemon stops). The bar's last frame is
   * erased (carriage return, erase line), so the next line starts on a clean line, not after it.
   */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.drawn) this.terminal?.write(`\r${ERASE_LINE}`);
    this.drawn = false;
  }

  /** done/total, operations per minute so far, and ETA assuming the budget is the limit. */
  snapshot(now: number = Date.now()): { done: number; total: number; perMinute: number; etaSeconds: number } {
    const minutes = Math.max((now - this.startedAt) / 60_000, 1e-9);
    const perMinute = this.done / minutes;
    const remaining = this.total - this.done;
    const rate = Math.min(perMinute || this.budget, this.budget);
    return { done: this.done, total: this.total, perMinute: Math.round(perMinute * 10) / 10, etaSeconds: Math.ceil((remaining / rate) * 60) };
  }

  private report(): void {
    const s = this.snapshot();
    if (this.terminal) {
      const width = 30;
      const filled = Math.round((s.done / Math.max(s.total, 1)) * width);
      this.terminal.write(
        `\r${ERASE_LINE}[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${s.done}/${s.total} ops, ${s.perMinute}/min, ETA ${s.etaSeconds}s`,
      );
      this.drawn = true;
    } else {
      this.logger.info({ progress: s }, `progress: ${s.done}/${s.total} operations, ${s.perMinute}/min, ETA ${s.etaSeconds}s`);
    }
  }
}

/** ANSI "erase in line" (whole line): a shorter frame leaves no tail of the longer one before it. */
const ERASE_LINE = '\x1b[2K';
