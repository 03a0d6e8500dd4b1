import type { UpcomingChange } from '../domain/lifecycle.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import { userNameKey } from '../domain/userNameKey.js';

/**
 * Names the upcoming account day of each pending person after the service's accounts: `create`
 * when they have none, `reactivate` when theirs is disabled (a rehire), nothing when it is active
 * already (made early by hand: it is left as it is). Matched as the planner does it first — by
 * externalId, else by userName in any case; deactivations pass through unchanged.
 */
export function resolveUpcoming(upcoming: readonly UpcomingChange[], remoteUsers: readonly RemoteUser[]): UpcomingChange[] {
  if (!upcoming.some((change) => change.op === 'create')) return [...upcoming];
  const byExternalId = new Map<string, RemoteUser>();
  const byUserName = new Map<string, RemoteUser>();
  for (const remote of remoteUsers) {
    if (remote.externalId !== undefined) byExternalId.set(remote.externalId, remote);
    byUserName.set(userNameKey(remote.userName), remote);
  }
  return upcoming.flatMap((change): UpcomingChange[] => {
    if (change.op !== 'create') return [change];
    const account = byExternalId.get(change.externalId) ?? byUserName.get(userNameKey(change.userName));
    if (!account) return [change];
    return account.active ? [] : [{ ...change, op: 'reactivate' }];
  });
}
