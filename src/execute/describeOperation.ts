import type { FieldChange, Operation } from '../domain/plan.js';
import { operationUserName } from '../domain/plan.js';
import { userNameDomain } from '../domain/ledger.js';
import type { OperationOutcome, OutcomeStatus } from '../domain/outcome.js';

/** The report line for an operation before anything is known about how it went. */
export function describeOperation(op: Operation, outcome: OutcomeStatus): OperationOutcome {
  return {
    op: op.kind,
    userName: operationUserName(op),
    externalId: op.kind === 'deactivate' ? (op.remote.externalId ?? op.user?.externalId) : op.user.externalId,
    id: op.kind === 'create' ? undefined : op.remote.id,
    outcome,
    changes: describeWhatChanges(op),
    ...(op.kind === 'deactivate' && { reason: op.reason, ...(op.managedBy && { managedBy: op.managedBy }) }),
  };
}

/** Why an account is deactivated, in words: the admin checks these before the first real run. */
function whyDeactivated(op: Extract<Operation, { kind: 'deactivate' }>): string {
  if (op.reason === 'inactive-in-roster') return 'inactive in roster';
  if (op.reason === 'left-scope') return 'left source.scope; sync.outOfScope is deactivate';
  switch (op.managedBy) {
    case 'domain':
      return `missing from roster; managed by domain ${userNameDomain(op.remote.userName) ?? ''}`;
    case 'ledger':
      return 'missing from roster; managed by ledger (this sync created or matched it)';
    case 'every-account':
      return 'missing from roster; sync.manage.domains is "*"';
    case undefined:
      return 'missing from roster';
  }
}

/** "givenName: Robert → Bob", for people reading reports and the dry-run table. */
function describeWhatChanges(op: Operation): string {
  switch (op.kind) {
    case 'create':
      return 'new user';
    case 'deactivate':
      return `active: true → false (${whyDeactivated(op)})`;
    case 'reactivate':
      return ['active: false → true', ...op.changes.map(describeChange)].join(', ');
    case 'update':
      return op.changes.map(describeChange).join(', ');
  }
}

function describeChange(change: FieldChange): string {
  const show = (v: FieldChange['from']) => (v === undefined ? '(none)' : Array.isArray(v) ? v.join(';') : String(v));
  return `${change.field.replace(/^name\./, '')}: ${show(change.from)} → ${show(change.to)}`;
}
