import type { OperationOutcome } from '../domain/outcome.js';
import type { RunReport } from '../report/runReport.js';
import type { AttemptEvent } from '../scim/scimClient.js';

/**
 * Things that watch a run without steering it: metrics, progress lines. runSync calls these;
 * none of them can change what the run does.
 */
export interface RunObserver {
  /** Every HTTP attempt, answered or failed. */
  attempt?(event: AttemptEvent): void;
  /** The plan is known and execution starts. */
  executing?(operations: number, requestsPerMinute: number): void;
  /** One operation finished (any outcome). */
  operationDone?(outcome: OperationOutcome): void;
  /** The run is over and its report written. */
  finished?(report: RunReport, durationMs: number): void;
  /** A notification about the run was delivered, or given up on. */
  notified?(outcome: 'sent' | 'failed'): void;
}

/** Fans one set of events out to several observers. */
export function combineObservers(...observers: (RunObserver | undefined)[]): RunObserver {
  const present = observers.filter((o): o is RunObserver => o !== undefined);
  return {
    attempt: (e) => present.forEach((o) => o.attempt?.(e)),
    executing: (n, rpm) => present.forEach((o) => o.executing?.(n, rpm)),
    operationDone: (outcome) => present.forEach((o) => o.operationDone?.(outcome)),
    finished: (report, ms) => present.forEach((o) => o.finished?.(report, ms)),
    notified: (outcome) => present.forEach((o) => o.notified?.(outcome)),
  };
}
