import type { RemoteGroup } from '../domain/remoteGroup.js';
import { ScimSyncError } from '../domain/scimSyncError.js';
import { GoneError, RejectedError, ScimRequestError } from './errors.js';
import { pagingCeiling } from './pagingCeiling.js';
import { describeTotal, listPage, PageWalk } from './listPaging.js';
import type { ScimClient } from './scimClient.js';
import type { Logger } from 'pino';

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

/** The service's group listing can't be read completely: the run must not plan on part of it. */
export class GroupListingError extends ScimSyncError {}

/** The listing changed while it was read (groups added or removed, an unstable order): a fresh pass may do. */
class GroupListMovedError extends GroupListingError {}

/**
 * The first `/Groups` page was refused the way a service without groups refuses it: 404, 405,
 * 501, or a 400 (an unknown path, `scimType` invalidPath and the like). The request error is the cause.
 */
export class GroupsNotServedError extends ScimSyncError {
  constructor(readonly request: ScimRequestError) {
    super(request.message, { cause: request });
  }
}

/** The first `/Groups` page answered 403: the token may not read groups (a permission, not a missing feature). */
export class GroupsForbiddenError extends ScimSyncError {
  constructor(readonly request: ScimRequestError) {
    super(request.message, { cause: request });
  }
}

/** Statuses on the first page that mean "this service has no /Groups" rather than "this read failed". */
const NOT_SERVED_STATUSES = new Set([400, 404, 405, 501]);

export interface GroupReadOptions {
  /** Absolute cap on the pages of one pass (`target.maxPages`). */
  maxPages: number;
  /** Passes from page 1 again after the listing moved under a pass (`target.maxRereads`). */
  maxRereads: number;
  /**
   * Whether this run may manage a listed group (its displayName is one the roster produces, or
   * its id is in the ledger). Only such groups are read one by one when the listing leaves out
   * `members`; every other group is never read beyond the listing. Absent: none.
   */
  mayManage?: (group: { id: string; displayName: string }) => boolean;
  logger?: Logger;
}

export interface GroupDirectoryRead {
  groups: RemoteGroup[];
  /** Listing pages read, re-reads included. */
  pages: number;
  /** `GET /Groups/{id}` reads of managed groups whose listing left out `members`. */
  memberReads: number;
}

/** A group as listed: `members` undefined when the listing left the attribute out (not the same as empty). */
interface ListedGroup {
  id: string;
  displayName: string;
  members: string[] | undefined;
}

/**
 * Every group on the service, as carefully as the user read (readRemoteUsers.ts is the model): a
 * read is only returned when it is certainly the whole listing, because a managed group missing
 * from it leaves the ledger for good.
 *
 * - `GET /Groups?startIndex=…&count=P`, on by the number of groups received; paging ends on an
 *   empty page, or on a short page once `totalResults` is reached. A *full* page is always
 *   followed by one more read (a `totalResults` that lags would otherwise hide the rest);
 * - the groups read must be exactly the `totalResults` page 1 announced;
 * - every resource must have an id and a displayName (else the read fails naming page and index);
 * - `totalResults` changing between pages, or an id met twice, means the listing moved: it is
 *   read again from page 1, at most `maxRereads` times;
 * - a first page refused with 400/404/405/501 throws GroupsNotServedError, with 403 GroupsForbiddenError.
 *
 * RFC 7644 lets a service leave `members` out of list responses. A listed group without the
 * attribute is read with `GET /Groups/{id}` when `mayManage` says this run may manage it (never
 * otherwise); if that answer has no `members` either, the group can't be told empty from unread
 * and the read fails. Costs: ⌈G/P⌉ pages (+1 after a full last page), + one GET per such managed group.
 */
export async function readRemoteGroups(client: ScimClient, pageSize: number, options: GroupReadOptions): Promise<GroupDirectoryRead> {
  const counter = { pages: 0, memberReads: 0 };
  for (let pass = 1; ; pass++) {
    try {
      const listed = await readOnePass(client, pageSize, options.maxPages, counter);
      const groups = await withMembers(client, listed, options.mayManage ?? (() => false), counter);
      if (pass > 1) options.logger?.info({ pass, groups: groups.length, pages: counter.pages }, 'the group listing was read consistently on a re-read');
      return { groups, ...counter };
    } catch (error) {
      if (!(error instanceof GroupListMovedError)) throw error;
      if (pass > options.maxRereads) {
        throw new GroupListingError(
          `${error.message}. The group listing changed during ${pass} read(s) in a row (target.maxRereads: ${options.maxRereads}), so no ` +
            `complete picture could be had: nothing was planned or sent. Run again when the service is quieter, or raise target.maxRereads`,
          { cause: error },
        );
      }
      options.logger?.warn(
        { reason: error.message, reread: pass, maxRereads: options.maxRereads },
        `the group listing changed while it was read; reading it again from page 1 (re-read ${pass} of at most ${options.maxRereads}, target.maxRereads)`,
      );
    }
  }
}

async function readOnePass(client: ScimClient, pageSize: number, maxPages: number, counter: { pages: number }): Promise<ListedGroup[]> {
  const byId = new Map<string, ListedGroup>();
  const walk = new PageWalk(pageSize);
  let page = 0;
  let announced: number | undefined;
  let ceiling = maxPages;
  for (;;) {
    if (page >= ceiling) {
      throw new GroupListingError(
        `the service's /Groups listing did not end after ${page} pages (${describeTotal(announced)}, ${byId.size} groups read; the limit is ` +
          `${ceiling === maxPages ? `target.maxPages, ${maxPages}` : `${ceiling} pages, from totalResults ${announced} with a margin`}): nothing was ` +
          `planned or sent. If the service really holds that many groups, raise target.maxPages; otherwise report it to the service's vendor`,
      );
    }
    const { startIndex } = walk;
    const where = `GET /Groups?startIndex=${startIndex}`;
    const body = await getPage(client, startIndex, pageSize);
    page++;
    counter.pages++;
    const read = listPage(body);
    if (!read) {
      throw new GroupListingError(
        `${where} (page ${page}) answered with something that is not a SCIM ListResponse (no Resources list): the group listing can't be read completely; nothing was planned or sent`,
      );
    }
    const { resources, total } = read;
    if (page === 1) {
      announced = total;
      if (announced !== undefined && resources.length > 0) ceiling = Math.min(maxPages, pagingCeiling(announced, resources.length));
    } else if (total !== announced) {
      throw new GroupListMovedError(
        `${where} (page ${page}) says totalResults ${total ?? '(none)'}, page 1 said ${announced ?? '(none)'}: groups were added or removed while the listing was read`,
      );
    }
    const groups = resources.map((resource, index) => {
      const group = toListedGroup(resource);
      if (!group) {
        throw new GroupListingError(
          `${where} (page ${page}): Resources[${index}] ${whatIsMissing(resource)}, so that group can't be told from a managed one: the group ` +
            `listing can't be read completely and nothing was planned or sent. Fix or remove that group on the service`,
        );
      }
      return group;
    });
    const repeated = groups.filter((g) => byId.has(g.id));
    if (repeated.length > 0) {
      // Some services answer page 1 again once startIndex is past the end: that is the end.
      if (repeated.length === groups.length && announced !== undefined && startIndex > announced && byId.size === announced) break;
      const again = repeated[0]!;
      throw new GroupListMovedError(
        `${where} (page ${page}) holds ${repeated.length} group(s) already read on an earlier page (e.g. id ${again.id}, ${JSON.stringify(again.displayName)}): ` +
          `the order shifted while the listing was read, so others may have been skipped`,
      );
    }
    for (const group of groups) byId.set(group.id, group);
    if (groups.length === 0) {
      if (announced !== undefined && byId.size < announced) {
        throw new GroupListingError(
          `${where} (page ${page}) returned an empty page, but totalResults is ${announced} and ${byId.size} were read: the group listing can't be read completely; nothing was planned or sent`,
        );
      }
      break;
    }
    if (walk.ended(groups.length, announced)) break;
  }
  if (announced !== undefined && byId.size !== announced) {
    throw new GroupListingError(
      `${describeTotal(announced)}, but ${byId.size} groups were read in ${page} pages: the service's count and its pages disagree, so groups ` +
        `may be missing and nothing was planned or sent. If it happens again, report it to the service's vendor`,
    );
  }
  return [...byId.values()];
}

/** One listing page; the first page tells a service without groups (or without the permission) from a failed read. */
async function getPage(client: ScimClient, startIndex: number, pageSize: number): Promise<unknown> {
  try {
    return (await client.get(`/Groups?startIndex=${startIndex}&count=${pageSize}`)).body;
  } catch (error) {
    if (startIndex === 1 && error instanceof ScimRequestError && error.networkCode === undefined) {
      if (error.httpStatus === 403) throw new GroupsForbiddenError(error);
      const servedNot = (error instanceof GoneError || error instanceof RejectedError) && NOT_SERVED_STATUSES.has(error.httpStatus ?? 0);
      if (servedNot) throw new GroupsNotServedError(error);
    }
    throw error;
  }
}

/**
 * The listed groups with their members: a group listed without `members` that this run may manage
 * is read on its own. A group gone by then (404) means the listing moved: a fresh pass decides.
 */
async function withMembers(
  client: ScimClient,
  listed: readonly ListedGroup[],
  mayManage: NonNullable<GroupReadOptions['mayManage']>,
  counter: { memberReads: number },
): Promise<RemoteGroup[]> {
  const groups: RemoteGroup[] = [];
  for (const group of listed) {
    if (group.members !== undefined) {
      groups.push({ id: group.id, displayName: group.displayName, members: group.members });
      continue;
    }
    // Not managed here: its members are never read, and never matter (the planner leaves it alone).
    if (!mayManage(group)) {
      groups.push({ id: group.id, displayName: group.displayName, members: [] });
      continue;
    }
    const path = `/Groups/${encodeURIComponent(group.id)}`;
    let body: unknown;
    try {
      counter.memberReads++;
      ({ body } = await client.get(path));
    } catch (error) {
      if (error instanceof GoneError) {
        throw new GroupListMovedError(
          `GET ${path} (${JSON.stringify(group.displayName)}, listed a moment ago) answered ${error.httpStatus ?? 404}: the group was removed while the groups were read`,
        );
      }
      throw error;
    }
    const members = isRecord(body) ? membersOf(body) : undefined;
    if (members === undefined) {
      throw new GroupListingError(
        `the service lists groups without their members, and GET ${path} (${JSON.stringify(group.displayName)}) has no members attribute either, ` +
          `so whether that managed group is empty or its members are just not shown can't be told: nothing was planned or sent. ` +
          `Check that the token may read group members, or report it to the service's vendor`,
      );
    }
    groups.push({ id: group.id, displayName: group.displayName, members });
  }
  return groups;
}

function toListedGroup(resource: unknown): ListedGroup | undefined {
  if (!isRecord(resource) || typeof resource.id !== 'string' || resource.id === '' || typeof resource.displayName !== 'string') return undefined;
  return { id: resource.id, displayName: resource.displayName, members: membersOf(resource) };
}

/**
 * The member ids, or undefined when the attribute is absent (left out of a listing, or not
 * shown). `members: []` and `members: null` are the service saying "no members" (RFC 7643 §2.5).
 */
function membersOf(resource: Record<string, unknown>): string[] | undefined {
  if (!('members' in resource)) return undefined;
  const members = resource.members;
  if (!Array.isArray(members)) return members === null ? [] : undefined;
  return members.flatMap((m) => (isRecord(m) && typeof m.value === 'string' ? [m.value] : []));
}

/** Why a listed resource was refused, in the admin's words. */
function whatIsMissing(resource: unknown): string {
  if (!isRecord(resource)) return 'is not a group object';
  const named =
    typeof resource.displayName === 'string'
      ? ` (displayName ${JSON.stringify(resource.displayName)})`
      : typeof resource.id === 'string'
        ? ` (id ${JSON.stringify(resource.id)})`
        : '';
  const missing = [
    typeof resource.id !== 'string' || resource.id === '' ? 'id' : undefined,
    typeof resource.displayName !== 'string' ? 'displayName' : undefined,
  ].filter(Boolean);
  return `has no ${missing.join(' and no ')}${named}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
