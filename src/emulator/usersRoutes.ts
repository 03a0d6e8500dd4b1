/**
 * The /Users endpoints, as Postman implements them. Pure request → Reply functions over the
 * store, so the HTTP plumbing (limits, auth, faults, latency) stays in server.ts.
 */
import { EMULATOR_ERRORS, POSTMAN_ERRORS, renderError, type ErrorSpec } from './errorBodies.js';
import { listResponse } from './discovery.js';
import type { Reply } from './httpIo.js';
import { pageOf, parseListQuery } from './listQuery.js';
import { toScimUser } from './userResource.js';
import { parseCreateUser, parsePatchActive, parseReplaceUser } from './userPayloads.js';
import type { UserStore } from './userStore.js';

export interface UsersContext {
  store: UserStore;
  /** e.g. http://127.0.0.1:PORT/scim/v2 — for Location headers. */
  baseUrl: string;
  maxPageSize: number;
  repeatFirstPageBeyondEnd: boolean;
  omitItemsPerPage: boolean;
  numericStatusInErrors: boolean;
}

export function errorReply(ctx: Pick<UsersContext, 'numericStatusInErrors'>, spec: ErrorSpec): Reply {
  return { status: spec.status, body: renderError(spec, ctx.numericStatusInErrors) };
}

export function listUsers(ctx: UsersContext, params: URLSearchParams): Reply {
  const parsed = parseListQuery(params, ctx.maxPageSize);
  if (!parsed.ok) {
    return errorReply(ctx, parsed.problem === 'filter' ? EMULATOR_ERRORS.invalidFilter : EMULATOR_ERRORS.invalidPaging);
  }
  const { startIndex, count, userName } = parsed.query;
  // Postman documents filter values as case-sensitive, but userNames are email addresses and
  // we treat them case-insensitively everywhere (uniqueness included). Matching the filter the
  // same way keeps "look up before create" consistent with the 409 check: a client that finds
  // nothing can't then be told the user already exists.
  const matching =
    userName === undefined
      ? ctx.store.list()
      : ctx.store.list().filter((u) => u.userName.toLowerCase() === userName.toLowerCase());
  const page = pageOf(matching, startIndex, count, ctx.repeatFirstPageBeyondEnd);
  // With the repeat quirk we still echo the requested startIndex: the buggy services we mimic
  // do, so the client can't use the echoed value to notice it got page 1 again.
  return { status: 200, body: listResponse(page.map(toScimUser), matching.length, startIndex, ctx.omitItemsPerPage) };
}

export function getUser(ctx: UsersContext, id: string): Reply {
  const user = ctx.store.get(id);
  return user ? { status: 200, body: toScimUser(user) } : errorReply(ctx, POSTMAN_ERRORS.userNotFound);
}

/**
 * POST /Users. Postman activates every user it creates ("this also activates the user"), so
 * `active` in the body is ignored. So is `locale`: Postman's documented 201 answer to a create
 * that sent locale "en-US" doesn't echo it back.
 */
export function createUser(ctx: UsersContext, body: unknown): Reply {
  const input = parseCreateUser(body);
  if (!input) return errorReply(ctx, POSTMAN_ERRORS.invalidSyntax);
  if (ctx.store.findByUserName(input.userName)) return errorReply(ctx, POSTMAN_ERRORS.userAlreadyExists);
  const user = ctx.store.add({ ...input, active: true });
  return {
    status: 201,
    body: toScimUser(user),
    headers: { Location: `${ctx.baseUrl}/Users/${encodeURIComponent(user.id)}` },
  };
}

/** PUT /Users/{id}: only given/family name are applied; everything else is accepted and ignored. */
export function replaceUser(ctx: UsersContext, id: string, body: unknown): Reply {
  if (!ctx.store.get(id)) return errorReply(ctx, POSTMAN_ERRORS.userNotFound);
  const name = parseReplaceUser(body);
  if (!name) return errorReply(ctx, POSTMAN_ERRORS.invalidSyntax);
  const user = ctx.store.updateName(id, name.givenName, name.familyName);
  return user ? { status: 200, body: toScimUser(user) } : errorReply(ctx, POSTMAN_ERRORS.userNotFound);
}

/** PATCH /Users/{id}: (de)activation only, as Postman's updateScimUserState. */
export function patchUser(ctx: UsersContext, id: string, body: unknown): Reply {
  if (!ctx.store.get(id)) return errorReply(ctx, POSTMAN_ERRORS.userNotFound);
  const active = parsePatchActive(body);
  if (active === undefined) return errorReply(ctx, POSTMAN_ERRORS.invalidSyntax);
  const user = ctx.store.setActive(id, active);
  return user ? { status: 200, body: toScimUser(user) } : errorReply(ctx, POSTMAN_ERRORS.userNotFound);
}
