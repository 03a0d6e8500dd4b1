/**
 * The /Users endpoints as Nintex Process Manager documents them (seed 003, "Update Users
 * through Postman"). What the doc says, and what we chose where it is silent:
 *
 * - Attributes: userName, name.givenName, name.familyName, active, emails [{value}], roles
 *   [{display}], timezone, preferredLanguage; password is accepted on create and never stored
 *   or returned. externalId isn't documented: kept when sent, never required. Anything else is
 *   ignored, as Postman does.
 * - `schemas` is not required: none of the doc's curl examples send it.
 * - Request bodies may be application/json-patch+json (the doc's curl examples use it for every
 *   method), application/json or application/scim+json.
 * - POST requires userName, name.givenName and name.familyName (the "minimal model"; emails is
 *   in the doc's minimal example but a Process Manager user can be created without one by the
 *   IdPs we model, so it stays optional). A duplicate userName is a 400 (the doc lists only
 *   201/400/401/500 for POST) with scimType "uniqueness".
 * - PUT's minimal model is just the id: attributes left out are left unchanged. That is what the
 *   doc spells out for roles ("PUT requests that do not include a roles attribute … leave the
 *   roles unchanged"), and we apply it to every attribute. A PUT *with* roles sets exactly those
 *   roles (removing the user from unlisted ones). preferredLanguage and password aren't in the
 *   doc's PUT table, so a PUT ignores them.
 * - Roles that don't exist yet are created (POST, PUT, PATCH add/replace); the store keeps the
 *   set of known roles (UserStore.knownRoles()).
 * - DELETE deactivates ("Delete request needs to be done to deactivate a user"): the user stays
 *   and is listed with active=false. We answer 200 with the user, so a client can see the result.
 */
import { NINTEX_ERRORS } from './errorBodies.js';
import type { Reply } from './httpIo.js';
import { PatchError, applyPatchOperation, parsePatchPath, patchOpName, type PatchOpName } from './patchPath.js';
import { findKey, matchesFilter } from './scimFilter.js';
import { badRequest, createdReply, getResource, isRecord, listResources } from './scimRoutes.js';
import { PATCH_OP_SCHEMA } from './userPayloads.js';
import { DuplicateUserError, roleNames } from './userStore.js';
import { errorReply, type UsersContext, type UsersHandlers } from './usersContext.js';

type Json = Record<string, unknown>;

/** Thrown by the parsers below; becomes a 400 with this scimType. */
class NintexBadRequest extends Error {
  constructor(
    readonly scimType: string,
    message: string,
  ) {
    super(message);
  }
}

function invalid(message: string): never {
  throw new NintexBadRequest('invalidValue', message);
}

/** A body attribute by name in any case (RFC 7643 §2.1: attribute names are case-insensitive). */
function field(body: Json, name: string): unknown {
  const key = findKey(body, name);
  return key === undefined ? undefined : body[key];
}

function nonBlank(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') invalid(`${name} must be a non-empty string.`);
  return value;
}

function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(`${name} must be a string.`);
  return value;
}

/** The doc types Active as a String in its PUT table and as a boolean in its examples: take both. */
function toActive(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  invalid('active must be true or false.');
}

/** emails: [{value, type?, primary?}] (a single object is taken as a one-element list). */
function toEmails(value: unknown): Json[] {
  if (value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((email: unknown) => {
    if (!isRecord(email) || typeof email.value !== 'string' || email.value.trim() === '') invalid('emails must be objects with a string value.');
    return {
      value: email.value,
      ...(typeof email.type === 'string' && { type: email.type }),
      ...(typeof email.primary === 'boolean' && { primary: email.primary }),
    };
  });
}

/** roles: [{display}] — `value` or a bare string are taken as the display name too. */
function toRoleNames(value: unknown): string[] {
  if (value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  const names = roleNames(list);
  if (names.length !== list.length) invalid('roles must be objects with a display name.');
  return names;
}

function rolesAttribute(ctx: UsersContext, names: readonly string[]): Json[] {
  return ctx.store.ensureRoles(names).map((display) => ({ display }));
}

function mergeEmails(current: unknown, added: Json[]): Json[] {
  const list = Array.isArray(current) ? (current as Json[]) : [];
  const result = [...list];
  for (const email of added) {
    const existing = result.findIndex((e) => String(e.value).toLowerCase() === String(email.value).toLowerCase());
    if (existing === -1) result.push(email);
    else result[existing] = { ...result[existing], ...email };
  }
  return result;
}

function setOrDelete(attributes: Json, key: string, value: unknown[] | string | undefined): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) delete attributes[key];
  else attributes[key] = value;
}

function toReply(ctx: UsersContext, error: unknown): Reply {
  if (error instanceof NintexBadRequest || error instanceof PatchError) {
    return errorReply(ctx, badRequest(error.scimType, `Bad Request: ${error.message}`));
  }
  if (error instanceof DuplicateUserError) return errorReply(ctx, NINTEX_ERRORS.userAlreadyExists);
  throw error;
}

function create(ctx: UsersContext, body: unknown): Reply {
  if (!isRecord(body)) return errorReply(ctx, NINTEX_ERRORS.invalidSyntax);
  try {
    const userName = nonBlank(field(body, 'userName'), 'userName');
    const name = field(body, 'name');
    if (!isRecord(name)) invalid('name.givenName and name.familyName are required.');
    const attributes: Json = {
      userName,
      name: { givenName: nonBlank(field(name, 'givenName'), 'name.givenName'), familyName: nonBlank(field(name, 'familyName'), 'name.familyName') },
      active: field(body, 'active') === undefined ? true : toActive(field(body, 'active')),
    };
    const emails = field(body, 'emails');
    if (emails !== undefined) setOrDelete(attributes, 'emails', toEmails(emails));
    optionalString(field(body, 'password'), 'password'); // validated, never stored
    const timezone = optionalString(field(body, 'timezone'), 'timezone');
    const preferredLanguage = optionalString(field(body, 'preferredLanguage'), 'preferredLanguage');
    const externalId = optionalString(field(body, 'externalId'), 'externalId');
    const roles = field(body, 'roles');
    // Validate everything before creating roles, so a rejected request leaves no trace.
    const roleList = roles === undefined ? [] : toRoleNames(roles);
    if (ctx.store.findByUserName(userName)) return errorReply(ctx, NINTEX_ERRORS.userAlreadyExists);
    if (roleList.length > 0) attributes.roles = rolesAttribute(ctx, roleList);
    setOrDelete(attributes, 'timezone', timezone);
    setOrDelete(attributes, 'preferredLanguage', preferredLanguage);
    setOrDelete(attributes, 'externalId', externalId);
    const user = ctx.store.addResource(attributes);
    return createdReply(ctx, user.id);
  } catch (error) {
    return toReply(ctx, error);
  }
}

function replace(ctx: UsersContext, id: string, body: unknown): Reply {
  const current = ctx.store.attributes(id);
  if (!current) return errorReply(ctx, NINTEX_ERRORS.userNotFound);
  if (!isRecord(body)) return errorReply(ctx, NINTEX_ERRORS.invalidSyntax);
  try {
    const next = structuredClone(current);
    const userName = field(body, 'userName');
    if (userName !== undefined) next.userName = nonBlank(userName, 'userName');
    const name = field(body, 'name');
    if (name !== undefined) {
      if (!isRecord(name)) invalid('name must be an object.');
      const parts = isRecord(next.name) ? { ...next.name } : {};
      const given = field(name, 'givenName');
      const family = field(name, 'familyName');
      if (given !== undefined) parts.givenName = nonBlank(given, 'name.givenName');
      if (family !== undefined) parts.familyName = nonBlank(family, 'name.familyName');
      next.name = parts;
    }
    const timezone = field(body, 'timezone');
    if (timezone !== undefined) setOrDelete(next, 'timezone', optionalString(timezone, 'timezone'));
    const active = field(body, 'active');
    if (active !== undefined) next.active = toActive(active);
    const emails = field(body, 'emails');
    if (emails !== undefined) setOrDelete(next, 'emails', toEmails(emails));
    const externalId = field(body, 'externalId');
    if (externalId !== undefined) setOrDelete(next, 'externalId', optionalString(externalId, 'externalId'));
    const roles = field(body, 'roles');
    const roleList = roles === undefined ? undefined : toRoleNames(roles);
    const owner = ctx.store.findByUserName(String(next.userName));
    if (owner && owner.id !== id) return errorReply(ctx, NINTEX_ERRORS.userAlreadyExists);
    // With roles: exactly these (unknown ones created). Without: unchanged (seed 003, Limitations).
    if (roleList !== undefined) setOrDelete(next, 'roles', rolesAttribute(ctx, roleList));
    ctx.store.replaceAttributes(id, next);
    return { status: 200, body: ctx.store.resource(id) };
  } catch (error) {
    return toReply(ctx, error);
  }
}

/**
 * PATCH takes only the paths the doc's table lists: name.familyName, name.givenName, active,
 * emails and roles. userName, timezone and preferredLanguage are PUT-only there, so a PATCH of
 * them is refused (invalidPath) — a client that got this wrong must fail here, not only in production.
 */
function applyOperation(work: Json, op: PatchOpName, path: string, value: unknown, newRoles: string[]): void {
  const lower = path.trim().toLowerCase();
  if (lower === 'name.givenname' || lower === 'name.familyname') {
    const part = lower === 'name.givenname' ? 'givenName' : 'familyName';
    if (op === 'remove') throw new NintexBadRequest('mutability', `name.${part} is required and can't be removed.`);
    work.name = { ...(isRecord(work.name) ? work.name : {}), [part]: nonBlank(value, `name.${part}`) };
    return;
  }
  if (lower === 'active') {
    if (op === 'remove') throw new NintexBadRequest('mutability', `active is required and can't be removed.`);
    work.active = toActive(value);
    return;
  }
  if (lower === 'emails') {
    if (op === 'remove') {
      if (value === undefined) delete work.emails;
      else {
        const doomed = toEmails(value).map((e) => String(e.value).toLowerCase());
        setOrDelete(
          work,
          'emails',
          (Array.isArray(work.emails) ? (work.emails as Json[]) : []).filter((e) => !doomed.includes(String(e.value).toLowerCase())),
        );
      }
      return;
    }
    setOrDelete(work, 'emails', op === 'replace' ? toEmails(value) : mergeEmails(work.emails, toEmails(value)));
    return;
  }
  if (lower.startsWith('emails[')) {
    applyPatchOperation(work, op, path, value); // `emails[type eq "work"].value` and friends
    return;
  }
  if (lower === 'roles') {
    const current = roleNames(work.roles);
    if (op === 'remove') {
      // Without a value: out of every role. With one: out of the roles listed.
      const doomed = value === undefined ? current : toRoleNames(value);
      setRoles(
        work,
        current.filter((r) => !doomed.some((d) => d.toLowerCase() === r.toLowerCase())),
      );
      return;
    }
    const listed = toRoleNames(value);
    newRoles.push(...listed);
    setRoles(work, op === 'replace' ? listed : [...current, ...listed]);
    return;
  }
  if (lower.startsWith('roles[')) {
    // "For Remove and Replace PATCH operations, users will be removed from the role if the path matches."
    const target = parsePatchPath(path);
    if (target.subAttribute !== undefined && target.subAttribute.toLowerCase() !== 'display') {
      throw new PatchError('invalidPath', `The path "${path}" is not supported.`);
    }
    const filter = target.filter;
    if (!filter) throw new PatchError('invalidPath', `The path "${path}" is not supported.`);
    const current = roleNames(work.roles);
    const kept = op === 'add' ? current : current.filter((r) => !matchesFilter(filter, { display: r, value: r }));
    const listed = op === 'remove' || value === undefined ? [] : toRoleNames(value);
    newRoles.push(...listed);
    setRoles(work, [...kept, ...listed]);
    return;
  }
  throw new PatchError('invalidPath', `The path "${path}" is not supported.`);
}

/** Roles as stored (by display name, no duplicates in any case); known spellings resolved later. */
function setRoles(work: Json, names: readonly string[]): void {
  const unique: string[] = [];
  for (const name of names) if (!unique.some((u) => u.toLowerCase() === name.toLowerCase())) unique.push(name);
  setOrDelete(
    work,
    'roles',
    unique.map((display) => ({ display })),
  );
}

/** A no-path operation's value object, as (path, value) pairs: `name` expands to its parts. */
function pathsOf(value: unknown): Array<[string, unknown]> {
  if (!isRecord(value)) throw new NintexBadRequest('invalidValue', 'An operation without a path needs an object value.');
  return Object.entries(value).flatMap(([key, sub]): Array<[string, unknown]> => {
    if (key.toLowerCase() === 'name' && isRecord(sub)) return Object.entries(sub).map(([part, v]) => [`name.${part}`, v]);
    return [[key, sub]];
  });
}

function patch(ctx: UsersContext, id: string, body: unknown): Reply {
  const current = ctx.store.attributes(id);
  if (!current) return errorReply(ctx, NINTEX_ERRORS.userNotFound);
  if (!isRecord(body)) return errorReply(ctx, NINTEX_ERRORS.invalidSyntax);
  const schemas = body.schemas;
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(PATCH_OP_SCHEMA))) {
    return errorReply(ctx, badRequest('invalidSyntax', `Bad Request: schemas must include ${PATCH_OP_SCHEMA}.`));
  }
  // The doc spells it `operations`; RFC 7644 `Operations`.
  const operations = field(body, 'operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    return errorReply(ctx, badRequest('invalidSyntax', 'Bad Request: operations must be a non-empty array.'));
  }
  try {
    // All operations on a copy; the store sees the result only if every one succeeded.
    const work = structuredClone(current);
    const newRoles: string[] = [];
    for (const operation of operations) {
      if (!isRecord(operation)) throw new NintexBadRequest('invalidSyntax', 'Each operation must be an object.');
      const op = patchOpName(operation.op);
      if (!op) throw new NintexBadRequest('invalidSyntax', 'op must be add, replace or remove.');
      const { path, value } = operation;
      if (path !== undefined && typeof path !== 'string') throw new PatchError('invalidPath', 'path must be a string.');
      if (path === undefined || path.trim() === '') {
        if (op === 'remove') throw new PatchError('noTarget', 'A remove operation needs a path.');
        for (const [key, sub] of pathsOf(value)) applyOperation(work, op, key, sub, newRoles);
      } else {
        applyOperation(work, op, path, value, newRoles);
      }
    }
    const owner = ctx.store.findByUserName(String(work.userName));
    if (owner && owner.id !== id) return errorReply(ctx, NINTEX_ERRORS.userAlreadyExists);
    // "Add and Replace operations with roles that do not exist … will create the role."
    if (newRoles.length > 0) ctx.store.ensureRoles(newRoles);
    if (Array.isArray(work.roles)) work.roles = rolesAttribute(ctx, roleNames(work.roles));
    ctx.store.replaceAttributes(id, work);
    return { status: 200, body: ctx.store.resource(id) };
  } catch (error) {
    return toReply(ctx, error);
  }
}

/** DELETE deactivates; the user stays (and stays listed). 200 with the deactivated user. */
function deactivate(ctx: UsersContext, id: string): Reply {
  if (!ctx.store.setActive(id, false)) return errorReply(ctx, NINTEX_ERRORS.userNotFound);
  return { status: 200, body: ctx.store.resource(id) };
}

export function nintexHandlers(ctx: UsersContext): UsersHandlers {
  return {
    list: (params) => listResources(ctx, params),
    get: (id) => getResource(ctx, id, NINTEX_ERRORS.userNotFound),
    create: (body) => create(ctx, body),
    replace: (id, body) => replace(ctx, id, body),
    patch: (id, body) => patch(ctx, id, body),
    remove: (id) => deactivate(ctx, id),
    itemMethods: 'GET, PUT, PATCH, DELETE',
    extraJsonTypes: ['application/json-patch+json'],
  };
}
