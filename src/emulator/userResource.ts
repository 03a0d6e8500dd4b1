/**
 * Renders a stored user as the SCIM User resource Postman returns (seed 201/200 bodies):
 * schemas, id, userName, name{givenName,familyName}, externalId, active, meta — in that order,
 * and without the attributes Postman doesn't echo (emails, displayName, groups, meta.location).
 */
import type { StoredUser } from './storedUser.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';

export interface ScimUserResource {
  schemas: string[];
  id: string;
  userName: string;
  name?: { givenName?: string; familyName?: string };
  externalId?: string;
  locale?: string;
  active: boolean;
  meta: { resourceType: 'User'; created: string; lastModified: string };
}

export function toScimUser(user: StoredUser): ScimUserResource {
  const name: { givenName?: string; familyName?: string } = {};
  if (user.givenName !== undefined) name.givenName = user.givenName;
  if (user.familyName !== undefined) name.familyName = user.familyName;
  // Absent attributes are omitted rather than sent as null (RFC 7643 §2.5: unassigned = absent).
  return {
    schemas: [USER_SCHEMA],
    id: user.id,
    userName: user.userName,
    ...(Object.keys(name).length > 0 && { name }),
    ...(user.externalId !== undefined && { externalId: user.externalId }),
    ...(user.locale !== undefined && { locale: user.locale }),
    active: user.active,
    meta: { resourceType: 'User', created: user.created, lastModified: user.lastModified },
  };
}
