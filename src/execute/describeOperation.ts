import type { Operation } from '../domain/types.js';
import { operationUserName } from '../plan/plan.js';
import { describeChanges } from '../scim/userRequests.js';
import type { OperationOutcome, OutcomeStatus } from './outcome.js';

/** The report line for an operation before anything is known about how it went. */
export function describeOperation(op: Operation, outcome: OutcomeStatus): OperationOutcome {
  const base: OperationOutcome = {
    op: op.kind,
    userName: operationUserName(op),
    externalId: op.kind === 'deactivate' ? (op.remote.externalId ?? op.user?.externalId) : op.user.externalId,
    id: op.kind === 'create' ? undefined : op.remote.id,
    outcome,
  };
  if (op.kind === 'update' || (op.kind === 'reactivate' && op.changes.length > 0)) {
    base.changes = (op.kind === 'reactivate' ? 'active: false → true, ' : '') + describeChanges(op.changes);
  } else if (op.kind === 'reactivate') base.changes = 'active: false → true';
  else if (op.kind === 'deactivate') base.changes = `active: true → false (${op.reason})`;
  else base.changes = 'new user';
  return base;
}
