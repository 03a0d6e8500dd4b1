import type { Ledger } from '../../domain/ledger.js';
import type { ManagePolicy, Plan, PlanPolicy } from '../../domain/plan.js';
import type { RemoteUser } from '../../domain/remoteUser.js';
import type { Roster } from '../../domain/roster.js';
import { userNameKey } from '../../domain/userNameKey.js';
import { DryRunExecutor } from '../../execute/dryRunExecutor.js';
import type { PendingStart, UpcomingChange } from '../../domain/lifecycle.js';
import { applyLifecycleDates } from '../../plan/lifecycleDates.js';
import { plan } from '../../plan/plan.js';
import { managedDomains } from '../../plan/managedDomains.js';
import { checkMemberRemovals, checkPlan, type Refusal } from '../../plan/safety.js';
import type { RemoteGroup } from '../../domain/remoteGroup.js';
import type { GroupInputs } from '../../plan/groupPlan.js';
import { describeGroupOperation } from '../../execute/groupExecutor.js';
import type { ManageSummary } from '../../report/runReport.js';
import { resolveUpcoming } from '../../plan/upcomingOperations.js';
import { logShownInSummary, type RunContext, type RunStop } from '../runContext.js';
import { planPolicy, profileOf } from '../syncPolicy.js';
import { refusedBy, safetyPolicy } from './loadInputs.js';

export interface CheckedPlan {
  plan: Plan;
  /** The policy it was made by; a 409's adoption is planned by the same one. */
  policy: PlanPolicy;
  /** The user list it was made from (the ledger is brought up to date from it). */
  remoteUsers: readonly RemoteUser[];
  /** Which accounts were this run's to change, and why (the report's `manage`). */
  manage: ManageSummary;
  /** What the roster's start and end dates decided at the run's `now`. */
  lifecycle: Lifecycle;
}

export interface Lifecycle {
  pending: PendingStart[];
  upcoming: UpcomingChange[];
  /** The next instant a date changes a row's state (ISO, UTC): a cycle after it must read and plan again. */
  nextChangeAt?: string;
}

/**
 * Phase 3: the pure planner decides, then the safety checks judge the whole plan before a
 * single write. A refused plan still comes back (as `planned`) so the report shows it in full.
 */
export async function planAndCheck(
  run: RunContext,
  roster: Roster,
  remoteUsers: readonly RemoteUser[],
  ledger: Ledger,
  remoteGroups?: readonly RemoteGroup[],
): Promise<{ checked: CheckedPlan; refusal?: RunStop; finding?: Refusal }> {
  const { manage, summary } = managePolicy(run, roster, ledger);
  const policy = planPolicy(run.config, { only: run.options.only, noticed: run.state.notices, manage });
  // Dated rows become active, inactive or pending at the run's `now` first; the planner then
  // decides from that as from any status column.
  const dated = applyLifecycleDates(roster.users, { now: run.now, createDaysBeforeStart: run.config.sync.createDaysBeforeStart });
  const thePlan = plan({ ...roster, users: dated.users }, remoteUsers, policy, groupInputs(run, ledger, remoteGroups));
  const lifecycle = { pending: dated.pending, upcoming: resolveUpcoming(dated.upcoming, remoteUsers), nextChangeAt: dated.nextChangeAt };
  const outOfScope = thePlan.skipped.filter((s) => s.reason === 'out-of-scope').length;
  const managed = remoteUsers.length - thePlan.unmanaged.length - outOfScope;
  const checked = { plan: thePlan, policy, remoteUsers, manage: { ...summary, managed }, lifecycle };
  for (const account of thePlan.unmanaged.filter((u) => u.released)) {
    run.logger.warn(
      { userName: account.userName, id: account.id },
      `${account.userName} was deactivated by this sync as a leaver and has been reactivated since (by another sync or an admin): it leaves the ledger and is no longer managed`,
    );
  }
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
  const unknown = unknownOnlyNames(run.options.only, roster, remoteUsers);
  if (unknown.length > 0) {
    const refusal = refusedBy(run, {
      outcome: 'unusable-input',
      reason: `--only names ${unknown.join(', ')}, found neither in the roster nor on the service`,
      howToProceed: 'check the spelling (userNames are matched in any case); nothing was sent',
    });
    return { checked, refusal };
  }
  const userRefusal = checkPlan(thePlan, remoteUsers, safetyPolicy(run));
  const refusal = userRefusal ?? checkMemberRemovals(thePlan.groups, safetyPolicy(run));
  const notForApply = refusal && !userRefusal ? 'plan files carry user operations only, so group changes are approved with --allow-member-removals' : undefined;
  if (refusal && run.options.savePlanTo !== undefined) {
    // `scim-sync plan` reports the limit instead of refusing: the saved plan is what gets reviewed.
    run.logger.warn({ reason: refusal.reason }, 'the plan exceeds a safety limit: a run would refuse it; apply the saved plan only after reviewing it');
    return { checked, finding: refusal };
  }
  if (refusal) {
    const planned = (await new DryRunExecutor().execute(thePlan.operations)).outcomes;
    const plannedGroups = thePlan.groups?.operations.map((op) => describeGroupOperation(op, 'planned'));
    return { checked, refusal: { ...refusedBy(run, refusal), planned, plannedGroups, ...(notForApply !== undefined && { notForApply }) } };
  }
  return { checked };
}

/** With `groups`: the groups listed on the service, and how this service and config want them planned. */
function groupInputs(run: RunContext, ledger: Ledger, remoteGroups: readonly RemoteGroup[] | undefined): GroupInputs | undefined {
  const settings = run.config.groups;
  const dialect = profileOf(run.config).groups;
  if (!settings || !dialect || !remoteGroups) return undefined;
  return {
    remoteGroups,
    policy: {
      membersPerRequest: settings.membersPerRequest,
      deleteEmpty: settings.deleteEmpty,
      caseExact: dialect.displayNameCaseExact,
      ledger: ledger.groups ?? new Map(),
    },
  };
}

/** `sync.manage` and `sync.outOfScope` for this run: the domains (configured, or the default), the ledger. */
function managePolicy(run: RunContext, roster: Roster, ledger: Ledger): { manage: ManagePolicy; summary: Omit<ManageSummary, 'managed'> } {
  const { manage: settings, outOfScope } = run.config.sync;
  const { domains, from } = managedDomains(settings.domains, roster.users, ledger.domains);
  return {
    manage: { domains, linked: settings.linked, ledger: ledger.users, outOfScope },
    summary: { domains, domainsFrom: from, linked: settings.linked, ledgerAccounts: ledger.users.size },
  };
}

/** `--only` names that match nobody: a typo must not look like a fix that had nothing to do. */
function unknownOnlyNames(only: readonly string[] | undefined, roster: Roster, remoteUsers: readonly RemoteUser[]): string[] {
  if (only === undefined) return [];
  const known = new Set([...roster.users, ...roster.rejected, ...remoteUsers].flatMap((u) => (u.userName ? [userNameKey(u.userName)] : [])));
  return only.filter((name) => !known.has(userNameKey(name)));
}
