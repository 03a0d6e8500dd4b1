import type { RemoteGroup } from '../domain/remoteGroup.js';
import { ScimSyncError } from '../domain/scimSyncError.js';
import { GoneError, RejectedError } from './errors.js';
import type { ScimClient } from './scimClient.js';

/** What `/ResourceTypes` says about groups: offered, not offered, or the service can't say (no such endpoint). */
export type GroupsOffered = { offered: true } | { offered: false; types: string[] } | { offered: 'unknown' };

/**
 * `GET /ResourceTypes` (RFC 7644 §4): whether the service has a Group resource at `/Groups`.
 * A service without the endpoint (404, 501, a 400) can't say; the listing then decides.
 */
export async function groupsOffered(client: ScimClient): Promise<GroupsOffered> {
  let body: unknown;
  try {
    ({ body } = await client.get('/ResourceTypes'));
  } catch (error) {
    if (error instanceof GoneError || error instanceof RejectedError) return { offered: 'unknown' };
    throw error;
  }
  const list = Array.isArray(body) ? body : (body as { Resources?: unknown } | undefined)?.Resources;
  if (!Array.isArray(list)) return { offered: 'unknown' };
  const types = list.filter(isRecord);
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const isGroup = (t: Record<string, unknown>) => text(t.endpoint)?.replace(/\/+$/, '').toLowerCase() === '/groups' || t.name === 'Group' || t.id === 'Group';
  return types.some(isGroup) ? { offered: true } : { offered: false, types: types.map((t) => text(t.name) ?? text(t.id) ?? text(t.endpoint) ?? '?') };
}

/** The service's group listing didn't end: more pages than `maxPages`. */
export class GroupListingError extends ScimSyncError {}

/**
 * Every group on the service, `pageSize` at a time: ⌈G/P⌉ page reads when `totalResults` is
 * given (the listing ends when it is reached, or at an empty or short page when it isn't). Only
 * the listing is read — id, displayName and member ids — never a single group, so groups this
 * sync doesn't manage are never read beyond it. A group met twice (a page that moved) counts once.
 */
export async function readRemoteGroups(
  client: ScimClient,
  pageSize: number,
  { maxPages }: { maxPages: number },
): Promise<{ groups: RemoteGroup[]; pages: number }> {
  const byId = new Map<string, RemoteGroup>();
  let startIndex = 1;
  for (let pages = 1; ; pages++) {
    if (pages > maxPages) {
      throw new GroupListingError(
        `the service's /Groups listing went on past target.maxPages (${maxPages}) pages; nothing was sent. Check the service, or raise target.maxPages`,
      );
    }
    const { body } = await client.get(`/Groups?startIndex=${startIndex}&count=${pageSize}`);
    const page = (body ?? {}) as { Resources?: unknown; totalResults?: unknown };
    const resources = Array.isArray(page.Resources) ? page.Resources : [];
    for (const resource of resources) {
      const group = toRemoteGroup(resource);
      if (group) byId.set(group.id, group);
    }
    const total = typeof page.totalResults === 'number' ? page.totalResults : Number(page.totalResults);
    startIndex += resources.length;
    const done = resources.length === 0 || (Number.isFinite(total) ? startIndex > total : resources.length < pageSize);
    if (done) return { groups: [...byId.values()], pages };
  }
}

function toRemoteGroup(resource: unknown): RemoteGroup | undefined {
  if (!isRecord(resource) || typeof resource.id !== 'string' || typeof resource.displayName !== 'string') return undefined;
  const members = Array.isArray(resource.members) ? resource.members.flatMap((m) => (isRecord(m) && typeof m.value === 'string' ? [m.value] : [])) : [];
  return { id: resource.id, displayName: resource.displayName, members };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
