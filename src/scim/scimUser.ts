import type { RemoteUser } from '../domain/types.js';

/** The parts of a SCIM User resource scim-sync reads. Anything else is ignored. */
interface ScimUserResource {
  id?: unknown;
  userName?: unknown;
  externalId?: unknown;
  active?: unknown;
  name?: { givenName?: unknown; familyName?: unknown };
}

/**
 * Turns a SCIM User resource into a RemoteUser, or undefined when it lacks an id or userName
 * (we could never address or match it). `active` defaults to true as RFC 7643 leaves it
 * optional and services that omit it treat users as active.
 */
export function toRemoteUser(resource: unknown): RemoteUser | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const r = resource as ScimUserResource;
  if (typeof r.id !== 'string' || r.id === '' || typeof r.userName !== 'string') return undefined;
  return {
    id: r.id,
    userName: r.userName,
    externalId: typeof r.externalId === 'string' && r.externalId !== '' ? r.externalId : undefined,
    givenName: typeof r.name?.givenName === 'string' ? r.name.givenName : undefined,
    familyName: typeof r.name?.familyName === 'string' ? r.name.familyName : undefined,
    active: r.active === false || r.active === 'false' ? false : true,
  };
}
