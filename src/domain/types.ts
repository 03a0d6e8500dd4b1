import type { AttrValue } from '../profiles/attributePaths.js';

/**
 * The vocabulary shared by the functional core (planner) and the shells around it.
 * Everything here is plain data: no I/O, no classes, so the planner stays pure and testable.
 */

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
}

/** A roster row that could not be used. Its identifiers (if any) shield the matching remote user. */
export interface RejectedRow {
  line: number;
  reason: string;
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
}

/** A user as the SCIM service reports it (only the attributes scim-sync reads). */
export interface RemoteUser {
  id: string;
  userName: string;
  externalId?: string;
  givenName?: string;
  familyName?: string;
  locale?: string;
  active: boolean;
  /** Values at the further mapped paths, as the service holds them. */
  attributes?: Readonly<Record<string, AttrValue>>;
}

/** What the planner decided for one person. Each maps to exactly one write request. */
export type Operation =
  | { kind: 'create'; user: RosterUser }
  | { kind: 'update'; user: RosterUser; remote: RemoteUser; changes: FieldChange[] }
  | { kind: 'deactivate'; remote: RemoteUser; reason: DeactivationReason; user?: RosterUser }
  | { kind: 'reactivate'; user: RosterUser; remote: RemoteUser; changes: FieldChange[] };

export type OperationKind = Operation['kind'];

export type DeactivationReason = 'missing-from-roster' | 'inactive-in-roster';

/** One attribute to change, by canonical SCIM path (`name.givenName`, `userName`, `title`, …). */
export interface FieldChange {
  field: string;
  from: AttrValue | undefined;
  to: AttrValue | undefined;
}

/** A difference the service can't apply: reported once, then remembered so it isn't re-sent or re-reported. */
export interface NotUpdatable {
  userName: string;
  id: string;
  field: string;
  from: AttrValue | undefined;
  to: AttrValue | undefined;
  /** Stable key of this difference, stored between runs. */
  key: string;
  /** First time it is seen (false: an earlier run reported it already). */
  isNew: boolean;
}

/** The decisions the planner must not make on its own. */
export interface PlanPolicy {
  /** Deactivate remote users that are not in the roster at all. */
  deactivateMissing: boolean;
  /** userNames (any case) that scim-sync never touches. */
  protect: readonly string[];
  /** When set (`--only`), only operations for these userNames (any case) are kept. */
  only?: readonly string[];
  /** Mapped attributes to compare (canonical paths); default: the two name parts. */
  compare?: readonly string[];
  /** Which of them the service can change after creation; the rest become NotUpdatable notices. Default: all. */
  updatable?: ReadonlySet<string>;
  /** Keys of NotUpdatable notices reported by earlier runs. */
  noticed?: ReadonlySet<string>;
}

export interface Plan {
  operations: Operation[];
  /** Remote users that match the roster and need nothing. */
  unchanged: number;
  /** Remote users left alone on purpose, with why (protected, rejected row, ...). */
  skipped: SkippedUser[];
  /** Differences the service can't apply (e.g. locale on Postman). */
  notUpdatable: NotUpdatable[];
}

export interface SkippedUser {
  userName: string;
  id?: string;
  reason: 'protected' | 'rejected-row' | 'inactive-not-on-service' | 'ambiguous-match';
}
