import type { Operation, PlanPolicy, SkippedUser } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { RosterUser } from '../domain/roster.js';
import { plan } from './plan.js';

export type AdoptionDecision = { adopt: true; operations: Operation[] } | { adopt: false; reason: SkippedUser['reason'] };

/**
 * A create met 409 and the lookup found the account holding that userName. Plan for it exactly
 * like for any matched account (reactivate it, fix its name), unless the planner would not call
 * it this person's: it carries another externalId, or is protected. Adopting it then would hand
 * one person's account to another, so the 409 stands for a human to sort out.
 */
export function planAdoption(user: RosterUser, existing: RemoteUser, policy: PlanPolicy): AdoptionDecision {
  const followUp = plan({ users: [user], rejected: [] }, [existing], { ...policy, only: undefined, deactivateMissing: false });
  const notOurs = followUp.skipped[0]?.reason;
  if (notOurs !== undefined) return { adopt: false, reason: notOurs };
  return { adopt: true, operations: followUp.operations };
}
