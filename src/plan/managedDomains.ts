import { userNameDomain } from '../domain/ledger.js';
import type { RosterUser } from '../domain/roster.js';

export interface ManagedDomains {
  domains: '*' | string[];
  /** Where the list comes from: `sync.manage.domains`, or the default. */
  from: 'config' | 'roster-and-ledger';
}

/**
 * The userName domains whose accounts are this sync's. Configured: exactly those (`"*"`: every
 * account). By default: the domains of the in-scope roster's accepted userNames, plus every
 * domain managed at an earlier run (kept in the ledger), so a domain that leaves the roster as a
 * whole (a divested subsidiary) still has its people deactivated. Login names without a domain
 * (Nintex) add none: such services rely on the ledger unless `"*"` is given.
 */
export function managedDomains(configured: readonly string[] | undefined, users: readonly RosterUser[], earlier: readonly string[]): ManagedDomains {
  if (configured !== undefined) return { domains: configured.includes('*') ? '*' : [...new Set(configured)].sort(), from: 'config' };
  const domains = new Set(earlier);
  // Nearly every row has the domain the row before had, written alike: only a different ending
  // is folded (a slice, trim, normalize and lower-case per row cost ~30 ms per 100,000 rows).
  let lastEnding: string | undefined; // "@example.com", as the last folded userName ended
  for (let at = 0; at < users.length; at++) {
    const user = users[at]!; // indexed: a for-of allocates per step until optimised, once per row
    if (lastEnding !== undefined && user.userName.endsWith(lastEnding)) continue;
    const domain = userNameDomain(user.userName);
    if (domain === undefined) continue;
    domains.add(domain);
    lastEnding = user.userName.slice(user.userName.lastIndexOf('@'));
  }
  return { domains: [...domains].sort(), from: 'roster-and-ledger' };
}
