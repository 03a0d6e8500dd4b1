import type { FieldChange, RemoteUser, RosterUser } from '../domain/types.js';
import { SCIM_PATCH_SCHEMA, SCIM_USER_SCHEMA } from './scimClient.js';

/**
 * Request bodies in the shapes Postman documents (seeds 000, 001, 002). Kept as plain
 * functions of data so tests can check them without a server.
 */

/** POST /Users (seed 001): schemas, userName, name, externalId, locale when mapped, active. */
export function createUserBody(user: RosterUser): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    userName: user.userName,
    name: { givenName: user.givenName, familyName: user.familyName },
    externalId: user.externalId,
    ...(user.locale ? { locale: user.locale } : {}),
    groups: [],
    active: true,
  };
}

/**
 * PUT /Users/{id} (seed 000): Postman applies only name changes, so we send the user's
 * *current* userName (changing it is not possible here) and the new name.
 */
export function replaceNameBody(remote: RemoteUser, user: Pick<RosterUser, 'givenName' | 'familyName'>): Record<string, unknown> {
  return {
    schemas: [SCIM_USER_SCHEMA],
    userName: remote.userName,
    name: { givenName: user.givenName, familyName: user.familyName },
  };
}

/** PATCH /Users/{id} (seed 002, updateScimUserState): a PatchOp replacing `active`. */
export function setActiveBody(active: boolean): Record<string, unknown> {
  return {
    schemas: [SCIM_PATCH_SCHEMA],
    Operations: [{ op: 'replace', value: { active } }],
  };
}

/** `GET /Users?filter=userName eq "…"`, quoting per RFC 7644 §3.4.2.2 (JSON string rules). */
export function userNameFilterPath(userName: string): string {
  return `/Users?filter=${encodeURIComponent(`userName eq ${JSON.stringify(userName)}`)}`;
}

export function describeChanges(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.field}: ${c.from ?? '(none)'} → ${c.to}`).join(', ');
}
