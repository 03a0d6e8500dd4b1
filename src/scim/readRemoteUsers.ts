import type { RemoteUser } from '../domain/remoteUser.js';
import type { Logger } from 'pino';
import { pagingCeiling } from './pagingCeiling.js';
import { describeTotal, listPage, PageWalk } from './listPaging.js';
import type { ScimClient } from './scimClient.js';
import { toRemoteUser } from './scimUser.js';
import { Interner } from '../roster/interner.js';
import { KeyTable } from '../lookup/keyTable.js';
import { ScimSyncError } from '../domain/scimSyncError.js';

export interface RemoteDirectory {
  users: RemoteUser[];
  /** Page requests made, re-reads included. */
  pages: number;
  /**
   * Every user came in the first page's answer (what follows it was empty): one response is one
   * snapshot, so the list can't have moved under the read and skipped anyone.
   */
  inOneAnswer: boolean;
}

/** The service's answers made it impossible to be sure we saw every user. */
export class IncompleteReadError extends ScimSyncError {}

/**
 * The list changed while it was being read (users added or removed between pages, or an
 * unstable order): this pass can't be trusted, but a fresh one from page 1 may be.
 */
export class ListMovedError extends IncompleteReadError {}

export interface ReadOptions {
  /** Absolute cap on the pages of one pass (`target.maxPages`). */
  maxPages?: number;
  /** Passes from page 1 again after the list moved under a pass (`target.maxRereads`). */
  maxRereads?: number;
  logger?: Logger;
}

export const DEFAULT_MAX_PAGES = 10_000;
export const DEFAULT_MAX_REREADS = 2;

/** The most users the id table is sized for up front (a larger totalResults grows it as users arrive). */
const EXPECTED_USERS_BOUND = 2_000_000;

/**
 * Reads every user, page by page: `GET /Users?startIndex=1&count=P`, then on by the number of
 * resources actually received, so a server that caps `count` below P costs more pages but never
 * skips users. A read is only returned when it is certainly the whole list:
 *
 * - paging ends on an empty page, or on a short page once `totalResults` is reached. A *full*
 *   page is always followed by one more read, whatever `totalResults` says (a service whose
 *   count lags behind its pages would otherwise hide the rest);
 * - then the users read must be exactly the `totalResults` page 1 announced;
 * - every resource must have an id and a userName (a user we can't match can't be a leaver);
 * - `totalResults` changing between pages, or an id met twice, means the list moved while we
 *   read it (people added or removed, an unstable order): users may have been skipped. The whole
 *   list is read again from page 1, at most `maxRereads` times, each logged;
 * - a pass never reads more pages than `totalResults` justifies (with a margin), nor `maxPages`.
 *
 * Anything else throws IncompleteReadError saying which page, which resource, what was
 * announced and what was read: planning on part of the list would deactivate people we simply
 * did not see, and create duplicates of people we missed.
 */
export async function readRemoteUsers(
  client: ScimClient,
  pageSize: number,
  mapped: readonly string[] = [],
  options: ReadOptions = {},
): Promise<RemoteDirectory> {
  const maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
  const maxRereads = options.maxRereads ?? DEFAULT_MAX_REREADS;
  const counter = { pages: 0, firstPageUsers: 0 };
  for (let pass = 1; ; pass++) {
    try {
      const users = await readOnePass(client, pageSize, mapped, maxPages, counter);
      if (pass > 1) options.logger?.info({ pass, users: users.length, pages: counter.pages }, 'the user list was read consistently on a re-read');
      return { users, pages: counter.pages, inOneAnswer: users.length === counter.firstPageUsers };
    } catch (error) {
      if (!(error instanceof ListMovedError)) throw error;
      if (pass > maxRereads) {
        throw new IncompleteReadError(
          `${error.message}. The list changed during ${pass} read(s) in a row (target.maxRereads: ${maxRereads}), so no complete ` +
            `picture could be had: nothing was planned or sent. Run again when the service is quieter, or raise target.maxRereads`,
        );
      }
      options.logger?.warn(
        { reason: error.message, reread: pass, maxRereads },
        `the user list changed while it was read; reading it again from page 1 (re-read ${pass} of at most ${maxRereads}, target.maxRereads)`,
      );
    }
  }
}

async function readOnePass(
  client: ScimClient,
  pageSize: number,
  mapped: readonly string[],
  maxPages: number,
  counter: { pages: number; firstPageUsers: number },
): Promise<RemoteUser[]> {
  /** The users read, in order, and their positions by id, added and checked in one step. */
  const all: RemoteUser[] = [];
  // Made once page 1 says how many users to expect (up to a bound), so it is allocated once
  // rather than doubled some seventeen times: at a million users the tables it outgrew were ~30 MB that
  // stayed allocated until a full collection, often into the plan's peak.
  let ids: KeyTable | undefined;
  /** Where each page begins in `all`, with its startIndex: where an id was read, should it turn up again. */
  const pageStarts: { from: number; startIndex: number }[] = [];
  const firstSeenAt = (id: string): number | undefined => {
    const at = ids?.firstOf(id) ?? -1; // only for the error message
    for (let p = pageStarts.length - 1; p >= 0; p--) if (pageStarts[p]!.from <= at) return pageStarts[p]!.startIndex;
    return undefined;
  };
  // Names repeat across a directory as they do in a roster: shared, not held once per account.
  const names = new Interner();
  let firstPageIds: string[] = [];
  const walk = new PageWalk(pageSize);
  let page = 0;
  let announced: number | undefined;
  let ceiling = maxPages;
  for (;;) {
    if (page >= ceiling) {
      throw new IncompleteReadError(
        `paging did not end after ${page} pages: ${describeTotal(announced)}, ${all.length} users were read and the service still ` +
          `returns full pages (the limit is ${ceiling === maxPages ? `target.maxPages, ${maxPages}` : `${ceiling} pages, from totalResults ${announced} with a margin`}). ` +
          `A service that keeps returning new users can't be read completely: nothing was planned or sent. ` +
          `If the service really holds that many users, raise target.maxPages; otherwise report it to the service's vendor`,
      );
    }
    const { startIndex } = walk;
    const where = `GET /Users?startIndex=${startIndex}`;
    const { body } = await client.get(`/Users?startIndex=${startIndex}&count=${pageSize}`);
    page++;
    counter.pages++;
    const read = listPage(body);
    if (!read) {
      throw new IncompleteReadError(
        `${where} answered with something that is not a SCIM ListResponse (no Resources list, page ${page}); the user list can't be read completely`,
      );
    }
    const { resources, total } = read;
    if (page === 1) {
      announced = total;
      if (announced !== undefined && resources.length > 0) ceiling = Math.min(maxPages, pagingCeiling(announced, resources.length));
    } else if (total !== announced) {
      throw new ListMovedError(
        `${where} (page ${page}) says totalResults ${total ?? '(none)'}, page 1 said ${announced ?? '(none)'}: users were added or removed while the list was read`,
      );
    }

    const users = toRemoteUsers(resources, mapped, names, where, page);
    ids ??= new KeyTable((at) => all[at]!.id, Math.min(Math.max(announced ?? 0, users.length), EXPECTED_USERS_BOUND));
    const from = all.length;
    const repeated = addPage(users, all, ids);
    if (repeated) {
      const allRepeated = repeated.length === users.length;
      // Some services answer page 1 again once startIndex is past the end: that is the end.
      if (allRepeated && announced !== undefined && startIndex > announced && all.length === announced) break;
      if (allRepeated && sameIds(users, firstPageIds)) {
        throw new IncompleteReadError(
          `${where} (page ${page}) returned page 1 again (only users already read), but ${describeTotal(announced)} and ${all.length} were read: ` +
            `the service ignores startIndex, so the user list can't be read completely`,
        );
      }
      const again = repeated[0]!;
      throw new ListMovedError(
        `${where} (page ${page}) holds ${repeated.length} user(s) already read on an earlier page (e.g. id ${again.id}, ${again.userName}, first read at ` +
          `startIndex ${firstSeenAt(again.id)}): the order shifted while the list was read, so others may have been skipped`,
      );
    }
    pageStarts.push({ from, startIndex });
    if (page === 1) {
      firstPageIds = users.map((u) => u.id);
      counter.firstPageUsers = users.length;
    }
    if (users.length === 0) {
      if (announced !== undefined && all.length < announced) {
        throw new IncompleteReadError(
          `${where} (page ${page}) returned an empty page, but totalResults is ${announced} and ${all.length} were read, so the user list can't be read completely`,
        );
      }
      break;
    }
    if (walk.ended(users.length, announced)) break;
  }
  if (announced !== undefined && all.length !== announced) {
    throw new IncompleteReadError(
      `${describeTotal(announced)}, but ${all.length} users were read in ${page} pages: the service's count and its pages disagree, so users ` +
        `may be missing and nothing was planned or sent. If it happens again, report it to the service's vendor`,
    );
  }
  return all;
}

/**
 * One page's resources as users, or IncompleteReadError naming the first one that can't be.
 * The per-user loops live in small functions of their own rather than in readOnePass: V8 then
 * optimises these few lines, not the whole async read with its error paths, which it used to
 * compile three times over (~90 ms of compiler time at 100,000 users).
 */
function toRemoteUsers(resources: readonly unknown[], mapped: readonly string[], names: Interner, where: string, page: number): RemoteUser[] {
  const users: RemoteUser[] = [];
  for (let index = 0; index < resources.length; index++) {
    const user = toRemoteUser(resources[index], mapped, names);
    if (!user) throw unreadableResource(resources[index], where, page, index);
    users.push(user);
  }
  return users;
}

function unreadableResource(resource: unknown, where: string, page: number, index: number): IncompleteReadError {
  return new IncompleteReadError(
    `${where} (page ${page}): Resources[${index}] ${whatIsMissing(resource)}, so that user can't be matched (nor deactivated if they left): ` +
      `the user list can't be read completely and nothing was planned or sent. Fix or remove that user on the service`,
  );
}

/**
 * Adds a page's users to `all`, each checked as it is added, and returns those already read on
 * an earlier page (undefined when none). One met on an earlier page means the list moved (the
 * pass is then ended or thrown away, so what this page added doesn't matter); the same id twice
 * on this page keeps its first place and its last value, as a Map of users by id would.
 */
function addPage(users: readonly RemoteUser[], all: RemoteUser[], ids: KeyTable): RemoteUser[] | undefined {
  const from = all.length;
  let repeated: RemoteUser[] | undefined;
  for (let i = 0; i < users.length; i++) {
    const user = users[i]!; // indexed: a for-of allocates per step until optimised, once per user
    const at = ids.addIfAbsent(user.id, all.length);
    if (at === -1) all.push(user);
    else if (at >= from) all[at] = user;
    else (repeated ??= []).push(user);
  }
  return repeated;
}

/** Why toRemoteUser refused a resource, in the admin's words. */
function whatIsMissing(resource: unknown): string {
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) return 'is not a user object';
  const r = resource as { id?: unknown; userName?: unknown };
  const named = typeof r.userName === 'string' ? ` (userName ${JSON.stringify(r.userName)})` : typeof r.id === 'string' ? ` (id ${JSON.stringify(r.id)})` : '';
  const missing = [typeof r.id !== 'string' || r.id === '' ? 'id' : undefined, typeof r.userName !== 'string' ? 'userName' : undefined].filter(Boolean);
  return `has no ${missing.join(' and no ')}${named}`;
}

function sameIds(users: readonly RemoteUser[], ids: readonly string[]): boolean {
  return users.length === ids.length && users.every((u, i) => u.id === ids[i]);
}
