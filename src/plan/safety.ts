import type { GroupPlan } from '../domain/groupOperation.js';
import type { Plan } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { Roster } from '../domain/roster.js';
import { protectList } from './protectList.js';

/**
 * Pure guards against mass lock-out, checked after planning and before any write. Each returns
 * a refusal (how the run ends and what to do next) or nothing.
 */
export interface SafetyPolicy {
  /** A count, or a share of managed users such as "10%". */
  maxDeactivations: number | string;
  /** From `--allow-deactivations N`: the operator has checked and accepts up to N. */
  allowDeactivations?: number;
  /** `groups.maxMemberRemovals`: a count, or a share of the managed memberships found; absent without groups. */
  maxMemberRemovals?: number | string;
  /** From `--allow-member-removals N`. */
  allowMemberRemovals?: number;
  /** The advice differs: a dry run has just listed the plan, the next step is the real run. */
  dryRun?: boolean;
  /** Share of rows that may be rejected before the roster is considered broken. */
  maxRejectedShare: number;
  protect: readonly string[];
  /** Accepted rows of the last run that applied its roster, to notice a truncated export. */
  previousRosterRows?: number;
  /**
   * The daemon's config file, when the daemon runs: it takes no flags, so its operator is told to
   * run once by hand with the same config (and so the same state dir) instead.
   */
  daemonConfigFile?: string;
}

export interface Refusal {
  /** Too many rejected rows make the input unusable; the other checks refuse a usable input as unsafe. */
  outcome: 'unusable-input' | 'refused';
  reason: string;
  /** What the operator should do next. */
  howToProceed: string;
}

export const EMPTY_ROSTER_ADVICE = 'check the HR export; an empty roster would deactivate everyone, so scim-sync never applies one';

/** Checks on the roster alone (before reading the service). */
export function checkRoster(roster: Roster, policy: SafetyPolicy): Refusal | undefined {
  if (roster.rows === 0) {
    return {
      outcome: 'refused',
      reason: `the roster ${roster.file} has no data rows`,
      howToProceed: EMPTY_ROSTER_ADVICE,
    };
  }
  const share = roster.rejected.length / roster.rows;
  if (share > policy.maxRejectedShare) {
    return {
      outcome: 'unusable-input',
      reason: `${roster.rejected.length} of ${roster.rows} roster rows were rejected (${percent(share)}), more than source.maxRejectedShare (${percent(policy.maxRejectedShare)})`,
      howToProceed: 'fix the rows listed under roster.rejected in the report, or raise source.maxRejectedShare',
    };
  }
  const outOfScope = roster.outOfScope?.length ?? 0;
  if (roster.users.length === 0 && outOfScope > 0) {
    // Every usable row is out of scope: most likely a typo in a scope value ("Employe"), and
    // applying it would treat everyone this sync manages as a leaver.
    return {
      outcome: 'refused',
      reason: `no row of the roster ${roster.file} is in source.scope (${outOfScope} of ${roster.rows} rows are out of scope)`,
      howToProceed: 'check the values in source.scope against the roster (they are compared case-insensitively) and the export itself',
    };
  }
  const previous = policy.previousRosterRows;
  const lost = previous === undefined ? 0 : previous - roster.users.length;
  if (previous && lost > 0 && policy.allowDeactivations === undefined) {
    // The same limit, rounded the same way, as the deactivation cap below: a 5-person team at
    // "10%" may lose one row, exactly as it may have one leaver deactivated.
    const tooMany = lost > capOf(policy.maxDeactivations, previous);
    if (tooMany) {
      return {
        outcome: 'refused',
        reason: `the roster has ${roster.users.length} usable rows, ${lost} fewer (${percent(lost / previous)}) than the ${previous} of the last run that applied the roster; sync.maxDeactivations is ${policy.maxDeactivations}`,
        howToProceed: `check the HR export is complete; if the drop is real, ${allowOnce(policy, lost, 're-run')}`,
      };
    }
  }
  return undefined;
}

/** Checks on the plan: never deactivate more than the cap unless the operator allowed it. */
export function checkPlan(plan: Plan, remoteUsers: readonly RemoteUser[], policy: SafetyPolicy): Refusal | undefined {
  const deactivations = plan.operations.filter((op) => op.kind === 'deactivate').length;
  // No cap refuses nothing; counting the managed accounts is a pass over all of them.
  if (deactivations === 0) return undefined;
  const cap = deactivationCap(remoteUsers, policy, plan);
  if (deactivations <= cap) return undefined;
  if (policy.allowDeactivations !== undefined && deactivations <= policy.allowDeactivations) return undefined;
  return {
    outcome: 'refused',
    reason: `the plan deactivates ${deactivations} users, more than sync.maxDeactivations allows (${cap}${typeof policy.maxDeactivations === 'string' ? ` = ${policy.maxDeactivations} of ${managedCount(remoteUsers, policy, plan)} managed users` : ''})`,
    howToProceed: policy.dryRun
      ? `check the planned deactivations listed in the report; if they are right, run without --dry-run, with --allow-deactivations ${deactivations}, or raise sync.maxDeactivations`
      : policy.daemonConfigFile !== undefined
        ? `check the planned deactivations in the report; if they are right, ${allowOnce(policy, deactivations, 're-run')}, or raise sync.maxDeactivations and restart the daemon`
        : `check the planned deactivations in the report (or with --dry-run); if they are right, re-run with --allow-deactivations ${deactivations} or raise sync.maxDeactivations`,
  };
}

/**
 * Never remove more group memberships than the cap unless the operator allowed it: a broken
 * department column would otherwise strip everyone of their access at once, as surely as a
 * truncated roster would deactivate them.
 */
export function checkMemberRemovals(groups: GroupPlan | undefined, policy: SafetyPolicy): Refusal | undefined {
  if (!groups || policy.maxMemberRemovals === undefined) return undefined;
  const removals = groups.memberRemovals;
  const cap = capOf(policy.maxMemberRemovals, groups.managedMemberships);
  if (removals <= cap) return undefined;
  if (policy.allowMemberRemovals !== undefined && removals <= policy.allowMemberRemovals) return undefined;
  const share = typeof policy.maxMemberRemovals === 'string' ? ` = ${policy.maxMemberRemovals} of ${groups.managedMemberships} managed memberships` : '';
  const flag = `--allow-member-removals ${removals}`;
  return {
    outcome: 'refused',
    reason: `the plan removes ${removals} members from managed groups, more than groups.maxMemberRemovals allows (${cap}${share})`,
    howToProceed: policy.dryRun
      ? `check the planned removals (remove-members) listed in the report; if they are right, run without --dry-run, with ${flag}, or raise groups.maxMemberRemovals`
      : policy.daemonConfigFile !== undefined
        ? `check the planned removals in the report; if they are right, apply it once by hand with the daemon's config and environment: scim-sync run --config ${policy.daemonConfigFile} ${flag} (the daemon's next runs go on as usual), or raise groups.maxMemberRemovals and restart the daemon`
        : `check the planned removals (remove-members) in the report (or with --dry-run); if they are right, re-run with ${flag} or raise groups.maxMemberRemovals`,
  };
}

/**
 * How to let a checked drop through once. The daemon takes no flags: its operator runs one
 * one-shot `run` with the daemon's config (same state dir, same environment), and the daemon's
 * next runs then find nothing left above the cap.
 */
function allowOnce(policy: SafetyPolicy, n: number, verb: string): string {
  if (policy.daemonConfigFile === undefined) return `${verb} with --allow-deactivations ${n}`;
  return (
    `apply it once by hand with the daemon's config and environment (so the same state dir): ` +
    `scim-sync run --config ${policy.daemonConfigFile} --allow-deactivations ${n} (the daemon's next runs go on as usual)`
  );
}

/**
 * Users scim-sync manages: active on the service, not protected, and not unmanaged (sync.manage).
 * A service full of bots and guests must not widen the share of employees one run may lock out.
 */
function managedCount(remoteUsers: readonly RemoteUser[], policy: SafetyPolicy, plan?: Pick<Plan, 'unmanaged'>): number {
  const protectedNames = protectList(policy.protect);
  const unmanaged = new Set((plan?.unmanaged ?? []).map((u) => u.id));
  return remoteUsers.filter((u) => u.active && !protectedNames.covers(u.userName) && !unmanaged.has(u.id)).length;
}

/** A percentage rounds up, so "10%" of a 5-person team still allows one leaver. */
export function deactivationCap(remoteUsers: readonly RemoteUser[], policy: SafetyPolicy, plan?: Pick<Plan, 'unmanaged'>): number {
  return capOf(policy.maxDeactivations, managedCount(remoteUsers, policy, plan));
}

/**
 * A count, or a percentage of `total` rounded up. Percent times total first, divided after:
 * 0.07 * 100 is 7.000000000000001 in floating point, which would round "7%" of 100 up to 8.
 */
function capOf(limit: number | string, total: number): number {
  if (typeof limit === 'string' && limit.endsWith('%')) return Math.ceil((Number(limit.slice(0, -1)) * total) / 100);
  return Number(limit);
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}
