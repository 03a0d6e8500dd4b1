import type { Operation, PlanPolicy, SkippedUser } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { RosterUser } from '../domain/roster.js';
import { plan } from './plan.js';

export type AdoptionDecision = { adopt: true; operations: Operation[] } | { adopt: false; reason: SkippedUser['reason'] };

/**
 * A create met 409 and the lookup found the account holding that userName, or the externalId
 * lookup before the POST found accounts the list read missed. Plan for one exactly
 * like for any matched account (reactivate it, fix its name), unless the planner would not call
 * it this person's: it carries another externalId, or is protected. Adopting it then would hand
 * one person's account to another, so the 409 stands for a human to sort out.
 */
export function planAdoption(user: RosterUser, accounts: readonly RemoteUser[], policy: PlanPolicy): AdoptionDecision {
  // Two accounts already carry this externalId: which one is the person's is for a human to say.
  if (accounts.length !== 1) return { adopt: false, reason: 'ambiguous-match' };
  const followUp = plan({ users: [user], rejected: [] }, accounts, { ...policy, only: undefined, deactivateMissing: false });
  const notOurs = followUp.skipped[0]?.reason;
  if (notOurs !== undefined) return { adopt: false, reason: notOurs };
  return { adopt: true, operations: followUp.operations };
}
