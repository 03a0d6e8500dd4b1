import type { Plan, PlanPolicy } from '../../domain/plan.js';
import type { RemoteUser } from '../../domain/remoteUser.js';
import type { Roster } from '../../domain/roster.js';
import { userNameKey } from '../../domain/userNameKey.js';
import { DryRunExecutor } from '../../execute/dryRunExecutor.js';
import { plan } from '../../plan/plan.js';
import { checkPlan } from '../../plan/safety.js';
import { logShownInSummary, type RunContext, type RunStop } from '../runContext.js';
import { planPolicy } from '../syncPolicy.js';
import { refusedBy, safetyPolicy } from './loadInputs.js';

export interface CheckedPlan {
  plan: Plan;
  /** The policy it was made by; a 409's adoption is planned by the same one. */
  policy: PlanPolicy;
}

/**
 * Phase 3: the pure planner decides, then the safety checks judge the whole plan before a
 * single write. A refused plan still comes back (as `planned`) so the report shows it in full.
 */
export async function planAndCheck(run: RunContext, roster: Roster, remoteUsers: readonly RemoteUser[]): Promise<{ checked: CheckedPlan; refusal?: RunStop }> {
  const policy = planPolicy(run.config, { only: run.options.only, noticed: run.state.notices });
  const thePlan = plan(roster, remoteUsers, policy);
  for (const notice of thePlan.notUpdatable.filter((n) => n.isNew)) {
    run.logger.warn(
      { userName: notice.userName, id: notice.id, field: notice.field, from: notice.from, to: notice.to },
      `not updatable on this service: ${notice.field} of ${notice.userName}`,
    );
  }
  if (thePlan.unmatchedProtect.length > 0) {
    // Info, not warn: a `--quiet` cron job would mail it every hour; the report and summary carry it.
    logShownInSummary(
      run,
      'info',
      { unmatchedProtect: thePlan.unmatchedProtect },
      `sync.protect entries that match no account on the service: ${thePlan.unmatchedProtect.map((e) => JSON.stringify(e)).join(', ')} (check the spelling)`,
    );
  }
  const checked = { plan: thePlan, policy };
  const unknown = unknownOnlyNames(run.options.only, roster, remoteUsers);
  if (unknown.length > 0) {
    const refusal = refusedBy(run, {
      outcome: 'unusable-input',
      reason: `--only names ${unknown.join(', ')}, found neither in the roster nor on the service`,
      howToProceed: 'check the spelling (userNames are matched in any case); nothing was sent',
    });
    return { checked, refusal };
  }
  const refusal = checkPlan(thePlan, remoteUsers, safetyPolicy(run));
  if (refusal) {
    const planned = (await new DryRunExecutor().execute(thePlan.operations)).outcomes;
    return { checked, refusal: { ...refusedBy(run, refusal), planned } };
  }
  return { checked };
}

/** `--only` names that match nobody: a typo must not look like a fix that had nothing to do. */
function unknownOnlyNames(only: readonly string[] | undefined, roster: Roster, remoteUsers: readonly RemoteUser[]): string[] {
  if (only === undefined) return [];
  const known = new Set([...roster.users, ...roster.rejected, ...remoteUsers].flatMap((u) => (u.userName ? [userNameKey(u.userName)] : [])));
  return only.filter((name) => !known.has(userNameKey(name)));
}
