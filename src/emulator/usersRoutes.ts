/**
 * The /Users endpoints, as Postman implements them. Pure request → Reply functions over the
 * store, so the HTTP plumbing (limits, auth, faults, latency) stays in server.ts.
 */
import { EMULATOR_ERRORS, POSTMAN_ERRORS } from './errorBodies.js';
import { listResponse } from './discovery.js';
import type { Reply } from './httpIo.js';
import { pageOf, parseListQuery } from './listQuery.js';
import { toScimUser } from './userResource.js';
import { parseCreateUser, parsePostmanPatch, parseReplaceUser } from './userPayloads.js';
import { errorReply, type UsersContext, type UsersHandlers } from './usersContext.js';

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
  // Ids first, users only for the page: walking 100,000 users must not copy them all per page.
  const matching = userName === undefined ? ctx.store.ids() : [ctx.store.findByUserName(userName)?.id].filter((id): id is string => id !== undefined);
  const page = pageOf(matching, startIndex, count, ctx.repeatFirstPageBeyondEnd).flatMap((id) => ctx.store.get(id) ?? []);
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

/** PATCH /Users/{id}: (de)activation, as Postman's updateScimUserState, and a userName change. */
export function patchUser(ctx: UsersContext, id: string, body: unknown): Reply {
  if (!ctx.store.get(id)) return errorReply(ctx, POSTMAN_ERRORS.userNotFound);
  const patch = parsePostmanPatch(body);
  if (patch === undefined) return errorReply(ctx, POSTMAN_ERRORS.invalidSyntax);
  if (patch.userName !== undefined) {
    const taken = ctx.store.findByUserName(patch.userName);
    if (taken && taken.id !== id) return errorReply(ctx, POSTMAN_ERRORS.userAlreadyExists);
    ctx.store.replaceAttributes(id, { ...ctx.store.attributes(id), userName: patch.userName });
  }
  const user = patch.active === undefined ? ctx.store.get(id) : ctx.store.setActive(id, patch.active);
  return user ? { status: 200, body: toScimUser(user) } : errorReply(ctx, POSTMAN_ERRORS.userNotFound);
}

/** Postman's /Users as a handler set (see scimRoutes.ts); Postman has no user DELETE. */
export function postmanHandlers(ctx: UsersContext): UsersHandlers {
  return {
    list: (params) => listUsers(ctx, params),
    get: (id) => getUser(ctx, id),
    create: (body) => createUser(ctx, body),
    replace: (id, body) => replaceUser(ctx, id, body),
    patch: (id, body) => patchUser(ctx, id, body),
    // Deprovisioning on Postman is PATCH active=false.
    remove: () => ({ ...errorReply(ctx, EMULATOR_ERRORS.deleteNotSupported), headers: { Allow: 'GET, PUT, PATCH' } }),
    itemMethods: 'GET, PUT, PATCH',
    extraJsonTypes: [],
  };
}
