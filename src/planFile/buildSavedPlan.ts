import { isDeepStrictEqual } from 'node:util';
import type { Operation } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import { PLAN_FILE_FORMAT, type PlannedOperation, type SavedPlan } from '../domain/savedPlan.js';
import { describeOperation } from '../execute/describeOperation.js';
import { plannedAgainst } from '../plan/preconditions.js';
import { buildRequests, type RequestContext } from '../providers/buildRequests.js';
import { planDigest } from './planDigest.js';

/** Where a plan comes from and what it is for; everything but the operations. */
export interface SavedPlanFacts {
  runId: string;
  createdAt: Date;
  config: SavedPlan['config'];
  roster: SavedPlan['roster'];
  service: SavedPlan['service'];
  safety?: SavedPlan['safety'];
}

/**
 * The plan as a file: every operation with the requests it sends and the state it was planned
 * against, and a digest over all of it. `compare`: the attributes the planner compares, whose
 * values the updates depend on.
 */
export function buildSavedPlan(
  operations: readonly Operation[],
  remoteUsers: readonly RemoteUser[],
  compare: readonly string[],
  requests: RequestContext,
  facts: SavedPlanFacts,
): SavedPlan {
  const planned = operations.map((op): PlannedOperation => {
    const { op: kind, userName, externalId, id, changes } = describeOperation(op, 'planned');
    return {
      resource: 'User',
      op: kind,
      userName,
      externalId,
      id,
      changes: changes ?? '',
      operation: op,
      requests: buildRequests(op, requests),
      plannedAgainst: plannedAgainst(op, compare, remoteUsers),
    };
  });
  const { createdAt, ...rest } = facts;
  // As it will be read back: JSON has no undefined, so the digest is of exactly what the file holds.
  const content = asJson({ format: PLAN_FILE_FORMAT, createdAt: createdAt.toISOString(), ...rest, operations: planned }) as Omit<SavedPlan, 'digest'>;
  return { ...content, digest: planDigest(content) };
}

/**
 * Whether the requests `operation` makes on this service now are the ones the plan holds. They
 * are, unless the service's PATCH support changed since (or the file was crafted to disagree
 * with itself): then the operation is not sent, since what would go out is not what was approved.
 */
export function requestsStillMatch(planned: PlannedOperation, requests: RequestContext): boolean {
  return isDeepStrictEqual(asJson(buildRequests(planned.operation, requests)), asJson(planned.requests));
}

function asJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
