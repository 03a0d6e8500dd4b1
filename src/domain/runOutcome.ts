/**
 * How a run ended. The safety checks, the report, the metrics, `/readyz` and the exit code all
 * speak of a run in these words, so none of them has to turn a number back into a meaning.
 */
export type RunOutcome =
  /** Every planned operation succeeded, or there was nothing to do (a dry run: the plan was made). */
  | { kind: 'succeeded' }
  /** Some operations failed, or the run stopped early (run-fatal answer, circuit breaker, unreadable service, Redis of coordination.redis unreachable). */
  | { kind: 'some-failed' }
  /** The config or the roster can't be used; nothing was sent. */
  | { kind: 'unusable-input' }
  /** A safety check refused the run (cap, empty or shrunken roster); nothing was sent. */
  | { kind: 'refused' }
  /** Another run holds the lock; nothing was done. */
  | { kind: 'locked' }
  /** A signal stopped the run; in-flight requests finished. */
  | { kind: 'interrupted'; signal: string }
  /** The run threw: a bug or the machine (unwritable report dir, …). */
  | { kind: 'crashed' };

export type RunOutcomeKind = RunOutcome['kind'];

/** The interrupted outcome for an aborted signal (`AbortController.abort('SIGTERM')`). */
export function interruptedBy(signal: AbortSignal): RunOutcome {
  return { kind: 'interrupted', signal: String(signal.reason ?? 'SIGTERM') };
}

/**
 * The one table from how a run ended to the process's exit code (the README's "Exit codes"; cron
 * and CI scripts depend on these numbers, so they never change). It sits beside the outcome, not
 * in cli/, because the report, written by the run and the daemon alike, states the code too.
 */
const EXIT_CODES: Record<Exclude<RunOutcomeKind, 'interrupted'>, number> = {
  succeeded: 0,
  'some-failed': 1,
  'unusable-input': 2,
  refused: 3,
  locked: 4,
  crashed: 1,
};

/** 128 + the signal number, as shells report it: 129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM (also for other reasons). */
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

export function exitCodeOf(outcome: RunOutcome): number {
  if (outcome.kind === 'interrupted') return 128 + (SIGNAL_NUMBERS[outcome.signal] ?? 15);
  return EXIT_CODES[outcome.kind];
}
