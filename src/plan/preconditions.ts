import { isDeepStrictEqual } from 'node:util';
import type { AttrValue } from '../domain/attributePaths.js';
import { remoteValue } from '../domain/attributeValues.js';
import type { Operation } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { PlannedAgainst } from '../domain/savedPlan.js';
import { userNameKey } from '../domain/userNameKey.js';

/*
 * Pure: what an operation was planned against, and whether that still holds. A saved plan is
 * approved as it was shown; an account that changed since (reactivated by hand, renamed, given
 * another name) may no longer need — or may no longer be safe to receive — what was approved,
 * so that operation is skipped as stale instead of sent.
 */

/** The attributes every change of an existing account depends on, besides the compared ones. */
const IDENTITY_PATHS = ['active', 'userName', 'externalId'];

/** The state of the service `op` was planned against (`compare`: the attributes the plan compares). */
export function plannedAgainst(op: Operation, compare: readonly string[], remoteUsers: readonly RemoteUser[]): PlannedAgainst {
  if (op.kind === 'create') {
    const { userName, externalId } = op.user;
    return { account: 'new', userName, externalId, holders: holdersOf(userName, externalId, remoteUsers) };
  }
  const attributes: Record<string, AttrValue | null> = {};
  for (const path of new Set([...IDENTITY_PATHS, ...compare])) attributes[path] = valueAt(op.remote, path);
  return { account: 'existing', id: op.remote.id, attributes };
}

/**
 * Why the operation planned against `planned` is stale on the service as read now, or
 * undefined when it still holds. Each difference is named: "active is now false; planned against true".
 */
export function staleness(planned: PlannedAgainst, remoteUsers: readonly RemoteUser[]): string | undefined {
  if (planned.account === 'new') {
    const now = holdersOf(planned.userName, planned.externalId, remoteUsers);
    if (isDeepStrictEqual(now, [...planned.holders].sort())) return undefined;
    const added = now.filter((id) => !planned.holders.includes(id));
    const gone = planned.holders.filter((id) => !now.includes(id));
    const describe = (id: string) => {
      const r = remoteUsers.find((u) => u.id === id)!;
      return `${r.userName} (id ${id}${r.externalId !== undefined ? `, externalId ${r.externalId}` : ''})`;
    };
    return [
      ...(added.length > 0 ? [`an account with this userName or externalId now exists: ${added.map(describe).join(', ')}; planned against none`] : []),
      ...(gone.length > 0 ? [`the account(s) ${gone.join(', ')} holding this userName or externalId when planned are gone`] : []),
    ].join('; ');
  }
  const remote = remoteUsers.find((u) => u.id === planned.id);
  if (!remote) return `the account (id ${planned.id}) no longer exists`;
  const changed = Object.entries(planned.attributes).flatMap(([path, then]) => {
    const now = valueAt(remote, path);
    return sameValue(now, then) ? [] : [`${path} is now ${show(now)}; planned against ${show(then)}`];
  });
  return changed.length > 0 ? changed.join('; ') : undefined;
}

/** Ids of the accounts holding this userName (any case) or externalId, sorted. */
function holdersOf(userName: string, externalId: string | undefined, remoteUsers: readonly RemoteUser[]): string[] {
  const key = userNameKey(userName);
  return remoteUsers
    .filter((r) => userNameKey(r.userName) === key || (externalId !== undefined && externalId !== '' && r.externalId === externalId))
    .map((r) => r.id)
    .sort();
}

function valueAt(remote: RemoteUser, path: string): AttrValue | null {
  if (path === 'active') return remote.active;
  return remoteValue(remote, path) ?? null;
}

/** Exactly equal, as read: any change by someone else since the plan counts, even one of case. */
function sameValue(a: AttrValue | null, b: AttrValue | null): boolean {
  return isDeepStrictEqual(a, b);
}

function show(value: AttrValue | null): string {
  if (value === null) return '(none)';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'boolean' ? String(value) : `[${value.map((v) => JSON.stringify(v)).join(', ')}]`;
}
