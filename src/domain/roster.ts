import type { AttrValue } from './attributePaths.js';

/** One accepted row of the HR roster, already trimmed and validated. */
export interface RosterUser {
  /** 1-based line number in the CSV file (header is line 1), for reports and errors. */
  line: number;
  externalId: string;
  userName: string;
  givenName: string;
  familyName: string;
  locale?: string;
  /** Whether HR says this person currently works here (from `source.status`, else true). */
  active: boolean;
  /** Further mapped attributes by canonical SCIM path (title, emails[type eq "work"].value, roles, …). */
  attributes?: Readonly<Record<string, AttrValue>>;
  /** First working day (`source.startDate`), an ISO calendar date `yyyy-MM-dd` in `timeZone`. */
  startDate?: string;
  /** Last working day (`source.endDate`), an ISO calendar date in `timeZone`; absent: no end date. */
  endDate?: string;
  /** IANA time zone the row's dates are in (`source.timezone`); set whenever a date is. */
  timeZone?: string;
  /** The group names `groups.from` yields for this row (distinct, in config order); absent: none. */
  groups?: readonly string[];
  /**
   * Set by the lifecycle-date step (src/plan/lifecycleDates.ts), never by the reader: the person
   * starts later, so until this instant (ISO, UTC) no account is created or reactivated for them
   * and an account already matched is left as it is.
   */
  pendingUntil?: string;
}

/** A roster row that could not be used. Its identifiers (if any) shield the matching remote user. */
export interface RejectedRow {
  line: number;
  reason: string;
  externalId?: string;
  userName?: string;
}

/**
 * A row `source.scope` leaves out: not this sync's person. Only its identifiers are kept, so the
 * planner can leave its account alone (or, with `sync.outOfScope: deactivate`, treat it as a leaver).
 */
export interface OutOfScopeRow {
  line: number;
  externalId?: string;
  userName?: string;
}

export interface Roster {
  /** Absolute path of the CSV file that was read. */
  file: string;
  /** Data rows read (excluding the header). */
  rows: number;
  users: RosterUser[];
  rejected: RejectedRow[];
  /** Rows outside `source.scope` (absent when the source has no scope). */
  outOfScope?: OutOfScopeRow[];
}
