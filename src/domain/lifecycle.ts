/*
 * What the HR dates (start and end of employment) decide, as plain data: who is waiting for their
 * account, and what the dates will do over the next days. Worked out by the pure lifecycle step
 * (src/plan/lifecycleDates.ts) from the roster and the run's `now`.
 */

/** A person whose start date is further ahead than `sync.createDaysBeforeStart`: no account yet. */
export interface PendingStart {
  line: number;
  userName: string;
  externalId: string;
  /** The start date as HR gave it (ISO calendar date, in `timeZone`). */
  startDate: string;
  timeZone: string;
  /** The day the account will be created (or reactivated), in `timeZone`. */
  createOn: string;
  /** The same moment in UTC (ISO): the start of `createOn` in `timeZone`. */
  createAt: string;
}

/** An operation the dates will cause soon, if the roster stays as it is. */
export interface UpcomingChange {
  op: 'create' | 'reactivate' | 'deactivate';
  userName: string;
  externalId: string;
  /** From this instant on (ISO, UTC) a run makes the change. */
  at: string;
}

/** The report's and the metric's horizon for upcoming changes. */
export const UPCOMING_DAYS = 14;
