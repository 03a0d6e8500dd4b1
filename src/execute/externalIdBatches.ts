import type { Logger } from 'pino';
import type { RemoteUser } from '../domain/remoteUser.js';
import { RejectedError } from '../scim/errors.js';
import type { ScimClient } from '../scim/scimClient.js';
import { toRemoteUser } from '../scim/scimUser.js';
import { externalIdsFilter, externalIdsFilterPath, MAX_FILTER_URL_CHARS } from '../scim/userNameFilter.js';

/**
 * Before a Bulk of creates: which of these externalIds an account already carries, asked with
 * `filter=externalId eq "a" or externalId eq "b" …` — one GET per `perRequest` ids (and at most
 * MAX_FILTER_URL_CHARS of filter) instead of one per create, so Bulk isn't eaten up by lookups.
 *
 * The map holds an entry (maybe empty) for every externalId answered for certain; an id missing
 * from it is looked up on its own, as without Bulk: one whose batch came back with more accounts
 * than one page holds, or every id when the service refuses `or` (400, logged once).
 */
export async function holdersByExternalId(
  client: ScimClient,
  externalIds: readonly string[],
  options: { perRequest: number; mapped: readonly string[]; logger: Logger },
): Promise<Map<string, RemoteUser[]>> {
  const found = new Map<string, RemoteUser[]>();
  const batches = inBatches([...new Set(externalIds)], options.perRequest);
  let refused = false;
  await Promise.all(
    batches.map(async (batch) => {
      let body: unknown;
      try {
        ({ body } = await client.get(externalIdsFilterPath(batch, options.perRequest)));
      } catch (error) {
        if (!(error instanceof RejectedError)) throw error;
        if (!refused) {
          refused = true;
          options.logger.info(
            { httpStatus: error.httpStatus, detail: error.detail },
            'the service refuses several externalIds in one filter: each create is checked on its own',
          );
        }
        return;
      }
      const list = (body ?? {}) as { Resources?: unknown; totalResults?: unknown };
      const resources = Array.isArray(list.Resources) ? (list.Resources as unknown[]) : [];
      // More accounts than one page: some may be missing here, so these ids are asked one by one.
      if (Number(list.totalResults) > resources.length) return;
      const wanted = new Set(batch);
      for (const id of batch) found.set(id, []);
      for (const resource of resources) {
        const user = toRemoteUser(resource, options.mapped);
        // A service that ignores the filter answers with anyone: only exact holders count.
        if (user?.externalId !== undefined && wanted.has(user.externalId)) found.get(user.externalId)!.push(user);
      }
    }),
  );
  return found;
}

function inBatches(ids: readonly string[], perRequest: number): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let chars = 0;
  for (const id of ids) {
    // The encoded filter grows by the encoded clause and an encoded " or " between clauses.
    const clause = externalIdsFilter([id]).length;
    if (current.length > 0 && (current.length >= perRequest || chars + OR_CHARS + clause > MAX_FILTER_URL_CHARS)) {
      batches.push(current);
      current = [];
    }
    chars = current.length === 0 ? clause : chars + OR_CHARS + clause;
    current.push(id);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const OR_CHARS = encodeURIComponent(' or ').length;
