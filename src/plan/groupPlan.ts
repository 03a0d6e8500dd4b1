import type { GroupMember, GroupOperation, GroupPlan, GroupRef } from '../domain/groupOperation.js';
import type { GroupLedgerEntry } from '../domain/ledger.js';
import type { RemoteGroup } from '../domain/remoteGroup.js';
import { userNameKey } from '../domain/userNameKey.js';

/** How groups are planned on this service and config (`groups.*`, the profile, the ledger). */
export interface GroupPolicy {
  /** Members per membership request (`groups.membersPerRequest`); a create carries at most this many too. */
  membersPerRequest: number;
  /** Delete a managed group that ends up empty and that the roster no longer names (`groups.deleteEmpty`). */
  deleteEmpty: boolean;
  /**
   * Whether the service tells displayNames apart by case. Postman documents its displayName filter
   * as case-sensitive, so "Dept - Sales" and "Dept - sales" are two groups there; RFC 7643's Group
   * schema says displayName is not caseExact, so on a generic service they are one.
   */
  caseExact: boolean;
  /** Groups managed at earlier runs, by service id. */
  ledger: ReadonlyMap<string, GroupLedgerEntry>;
}

/** What the group planner needs besides the user plan: the groups listed on the service, and the policy. */
export interface GroupInputs {
  remoteGroups: readonly RemoteGroup[];
  policy: GroupPolicy;
}

/**
 * One account whose group memberships this sync decides, as the user planner found it: matched to
 * an in-scope row (or created for one), or a managed account no active row claims (a leaver).
 * Every other account — protected, unmanaged, out of scope, shielded by a rejected row, pending,
 * ambiguous — is not placed, and stays in whatever groups it is in.
 */
export interface Placement {
  /** Absent: the account this run creates for the row. */
  id?: string;
  userName: string;
  /** The groups its row names (empty for a leaver). */
  groups: readonly string[];
  /** The account is (being) deactivated or its row says the person left: removed from every managed group. */
  leaver: boolean;
}

/**
 * The group half of the plan (pure, called from plan()). A group is managed when an active
 * in-scope row names it now, or the ledger holds it from an earlier run; a managed group's members
 * are then exactly the placed accounts whose rows name it. Members who aren't placed accounts are
 * left in place. Groups nobody manages are counted, never changed. A name no group on the service
 * has becomes a create (never a rename: a changed template makes a new group, and the old one,
 * still in the ledger, empties). Nothing is deleted unless `deleteEmpty`.
 */
export function planGroups(placements: readonly Placement[], { remoteGroups, policy }: GroupInputs, only?: readonly string[]): GroupPlan {
  const keyOf = (name: string) => (policy.caseExact ? name : name.toLowerCase());
  const placed = new Map<string, Placement>();
  for (const p of placements) if (p.id !== undefined) placed.set(p.id, p);

  // What the roster wants, by group key: the members (by id, or by userName for a new hire).
  const wanted = new Map<string, { displayName: string; members: Map<string, GroupMember> }>();
  for (const p of placements) {
    if (p.leaver) continue;
    for (const name of p.groups) {
      const key = keyOf(name);
      let group = wanted.get(key);
      if (!group) wanted.set(key, (group = { displayName: name, members: new Map() }));
      // Case variants of one name on a service that ignores case: the first in sort order names the new group.
      else if (name < group.displayName) group.displayName = name;
      group.members.set(p.id ?? `new:${userNameKey(p.userName)}`, { userName: p.userName, ...(p.id !== undefined && { id: p.id }), reason: 'named-by-row' });
    }
  }

  // The one group on the service each wanted name is kept in: the ledger's, else the oldest id.
  const target = new Map<string, RemoteGroup>();
  const sortedRemote = [...remoteGroups].sort((a, b) => compareText(a.displayName, b.displayName) || compareText(a.id, b.id));
  for (const g of sortedRemote) {
    const key = keyOf(g.displayName);
    if (!wanted.has(key)) continue;
    const current = target.get(key);
    if (!current || (policy.ledger.has(g.id) && !policy.ledger.has(current.id))) target.set(key, g);
  }
  const targets = new Set([...target.values()].map((g) => g.id));

  const removals: GroupOperation[] = [];
  const creates: GroupOperation[] = [];
  const additions: GroupOperation[] = [];
  const deletes: GroupOperation[] = [];
  const managed: GroupRef[] = [];
  let unmanaged = 0;
  let managedMemberships = 0;
  let memberRemovals = 0;
  const chunk = (members: GroupMember[]) => chunks(members.sort(byUserName), policy.membersPerRequest);

  for (const g of sortedRemote) {
    const isTarget = targets.has(g.id);
    if (!isTarget && !policy.ledger.has(g.id)) {
      unmanaged++;
      continue;
    }
    const ref = { displayName: g.displayName, id: g.id };
    managed.push(ref);
    const want = isTarget ? wanted.get(keyOf(g.displayName))!.members : new Map<string, GroupMember>();
    const current = new Set(g.members);
    const gone: GroupMember[] = [];
    for (const id of current) {
      const p = placed.get(id);
      if (!p) continue; // not an account this sync decides for: left in place
      managedMemberships++;
      if (!want.has(id)) gone.push({ userName: p.userName, id, reason: p.leaver ? 'leaver' : 'not-named-by-row' });
    }
    const added = [...want.values()].filter((m) => m.id === undefined || !current.has(m.id));
    memberRemovals += gone.length;
    for (const members of chunk(gone)) removals.push({ kind: 'remove-members', group: ref, members });
    for (const members of chunk(added)) additions.push({ kind: 'add-members', group: ref, members });
    const emptied = added.length === 0 && gone.length === current.size;
    if (policy.deleteEmpty && !isTarget && emptied) deletes.push({ kind: 'delete-group', group: ref });
  }

  const newNames = [...wanted.entries()].filter(([key]) => !target.has(key)).sort(([, a], [, b]) => compareText(a.displayName, b.displayName));
  for (const [, { displayName, members }] of newNames) {
    const [first = [], ...rest] = chunk([...members.values()]);
    const ref = { displayName };
    managed.push(ref);
    creates.push({ kind: 'create-group', group: ref, members: first });
    for (const more of rest) additions.push({ kind: 'add-members', group: ref, members: more });
  }

  const operations = restrictTo([...removals, ...creates, ...additions, ...deletes], only);
  // The cap weighs what will be sent: with --only, the named people's removals alone.
  if (only !== undefined) memberRemovals = operations.reduce((n, op) => n + (op.kind === 'remove-members' ? op.members.length : 0), 0);
  return { operations, managed, unmanaged, managedMemberships, memberRemovals };
}

/** `--only`: just the named people's memberships (groups are created for them if need be; nothing is deleted). */
function restrictTo(operations: GroupOperation[], only: readonly string[] | undefined): GroupOperation[] {
  if (only === undefined) return operations;
  const wanted = new Set(only.map(userNameKey));
  return operations.flatMap((op): GroupOperation[] => {
    if (op.kind === 'delete-group') return [];
    const members = op.members.filter((m) => wanted.has(userNameKey(m.userName)));
    return members.length > 0 ? [{ ...op, members }] : [];
  });
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function byUserName(a: GroupMember, b: GroupMember): number {
  return compareText(userNameKey(a.userName), userNameKey(b.userName)) || compareText(a.userName, b.userName);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
