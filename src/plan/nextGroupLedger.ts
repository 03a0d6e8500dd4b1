import type { GroupOperationOutcome, GroupPlan } from '../domain/groupOperation.js';
import type { GroupLedgerEntry } from '../domain/ledger.js';

/**
 * The ledger's groups after a run that executed its plan (pure; the run writes them): every
 * managed group still on the service (those of earlier runs, and hand-made ones adopted now), the
 * groups created or adopted after a 409, less those deleted. A managed group gone from the service
 * leaves the ledger; if the roster still names it, the next plan creates it again.
 */
export function nextGroupLedger(
  previous: ReadonlyMap<string, GroupLedgerEntry> | undefined,
  groups: Pick<GroupPlan, 'managed'>,
  outcomes: readonly GroupOperationOutcome[],
  now: Date,
): Map<string, GroupLedgerEntry> {
  const at = now.toISOString();
  const next = new Map<string, GroupLedgerEntry>();
  const keep = (id: string, displayName: string) => next.set(id, { displayName, linkedAt: previous?.get(id)?.linkedAt ?? at });
  for (const group of groups.managed) if (group.id !== undefined) keep(group.id, group.displayName);
  for (const outcome of outcomes) {
    if (outcome.outcome !== 'succeeded' || outcome.groupId === undefined) continue;
    if (outcome.op === 'create-group') keep(outcome.groupId, outcome.group);
    if (outcome.op === 'delete-group') next.delete(outcome.groupId);
  }
  return next;
}
