import type { Ledger, LedgerEntry } from '../domain/ledger.js';
import type { OperationOutcome } from '../domain/outcome.js';
import type { Plan } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';

export interface LedgerFacts {
  plan: Pick<Plan, 'matched' | 'unmanaged' | 'skipped'>;
  /** How the plan's operations went (only what succeeded changes the ledger). */
  outcomes: readonly OperationOutcome[];
  /** The whole user list this run read. */
  remoteUsers: readonly RemoteUser[];
  /** The domains this run managed (`"*"`: the ledger keeps what it had). */
  domains: '*' | readonly string[];
  now: Date;
}

/**
 * The ledger after a run that executed its plan (pure; the run writes it). It gains the accounts
 * matched to an in-scope row and those created; it notes the leavers deactivated; it lets go of
 * accounts that are no longer this sync's — gone from the service, out of scope, or reactivated
 * by someone else after this sync deactivated them.
 */
export function nextLedger(previous: Ledger, facts: LedgerFacts): Ledger {
  const at = facts.now.toISOString();
  const onService = new Map(facts.remoteUsers.map((r) => [r.id, r]));
  const users = new Map<string, LedgerEntry>();
  for (const [id, entry] of previous.users) if (onService.has(id)) users.set(id, entry);

  const link = (id: string, userName: string, externalId: string | undefined) => {
    const linkedAt = users.get(id)?.linkedAt ?? at;
    users.set(id, { userName, ...(externalId !== undefined && { externalId }), linkedAt });
  };
  for (const id of facts.plan.matched) {
    const remote = onService.get(id);
    if (remote) link(id, remote.userName, remote.externalId);
  }
  for (const outcome of facts.outcomes) {
    if (outcome.outcome !== 'succeeded' || outcome.id === undefined) continue;
    if (outcome.op === 'create') link(outcome.id, outcome.userName, outcome.externalId);
    const leaver = outcome.op === 'deactivate' && (outcome.reason === 'missing-from-roster' || outcome.reason === 'left-scope');
    const entry = users.get(outcome.id);
    if (leaver && entry) users.set(outcome.id, { ...entry, leftAt: at });
  }
  for (const account of facts.plan.unmanaged) if (account.released) users.delete(account.id);
  for (const skip of facts.plan.skipped) if (skip.reason === 'out-of-scope' && skip.id !== undefined) users.delete(skip.id);

  return { users, domains: facts.domains === '*' ? previous.domains : [...facts.domains], groups: previous.groups };
}
