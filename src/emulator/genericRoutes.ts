/**
 * The /Users endpoints of a plain RFC 7643/7644 service (the way Okta's, Entra ID's and
 * scimmy-based servers behave):
 *
 * - The whole resource is stored, whatever attributes it has (emails, title, roles, the
 *   enterprise extension object under its URN…); `schemas` is derived from it when served.
 *   password is accepted and never stored or returned (RFC 7643: writeOnly, returned never).
 * - POST and PUT require `schemas` to include the core User URN (RFC 7644 §3.3, §3.5.1) and a
 *   non-blank userName; userName is unique in any case (409 uniqueness).
 * - PUT replaces the resource (id, created kept). `active` is the one exception: a PUT that
 *   leaves it out keeps the current value rather than silently reactivating or deactivating
 *   anyone (RFC 7644 §3.5.1 lets a server assign defaults for unassigned attributes).
 * - PATCH per RFC 7644 §3.5.2 (patchPath.ts), atomic; `Operations` or `operations`. With
 *   `patchSupported: false` it is 501 and ServiceProviderConfig says so.
 * - DELETE removes the user: 204, then 404.
 */
import { GENERIC_ERRORS } from './errorBodies.js';
import type { Reply } from './httpIo.js';
import { MULTI_VALUED, PatchError, applyPatchOperation, keyFor, patchOpName } from './patchPath.js';
import { CORE_USER_URN, findKey } from './scimFilter.js';
import { badRequest, createdReply, getResource, isRecord, listResources } from './scimRoutes.js';
import { PATCH_OP_SCHEMA } from './userPayloads.js';
import { DuplicateUserError } from './userStore.js';
import { errorReply, type UsersContext, type UsersHandlers } from './usersContext.js';

type Json = Record<string, unknown>;

export interface GenericContext extends UsersContext {
  patchSupported: boolean;
}

/** Top-level keys the server owns or never keeps. */
const NOT_STORED = new Set(['id', 'meta', 'schemas', 'password']);

function hasSchema(body: Json, schema: string): boolean {
  return Array.isArray(body.schemas) && body.schemas.some((s) => typeof s === 'string' && s.toLowerCase() === schema.toLowerCase());
}

/** The attributes to store from a POST/PUT body, top-level names in their RFC spelling. */
function attributesOf(body: Json): Json {
  const attributes: Json = {};
  for (const [key, value] of Object.entries(body)) {
    if (NOT_STORED.has(key.toLowerCase()) || value === null || value === undefined) continue;
    attributes[keyFor(attributes, key)] = structuredClone(value);
  }
  return attributes;
}

/** What the stored resource must satisfy after any write; a message when it doesn't. */
function problemWith(attributes: Json): string | undefined {
  const userName = attributes.userName;
  if (typeof userName !== 'string' || userName.trim() === '') return 'userName is required and must be a non-empty string.';
  if (attributes.active !== undefined && typeof attributes.active !== 'boolean') return 'active must be a boolean.';
  if (attributes.name !== undefined && !isRecord(attributes.name)) return 'name must be an object.';
  for (const [key, value] of Object.entries(attributes)) {
    if (MULTI_VALUED.has(key.toLowerCase()) && !Array.isArray(value)) return `${key} must be an array.`;
    if (key.toLowerCase().startsWith('urn:') && !isRecord(value)) return `${key} must be an object of extension attributes.`;
  }
  return undefined;
}

/**
 * Entra ID sends booleans as strings in PATCH values ("False"); every server that works with
 * it accepts that, so a string true/false for `active` is read as the boolean.
 */
function coerceActive(attributes: Json): void {
  const key = findKey(attributes, 'active');
  if (key === undefined) return;
  const value = attributes[key];
  if (typeof value !== 'string' || !/^(true|false)$/i.test(value)) return;
  delete attributes[key];
  attributes.active = value.toLowerCase() === 'true';
}

function duplicateOrThrow(ctx: GenericContext, error: unknown): Reply {
  if (error instanceof DuplicateUserError) return errorReply(ctx, GENERIC_ERRORS.userAlreadyExists);
  throw error;
}

function create(ctx: GenericContext, body: unknown): Reply {
  if (!isRecord(body)) return errorReply(ctx, GENERIC_ERRORS.invalidSyntax);
  if (!hasSchema(body, CORE_USER_URN)) return errorReply(ctx, badRequest('invalidSyntax', `schemas must include ${CORE_USER_URN}.`));
  const attributes = attributesOf(body);
  if (attributes.active === undefined) attributes.active = true;
  const problem = problemWith(attributes);
  if (problem) return errorReply(ctx, badRequest('invalidValue', problem));
  try {
    return createdReply(ctx, ctx.store.addResource(attributes).id);
  } catch (error) {
    return duplicateOrThrow(ctx, error);
  }
}

function replace(ctx: GenericContext, id: string, body: unknown): Reply {
  const current = ctx.store.get(id);
  if (!current) return errorReply(ctx, GENERIC_ERRORS.userNotFound);
  if (!isRecord(body)) return errorReply(ctx, GENERIC_ERRORS.invalidSyntax);
  if (!hasSchema(body, CORE_USER_URN)) return errorReply(ctx, badRequest('invalidSyntax', `schemas must include ${CORE_USER_URN}.`));
  const attributes = attributesOf(body);
  if (attributes.active === undefined) attributes.active = current.active;
  const problem = problemWith(attributes);
  if (problem) return errorReply(ctx, badRequest('invalidValue', problem));
  try {
    ctx.store.replaceAttributes(id, attributes);
  } catch (error) {
    return duplicateOrThrow(ctx, error);
  }
  return { status: 200, body: ctx.store.resource(id) };
}

function patch(ctx: GenericContext, id: string, body: unknown): Reply {
  if (!ctx.patchSupported) return errorReply(ctx, GENERIC_ERRORS.patchNotSupported);
  const current = ctx.store.attributes(id);
  if (!current) return errorReply(ctx, GENERIC_ERRORS.userNotFound);
  if (!isRecord(body)) return errorReply(ctx, GENERIC_ERRORS.invalidSyntax);
  // RFC 7644 requires the PatchOp schema; clients that leave it out still get served (as on
  // Postman), but a wrong one is an error.
  if (body.schemas !== undefined && !hasSchema(body, PATCH_OP_SCHEMA)) {
    return errorReply(ctx, badRequest('invalidSyntax', `schemas must include ${PATCH_OP_SCHEMA}.`));
  }
  const key = findKey(body, 'Operations');
  const operations = key === undefined ? undefined : body[key];
  if (!Array.isArray(operations) || operations.length === 0) {
    return errorReply(ctx, badRequest('invalidSyntax', 'Operations must be a non-empty array.'));
  }
  const work = structuredClone(current);
  try {
    for (const operation of operations) {
      if (!isRecord(operation)) return errorReply(ctx, badRequest('invalidSyntax', 'Each operation must be an object.'));
      const op = patchOpName(operation.op);
      if (!op) return errorReply(ctx, badRequest('invalidSyntax', 'op must be "add", "replace" or "remove".'));
      const path = operation.path;
      if (path !== undefined && typeof path !== 'string') return errorReply(ctx, badRequest('invalidPath', 'path must be a string.'));
      applyPatchOperation(work, op, path, operation.value);
    }
  } catch (error) {
    if (error instanceof PatchError) return errorReply(ctx, badRequest(error.scimType, error.message));
    throw error;
  }
  coerceActive(work);
  const password = findKey(work, 'password');
  if (password !== undefined) delete work[password]; // accepted, never stored
  const problem = problemWith(work);
  if (problem) return errorReply(ctx, badRequest('invalidValue', problem));
  try {
    ctx.store.replaceAttributes(id, work);
  } catch (error) {
    return duplicateOrThrow(ctx, error);
  }
  return { status: 200, body: ctx.store.resource(id) };
}

function remove(ctx: GenericContext, id: string): Reply {
  return ctx.store.remove(id) ? { status: 204 } : errorReply(ctx, GENERIC_ERRORS.userNotFound);
}

export function genericHandlers(ctx: GenericContext): UsersHandlers {
  return {
    list: (params) => listResources(ctx, params),
    get: (id) => getResource(ctx, id, GENERIC_ERRORS.userNotFound),
    create: (body) => create(ctx, body),
    replace: (id, body) => replace(ctx, id, body),
    patch: (id, body) => patch(ctx, id, body),
    remove: (id) => remove(ctx, id),
    itemMethods: ctx.patchSupported ? 'GET, PUT, PATCH, DELETE' : 'GET, PUT, DELETE',
    extraJsonTypes: [],
  };
}
