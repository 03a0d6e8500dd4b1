/**
 * Validation of the request bodies Postman accepts on /Users. Each parser returns the part of
 * the body Postman acts on, or undefined when Postman would answer 400 invalidSyntax.
 * Unknown attributes are ignored rather than rejected: IdPs send emails, displayName, groups…
 * and Postman accepts them (its PUT/POST examples carry them) without storing them.
 */
import { USER_SCHEMA } from './userResource.js';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface CreateUserInput {
  userName: string;
  givenName: string;
  familyName: string;
  externalId?: string;
}

export interface NameInput {
  givenName: string;
  familyName: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasSchema(body: Record<string, unknown>, schema: string): boolean {
  return Array.isArray(body.schemas) && body.schemas.includes(schema);
}

function parseName(body: Record<string, unknown>): NameInput | undefined {
  const name = body.name;
  if (!isRecord(name)) return undefined;
  const { givenName, familyName } = name;
  if (typeof givenName !== 'string' || typeof familyName !== 'string') return undefined;
  return { givenName, familyName };
}

/** POST /Users: core User schema, a non-blank userName and both name parts are required. */
export function parseCreateUser(body: unknown): CreateUserInput | undefined {
  if (!isRecord(body) || !hasSchema(body, USER_SCHEMA)) return undefined;
  const { userName, externalId } = body;
  if (typeof userName !== 'string' || userName.trim() === '') return undefined;
  const name = parseName(body);
  if (!name) return undefined;
  // RFC 7643 treats null as "unassigned", so a null externalId is the same as none.
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string') return undefined;
  return { userName, ...name, ...(typeof externalId === 'string' && { externalId }) };
}

/**
 * PUT /Users/{id}: Postman only applies given/family name changes ("No other user attributes
 * can be updated"), so name is all we require and all we return. `schemas` isn't checked:
 * Postman's own PUT examples are the only evidence and they always send it, so we stay lenient.
 */
export function parseReplaceUser(body: unknown): NameInput | undefined {
  if (!isRecord(body)) return undefined;
  return parseName(body);
}

/** What a Postman PATCH may change. */
export interface PostmanPatch {
  active?: boolean;
  userName?: string;
}

/**
 * PATCH /Users/{id}: Postman changes `active` (updateScimUserState), written as
 *   {op:"replace", value:{active:bool}}  or  {op:"replace", path:"active", value:bool},
 * and the userName (an email change of the same member) as {op:"replace", path:"userName", value}.
 * The operations array is accepted as `Operations` (RFC 7644 §3.5.2) or `operations` (how
 * Postman's SDK spells it). `op` and the path are case-insensitive, as RFC 7644 says for op
 * values and attribute names. Every operation is validated first so a bad one never leaves a
 * half-applied patch; the last operation on an attribute wins.
 */
export function parsePostmanPatch(body: unknown): PostmanPatch | undefined {
  if (!isRecord(body)) return undefined;
  // Not mandatory (clients following Postman's SDK may omit it), but if sent it must be right.
  if (body.schemas !== undefined && !hasSchema(body, PATCH_OP_SCHEMA)) return undefined;
  const operations = body.Operations ?? body.operations;
  if (!Array.isArray(operations) || operations.length === 0) return undefined;
  const patch: PostmanPatch = {};
  for (const operation of operations) {
    const one = parseOperation(operation);
    if (one === undefined) return undefined;
    Object.assign(patch, one);
  }
  return patch;
}

function parseOperation(operation: unknown): PostmanPatch | undefined {
  if (!isRecord(operation)) return undefined;
  if (typeof operation.op !== 'string' || operation.op.toLowerCase() !== 'replace') return undefined;
  const { path, value } = operation;
  if (path === undefined) {
    if (!isRecord(value)) return undefined;
    const keys = Object.keys(value);
    if (keys.length !== 1 || keys[0]?.toLowerCase() !== 'active') return undefined;
    const active = Object.values(value)[0];
    return typeof active === 'boolean' ? { active } : undefined;
  }
  if (typeof path !== 'string') return undefined;
  if (path.toLowerCase() === 'active') return typeof value === 'boolean' ? { active: value } : undefined;
  if (path.toLowerCase() === 'username') return typeof value === 'string' && value.trim() !== '' ? { userName: value.trim() } : undefined;
  return undefined;
}
