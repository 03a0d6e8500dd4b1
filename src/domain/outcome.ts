import type { GroupOperationOutcome } from './groupOperation.js';
import type { DeactivationReason, ManagedBy, OperationKind } from './plan.js';
import type { RemoteUser } from './remoteUser.js';
import type { RosterUser } from './roster.js';

/** How a failed request is classified (see scim/classifyFailure.ts); each class says what happens next. */
export type FailureKind = 'transient' | 'conflict' | 'gone' | 'rejected' | 'no-slots' | 'run-fatal';

/**
 * What happened to one planned operation. Every planned operation gets exactly one, so the
 * report can always account for all of them, even after a crash-stop or a signal.
 */
export type OutcomeStatus =
  | 'succeeded'
  | 'failed'
  | 'planned' // dry run: would have been sent
  | 'not-attempted' // the run stopped (fatal error, circuit breaker, signal) before it started
  | 'skipped'; // deliberately not sent (e.g. creates after "No slots available", or stale in `apply`)

export interface OperationOutcome {
  op: OperationKind;
  userName: string;
  externalId?: string;
  id?: string;
  outcome: OutcomeStatus;
  /** What changes, for people reading the report ("givenName: Bob → Robert"). */
  changes?: string;
  /** A deactivation's why: missing from the roster, inactive in it, or left `source.scope`. */
  reason?: DeactivationReason;
  /** For an account missing from the roster: what makes it this sync's (its domain, the ledger, or `"*"`). */
  managedBy?: ManagedBy;
  /** A create that met 409 and took over the existing account. */
  adopted?: boolean;
  httpStatus?: number;
  failureKind?: FailureKind;
  detail?: string;
  /**
   * `apply` skipped this saved operation because its account changed since the plan was made:
   * what changed ("active is now false; planned against true").
   */
  stale?: string;
}

export interface ExecutionResult {
  outcomes: OperationOutcome[];
  /**
   * Creates that found an account the person may already have (a 409 and the lookup, or the
   * externalId lookup before the POST). Execution does not decide whether to take it over: the
   * run asks the planner (see plan/adoption.ts), then has the executor adopt it. Until then their
   * outcome says `failed`, as a conflict.
   */
  conflicts?: FoundAccount[];
  /** The group operations (`groups`), in the order they were planned; absent when groups aren't configured. */
  groups?: GroupOperationOutcome[];
  /** Why the run stopped early, if it did. */
  stoppedBecause?: { kind: 'run-fatal' | 'circuit-breaker' | 'interrupted'; reason: string; httpStatus?: number; detail?: string };
}

/** A create that found the person may already have an account, and the account(s) found. */
export interface FoundAccount {
  /** Index of the create in the executed operations (and of its outcome). */
  index: number;
  user: RosterUser;
  /** The account holding the userName (after a 409), or those carrying the person's externalId. */
  accounts: RemoteUser[];
  /** How they were found: a 409 on the POST, or the externalId lookup before it. */
  via: 'conflict' | 'externalId';
}
