import type { AttrValue } from './attributePaths.js';
import type { GroupPlan } from './groupOperation.js';
import type { LedgerEntry } from './ledger.js';
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
  | { kind: 'deactivate'; remote: RemoteUser; reason: DeactivationReason; user?: RosterUser; managedBy?: ManagedBy }
  | { kind: 'reactivate'; user: RosterUser; remote: RemoteUser; changes: FieldChange[] };

export type OperationKind = Operation['kind'];

export type DeactivationReason = 'missing-from-roster' | 'inactive-in-roster' | 'left-scope';

/**
 * Why an account no in-scope row matches is this sync's to deactivate: its userName's domain is
 * managed, it is in the ledger (this sync created or matched it), or every account is (`"*"`).
 */
export type ManagedBy = 'domain' | 'ledger' | 'every-account';

/**
 * Which accounts on the service this sync may change (`sync.manage`, `sync.outOfScope`), as
 * plain data. Without it the planner manages every account (what `domains: ["*"]` says).
 */
export interface ManagePolicy {
  /** Lower-case userName domains whose accounts are ours, or every account. */
  domains: '*' | readonly string[];
  /** Whether ledger accounts count as ours (`sync.manage.linked`). */
  linked: boolean;
  /** The ledger's accounts by service id (also used for "was in scope at the last run", whatever `linked` says). */
  ledger: ReadonlyMap<string, LedgerEntry>;
  /** A row that left `source.scope`: leave its account alone, or deactivate it as a leaver. */
  outOfScope: 'ignore' | 'deactivate';
}

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
  /** Which accounts are ours; absent: every account. */
  manage?: ManagePolicy;
}

export interface Plan {
  operations: Operation[];
  /** Remote users that match the roster and need nothing. */
  unchanged: number;
  /** Remote users left alone on purpose, with why (protected, rejected row, ...). */
  skipped: SkippedUser[];
  /** Differences the service can't apply (e.g. locale on Postman). */
  notUpdatable: NotUpdatable[];
  /** Accounts that aren't this sync's (sync.manage): never changed, only counted and listed. */
  unmanaged: UnmanagedAccount[];
  /** Accounts matched one-to-one by an in-scope row (protected ones aside): this sync's, kept in the ledger. A set, in roster order. */
  matched: string[];
  /** `sync.protect` entries that match no account on the service (a typo protects no one). */
  unmatchedProtect: string[];
  /** The groups the roster names and their memberships (`groups`); absent when groups aren't configured. */
  groups?: GroupPlan;
}

export interface SkippedUser {
  userName: string;
  id?: string;
  /** `before-start`: the row's start date is further ahead than sync.createDaysBeforeStart (see the report's `pending`). */
  reason: 'protected' | 'rejected-row' | 'inactive-not-on-service' | 'ambiguous-match' | 'out-of-scope' | 'before-start';
}

/** An account scim-sync leaves alone because it isn't one it manages. */
export interface UnmanagedAccount {
  id: string;
  userName: string;
  active: boolean;
  /**
   * This sync once deactivated it as a leaver (it is in the ledger) and someone has reactivated it
   * since: another sync took the person over, or an admin decided so. It leaves the ledger.
   */
  released?: boolean;
}

/** The userName an operation is about: the roster's for a create, the service's otherwise. */
export function operationUserName(op: Operation): string {
  return op.kind === 'create' ? op.user.userName : op.remote.userName;
}
