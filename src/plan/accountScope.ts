import type { ManagedBy, ManagePolicy } from '../domain/plan.js';
import type { OutOfScopeRow } from '../domain/roster.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import { userNameDomain } from '../domain/ledger.js';
import { userNameKey } from '../domain/userNameKey.js';

/** What becomes of an account no in-scope roster row matched. */
export type UnclaimedDecision =
  /** An out-of-scope row names it: not ours, left alone. */
  | { kind: 'out-of-scope' }
  /** Its row left scope, it was ours at the last run, and `sync.outOfScope: deactivate` says leaving scope means leaving. */
  | { kind: 'left-scope' }
  /** Not ours: never changed, only counted. */
  | { kind: 'unmanaged'; released?: boolean }
  /** Ours and missing from the roster: a leaver. `by` is unset when no manage policy applies (every account is ours). */
  | { kind: 'managed'; by?: ManagedBy };

/**
 * Decides, from data alone, whether an account that no in-scope row matched is this sync's:
 * the roster's own scope first (a row out of scope is somebody else's business), then
 * `sync.manage` — its userName's domain, or the ledger of accounts this sync created or matched.
 *
 * An account this sync deactivated as a leaver that is active again was reactivated by someone
 * else (another sync that took the person over, or an admin): the ledger lets go of it rather
 * than fight, unless its domain makes it ours anyway.
 */
export function accountScope(outOfScope: readonly OutOfScopeRow[] | undefined, manage: ManagePolicy | undefined): (remote: RemoteUser) => UnclaimedDecision {
  const rows = outOfScopeIndex(outOfScope ?? []);
  const domains = manage && manage.domains !== '*' ? new Set(manage.domains) : undefined;
  return (remote) => {
    const rowsNaming = rows.naming(remote);
    if (rowsNaming.length > 0) {
      const entry = manage?.ledger.get(remote.id);
      const leftScope =
        manage?.outOfScope === 'deactivate' &&
        remote.active &&
        entry !== undefined &&
        entry.leftAt === undefined &&
        rowsNaming.some((row) => certainlyTheirs(row, remote));
      return leftScope ? { kind: 'left-scope' } : { kind: 'out-of-scope' };
    }
    if (manage === undefined) return { kind: 'managed' };
    if (manage.domains === '*') return { kind: 'managed', by: 'every-account' };
    const domain = userNameDomain(remote.userName);
    if (domain !== undefined && domains!.has(domain)) return { kind: 'managed', by: 'domain' };
    const entry = manage.linked ? manage.ledger.get(remote.id) : undefined;
    if (entry === undefined) return { kind: 'unmanaged' };
    if (entry.leftAt !== undefined && remote.active) return { kind: 'unmanaged', released: true };
    return { kind: 'managed', by: 'ledger' };
  };
}

interface OutOfScopeIndex {
  /** The out-of-scope rows that name this account by externalId or userName. */
  naming(remote: RemoteUser): OutOfScopeRow[];
}

function outOfScopeIndex(rows: readonly OutOfScopeRow[]): OutOfScopeIndex {
  const byExternalId = new Map<string, OutOfScopeRow[]>();
  const byUserName = new Map<string, OutOfScopeRow[]>();
  for (const row of rows) {
    if (row.externalId !== undefined) push(byExternalId, row.externalId, row);
    if (row.userName !== undefined) push(byUserName, userNameKey(row.userName), row);
  }
  return {
    naming: (remote) => {
      if (rows.length === 0) return [];
      const found = [
        ...(remote.externalId !== undefined ? (byExternalId.get(remote.externalId) ?? []) : []),
        ...(byUserName.get(userNameKey(remote.userName)) ?? []),
      ];
      return found;
    },
  };
}

/**
 * Leaving it alone may go by either key (a wrong guess there costs nothing); deactivating needs
 * the account to be certainly this row's: its externalId, or its userName and no other externalId.
 */
function certainlyTheirs(row: OutOfScopeRow, remote: RemoteUser): boolean {
  if (row.externalId !== undefined && remote.externalId === row.externalId) return true;
  return row.userName !== undefined && userNameKey(row.userName) === userNameKey(remote.userName) && remote.externalId === undefined;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
