/*
 * Group operations: what the planner decides about the groups the roster names (see
 * src/plan/groupPlan.ts). Plain data like the user operations; the executors turn each into one
 * request (a create, a membership PATCH of at most `groups.membersPerRequest` members, a delete).
 */

/** Why someone is added to or removed from a managed group. */
export type MembershipReason =
  | 'named-by-row' //     added: their in-scope, active roster row names the group
  | 'not-named-by-row' // removed: their row names other groups (a department change, a renamed template)
  | 'leaver'; //          removed: the account is (being) deactivated, or its row says the person left

export interface GroupMember {
  userName: string;
  /** The account's id; absent for a new hire created earlier in the same run (the create's answer gives it). */
  id?: string;
  reason: MembershipReason;
}

/** A group by its id on the service, or (created in this run) by its displayName alone. */
export interface GroupRef {
  displayName: string;
  id?: string;
}

export type GroupOperation =
  | { kind: 'create-group'; group: GroupRef; members: GroupMember[] }
  | { kind: 'add-members'; group: GroupRef; members: GroupMember[] }
  | { kind: 'remove-members'; group: GroupRef; members: GroupMember[] }
  | { kind: 'delete-group'; group: GroupRef & { id: string } };

export type GroupOperationKind = GroupOperation['kind'];

export const GROUP_OPERATION_KINDS: readonly GroupOperationKind[] = ['create-group', 'add-members', 'remove-members', 'delete-group'];

/** What the planner decided about groups, with the counts the safety check and the report need. */
export interface GroupPlan {
  /** In execution order: removals, then creates, then additions, then deletes (groups.deleteEmpty). */
  operations: GroupOperation[];
  /** The managed groups: on the service (with id) or to be created; for the ledger and the report. */
  managed: GroupRef[];
  /** Groups on the service this sync doesn't manage: listed, never read further, never changed. */
  unmanaged: number;
  /** Memberships of managed accounts in managed groups as found: what groups.maxMemberRemovals is a share of. */
  managedMemberships: number;
  /** Members removed in total (over all remove-members operations). */
  memberRemovals: number;
}

/** What happened to one group operation (the report's `groups.operations`). */
export interface GroupOperationOutcome {
  op: GroupOperationKind;
  group: string;
  groupId?: string;
  members: { userName: string; reason: MembershipReason }[];
  outcome: 'succeeded' | 'failed' | 'planned' | 'not-attempted' | 'skipped';
  /** A create that met 409 (someone made the group meanwhile) and took it over. */
  adopted?: boolean;
  httpStatus?: number;
  detail?: string;
}
