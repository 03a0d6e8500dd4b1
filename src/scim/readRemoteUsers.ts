import type { RemoteUser } from '../domain/remoteUser.js';
import type { ScimClient } from './scimClient.js';
import { toRemoteUser } from './scimUser.js';
import { ScimSyncError } from '../domain/scimSyncError.js';

export interface RemoteDirectory {
  users: RemoteUser[];
  pages: number;
}

/** The service's answers made it impossible to be sure we saw every user. */
export class IncompleteReadError extends ScimSyncError {}

interface ListResponse {
  totalResults?: unknown;
  Resources?: unknown;
}

/**
 * Reads every user, page by page: `GET /Users?startIndex=1&count=P`, then on by the number of
 * resources actually received, so a server that caps `count` below P costs more pages but never
 * skips users. Stops at `totalResults` (when given) or on an empty page. De-duplicates by id.
 *
 * A page holding only users we already have means the server ignored `startIndex` (some return
 * page 1 again past the end). If that happens before `totalResults` is reached, the read is
 * incomplete; planning on it would deactivate people we simply did not see, so we refuse.
 */
export async function readRemoteUsers(client: ScimClient, pageSize: number, mapped: readonly string[] = []): Promise<RemoteDirectory> {
  const byId = new Map<string, RemoteUser>();
  let startIndex = 1;
  let pages = 0;
  for (;;) {
    const { body } = await client.get(`/Users?startIndex=${startIndex}&count=${pageSize}`);
    pages++;
    const page = body as ListResponse | undefined;
    const total = toCount(page?.totalResults);
    // RFC 7644 §3.4.2: an empty result may leave out `Resources`, but then totalResults says 0.
    // Anything else without a list (an HTML error page with 200, a truncated body) is not a page.
    if (!Array.isArray(page?.Resources) && !(total === 0 && typeof page === 'object' && page !== null)) {
      throw new IncompleteReadError(
        `GET /Users?startIndex=${startIndex} answered with something that is not a SCIM ListResponse (no Resources list); ` +
          `the user list can't be read completely`,
      );
    }
    const resources: unknown[] = Array.isArray(page?.Resources) ? page.Resources : [];
    let fresh = 0;
    for (const resource of resources) {
      const user = toRemoteUser(resource, mapped);
      if (user && !byId.has(user.id)) {
        byId.set(user.id, user);
        fresh++;
      }
    }
    if (resources.length === 0 || fresh === 0) {
      if (total !== undefined && byId.size < total) {
        const what = resources.length === 0 ? 'an empty page' : 'only users already read (the service ignores startIndex)';
        throw new IncompleteReadError(
          `GET /Users?startIndex=${startIndex} returned ${what}, but totalResults is ${total} ` +
            `and ${byId.size} were read, so the user list can't be read completely`,
        );
      }
      break;
    }
    startIndex += resources.length;
    if (total !== undefined && startIndex > total) break;
  }
  return { users: [...byId.values()], pages };
}

/** `totalResults` is a number by the RFC, but some services send it as a string. */
function toCount(value: unknown): number | undefined {
  const n = typeof value === 'string' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}
