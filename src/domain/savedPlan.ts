import type { AttrValue } from './attributePaths.js';
import type { Operation, OperationKind } from './plan.js';

/*
 * A plan saved for review and later `apply`: the approval is of these exact operations and
 * requests, each with the state of the service it was planned against, so `apply` can prove it
 * sends what was approved and nothing made stale since. Plain data (it is a file format).
 */

/** The `format` of plan files this version writes and reads; a change of shape gets a new number. */
export const PLAN_FILE_FORMAT = 'scim-sync-plan/1';

/** One HTTP request as planned (the request builders' ScimRequest, as data). */
export interface PlannedRequest {
  method: string;
  path: string;
  body?: Record<string, unknown>;
  /** PUT to a service without PATCH: the values written into the resource as it is then. */
  applyToCurrent?: ReadonlyArray<readonly [string, AttrValue]>;
}

/**
 * The service's state an operation was planned against. `apply` sends the operation only while
 * it still holds: for a create, the same accounts (usually none) holding the person's userName
 * or externalId — an address a rename in the same plan frees is held at plan time too; for the
 * others, the same id with the same values at every recorded path (`active`, `userName`,
 * `externalId` and the compared attributes; `null` for no value).
 */
export type PlannedAgainst =
  | { account: 'new'; userName: string; externalId?: string; holders: string[] }
  | { account: 'existing'; id: string; attributes: Record<string, AttrValue | null> };

export interface PlannedOperation {
  /** What the operation changes; group operations will join with their own kind. */
  resource: 'User';
  op: OperationKind;
  userName: string;
  externalId?: string;
  id?: string;
  /** For people: "givenName: Bob → Robert". */
  changes: string;
  /** The planner's decision itself; `apply` rebuilds the requests from it and checks they are `requests`. */
  operation: Operation;
  requests: PlannedRequest[];
  plannedAgainst: PlannedAgainst;
}

export interface SavedPlan {
  format: typeof PLAN_FILE_FORMAT;
  createdAt: string;
  /** The run that made it (its report has the same runId). */
  runId: string;
  /** The config file and the fingerprint of the settings that shape a plan (not the token). */
  config: { file: string; sha256: string };
  /** The roster the plan was made from, and its accepted rows (the next run's shrink baseline once applied). */
  roster: { file: string; sha256: string; users: number };
  service: { baseUrl: string; provider: string };
  /** The safety limit this plan exceeds, when one does: why a run refused it, or what `plan` found. */
  safety?: { reason: string; howToProceed: string };
  operations: PlannedOperation[];
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of every other field: any edit changes it. */
  digest: string;
}
