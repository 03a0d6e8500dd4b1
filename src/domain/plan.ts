import type { AttrValue } from './attributePaths.js';
import type { RemoteUser } from './remoteUser.js';
import type { RosterUser } from './roster.js';

/*
 * What the planner decides and the policy it decides by. Plain data, no I/O, so the planner stays
 * pure and the shells around it (executors, report, dry run) all speak the same words.
 */

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
  /** userNames (any case) or glob patterns (`*@agency.example`) that scim-sync never touches. */
  protect: readonly string[];
  /** When set (`--only`), only operations for these userNames (any case) are kept. */
  only?: readonly string[];
  /** Mapped attributes to compare (canonical paths); default: the two name parts. */
  compare?: readonly string[];
  /** Which of them the service can change after creation; the rest become NotUpdatable notices. Default: all. */
  updatable?: ReadonlySet<string>;
  /**
   * Mapped attributes the service can't be sent at all (neither on create nor after): it never
   * holds a value for them, so a roster value is a difference even when the service shows none.
   */
  neverSent?: ReadonlySet<string>;
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
  /** `sync.protect` entries that match no account on the service (a typo protects no one). */
  unmatchedProtect: string[];
}

export interface SkippedUser {
  userName: string;
  id?: string;
  reason: 'protected' | 'rejected-row' | 'inactive-not-on-service' | 'ambiguous-match';
}

/** The userName an operation is about: the roster's for a create, the service's otherwise. */
export function operationUserName(op: Operation): string {
  return op.kind === 'create' ? op.user.userName : op.remote.userName;
}
