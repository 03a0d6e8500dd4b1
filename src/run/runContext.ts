import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import type { GroupOperationOutcome } from '../domain/groupOperation.js';
import type { OperationOutcome } from '../domain/outcome.js';
import type { Roster } from '../domain/roster.js';
import type { RunOutcome } from '../domain/runOutcome.js';
import type { RunObserver } from '../observe/runObserver.js';
import type { RateBudget } from '../rateLimit/rateBudget.js';
import type { PlanFileRef } from '../report/runReport.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { readRunState, type RunState, writeRunState } from '../state/runState.js';

export interface RunOptions {
  dryRun: boolean;
  /** Write the report here instead of a new file in report.dir. */
  reportFile?: string;
  /** `--allow-deactivations N`: the operator accepts up to N deactivations this run. */
  allowDeactivations?: number;
  /** `--allow-member-removals N`: the operator accepts up to N group membership removals this run. */
  allowMemberRemovals?: number;
  /** Aborting stops new operations; in-flight requests finish and the report is written. */
  signal?: AbortSignal;
  /**
   * After an abort, how long requests in flight may take before they are abandoned, so the run
   * ends (and writes its report) within the shutdown grace period. Unset: they finish.
   */
  inFlightGraceMs?: number;
  /** Rolling window of the rate gate; 60 s except in tests. */
  rateWindowMs?: number;
  /**
   * The process's rate budget (the daemon's, shared by all its runs, 429 pauses included);
   * without it the run has a budget of its own.
   */
  rateBudget?: RateBudget;
  /** coordination.redis: who ran and under which lease, for the report. */
  coordination?: { instance: string; key: string; job: string; fencingToken: number };
  /**
   * `scim-sync plan --out FILE`: a dry run that writes its plan to FILE for review and `apply`;
   * a safety limit the plan exceeds is reported in it rather than refusing it.
   */
  savePlanTo?: string;
  /** `--only`: plan and apply for just these userNames. */
  only?: readonly string[];
  /** Metrics, progress: watch the run, never steer it. */
  observer?: RunObserver;
  /** What /ServiceProviderConfig said, when the caller (the daemon) has it cached. */
  capabilities?: ServiceCapabilities;
  /**
   * `--quiet` (cron mails any output): rejected roster rows are not logged one by one. They are
   * all in the report, and too many of them still refuse the run with a summary.
   */
  quiet?: boolean;
  /** Where `--roster -` reads from; process.stdin unless a test hands in its own. */
  stdin?: AsyncIterable<Uint8Array>;
  /**
   * For tests only (the hidden `run --now`): the time the start and end dates are judged at,
   * instead of the clock. Reports, the lock and the state keep the real time.
   */
  now?: Date;
  /**
   * A person reads this run's end on a terminal (`run` with stdout and stderr on one): the caller
   * prints the table and the summary, so the log lines that say the same (the closing line, a
   * refusal, an unusable input) go at debug level instead of repeating it in pretty-printed JSON.
   */
  summaryOnTerminal?: boolean;
  /** Started by the daemon, whose operator can't pass flags: advice names a one-shot `run` instead. */
  byDaemon?: boolean;
}

/** What every phase of one run may read: the settings, the caller's options and the state of earlier runs. */
export interface RunContext {
  readonly config: Config;
  readonly options: RunOptions;
  readonly logger: Logger;
  readonly runId: string;
  readonly startedAt: Date;
  /** The time the roster's start and end dates are judged at: `startedAt`, unless a test set `options.now`. */
  readonly now: Date;
  /** The state file as this run found it; `saveState` updates both. */
  readonly state: RunState;
}

export function startRun(config: Config, options: RunOptions, logger: Logger): RunContext {
  const startedAt = new Date();
  return { config, options, logger, runId: randomUUID(), startedAt, now: options.now ?? startedAt, state: readRunState(config.state.dir) };
}

/** Records what later runs must know (notices, the shrink baseline, the last full read). */
export function saveState(run: RunContext, patch: Partial<RunState>): void {
  Object.assign(run.state, patch);
  writeRunState(run.config.state.dir, run.state);
}

/**
 * A phase that ends the run early says how and why; the report shows it. Returned, not thrown:
 * every early end is an ordinary, tested path, not an exception.
 */
export interface RunStop {
  stop: RunOutcome;
  /** The report's one-line `result`. */
  result: string;
  /** The report's `error`: what was wrong with the input or the service. */
  error?: string;
  /** A safety check's refusal, with what to do next. */
  refused?: { reason: string; howToProceed: string };
  /** sync.fullReadEvery: this cycle read and sent nothing. */
  unchangedSince?: { since: string; nextFullReadAfter: string };
  /** A roster that was read but refused is still shown in the report. */
  roster?: Roster;
  /** A refused plan is still shown in full, every operation `planned`. */
  planned?: OperationOutcome[];
  /** …and its group operations (with `groups`). */
  plannedGroups?: GroupOperationOutcome[];
  /**
   * Why the refused plan is not saved for `apply`: plan files carry user operations only, so a
   * refusal of group changes (groups.maxMemberRemovals) can't be approved that way.
   */
  notForApply?: string;
  /** A refused plan is saved as a plan file beside the report, to review and apply. */
  planFile?: PlanFileRef;
}

/**
 * Logs what the summary also shows (how the run ended, a refusal, an unusable input, unmatched
 * protect entries) — at `level` for log readers, at debug when the caller shows the summary to a
 * person on a terminal (see RunOptions.summaryOnTerminal), so it is said once.
 */
export function logShownInSummary(run: RunContext, level: 'info' | 'error', fields: Record<string, unknown>, message: string): void {
  run.logger[run.options.summaryOnTerminal ? 'debug' : level](fields, message);
}

export function isStop<T extends object>(value: T | RunStop): value is RunStop {
  return 'stop' in value;
}
