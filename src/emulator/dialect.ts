/**
 * Which SCIM service the emulator behaves like, and how each one renders a stored user.
 *
 *   postman  Postman's SCIM API (seeds 000–002): fixed resource shape, name-only PUT,
 *            active-only PATCH, no DELETE. The default.
 *   nintex   Nintex Process Manager (seed 003): a handful of attributes, roles created on
 *            the fly, DELETE deactivates.
 *   generic  A plain RFC 7643/7644 server (Okta / Entra ID / scimmy style): stores whatever
 *            attributes it is sent, full PATCH paths, DELETE removes.
 */
import { CORE_USER_URN } from './scimFilter.js';
import { toScimUser } from './userResource.js';
import type { StoredUser, UserRecord } from './storedUser.js';

export type Dialect = 'postman' | 'nintex' | 'generic';
export const DIALECTS: readonly Dialect[] = ['postman', 'nintex', 'generic'];

export const ENTERPRISE_USER_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

export function isDialect(value: unknown): value is Dialect {
  return typeof value === 'string' && (DIALECTS as readonly string[]).includes(value);
}

/** Attributes the service never returns (RFC 7643 §4.1.1: password is writeOnly/returned never). */
const NEVER_RETURNED = new Set(['password']);

/**
 * `schemas` of a rendered user: the core schema plus every extension the user has an object
 * for (RFC 7643 §3: extension attributes live under their schema URN, which must be listed).
 */
export function schemasFor(attributes: Record<string, unknown>): string[] {
  const extensions = Object.keys(attributes).filter(
    (key) => key.toLowerCase().startsWith('urn:') && typeof attributes[key] === 'object' && attributes[key] !== null,
  );
  return [CORE_USER_URN, ...extensions.filter((urn) => urn.toLowerCase() !== CORE_USER_URN.toLowerCase())];
}

/** The SCIM User resource a dialect serves for a stored user. */
export function renderUser(dialect: Dialect, record: UserRecord, flat: StoredUser, baseUrl: string): Record<string, unknown> {
  if (dialect === 'postman') return { ...toScimUser(flat) };
  const attributes = structuredClone(record.attributes);
  for (const key of Object.keys(attributes)) if (NEVER_RETURNED.has(key.toLowerCase())) delete attributes[key];
  return {
    schemas: schemasFor(attributes),
    id: record.id,
    ...attributes,
    meta: {
      resourceType: 'User',
      created: record.created,
      lastModified: record.lastModified,
      ...(baseUrl !== '' && { location: `${baseUrl}/Users/${encodeURIComponent(record.id)}` }),
    },
  };
}
