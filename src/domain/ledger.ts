/**
 * The ledger: what this sync considers its own on the service, remembered between runs in
 * `state.dir` (see state/ledgerFile.ts). Accounts are keyed by the service's id, which survives
 * renames. It is a section per kind of resource, so groups can get a section of their own.
 */
export interface Ledger {
  /** Accounts this sync created or matched to an in-scope roster row, by service id. */
  users: Map<string, LedgerEntry>;
  /** userName domains managed at earlier runs (lower case), so a domain that leaves the roster still has its leavers deactivated. */
  domains: string[];
  /**
   * Groups this sync manages, by service id (groups.from): created or adopted at an earlier run.
   * Absent in ledgers written before groups existed; read as none.
   */
  groups?: Map<string, GroupLedgerEntry>;
}

export interface GroupLedgerEntry {
  /** As last seen: a managed group renamed by hand stays managed (by id) and empties. */
  displayName: string;
  /** When this sync first created or adopted it. */
  linkedAt: string;
}

export interface LedgerEntry {
  /** As last seen, for people reading the file. */
  userName: string;
  externalId?: string;
  /** When this sync first created or matched the account. */
  linkedAt: string;
  /**
   * When this sync deactivated it as a leaver (missing from the roster, or left scope). Found
   * active again later, unmatched, it was reactivated by someone else: it is released, not fought over.
   */
  leftAt?: string;
}

export function emptyLedger(): Ledger {
  return { users: new Map(), domains: [], groups: new Map() };
}

/** The domain part of a userName, lower case; undefined for a login name without one (Nintex). */
export function userNameDomain(userName: string): string | undefined {
  const at = userName.lastIndexOf('@');
  if (at < 0 || at === userName.length - 1) return undefined;
  return userName
    .slice(at + 1)
    .trim()
    .normalize('NFC')
    .toLowerCase();
}
