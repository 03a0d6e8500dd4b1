import type { RemoteUser } from '../domain/remoteUser.js';
import { type AttrValue, readPath } from '../domain/attributePaths.js';
import type { Interner } from '../roster/interner.js';

/** Paths RemoteUser holds as fields of its own; everything else mapped goes to `attributes`. */
const OWN_FIELDS = new Set(['userName', 'externalId', 'name.givenName', 'name.familyName', 'locale', 'active']);

/**
 * Turns a SCIM User resource into a RemoteUser, or undefined when it lacks an id or userName
 * (we could never address or match it). `active` defaults to true as RFC 7643 leaves it
 * optional and services that omit it treat users as active. Only the mapped attributes are
 * kept, so 100,000 users cost little memory; with `names`, given and family names are shared
 * strings (a directory repeats them as a roster does).
 */
export function toRemoteUser(resource: unknown, mapped: readonly string[] = [], names?: Interner): RemoteUser | undefined {
  if (typeof resource !== 'object' || resource === null) return undefined;
  const r = resource as Record<string, unknown> & { name?: { givenName?: unknown; familyName?: unknown } };
  if (typeof r.id !== 'string' || r.id === '' || typeof r.userName !== 'string') return undefined;
  const user: RemoteUser = {
    id: r.id,
    userName: r.userName,
    externalId: typeof r.externalId === 'string' && r.externalId !== '' ? r.externalId : undefined,
    givenName: typeof r.name?.givenName === 'string' ? shared(r.name.givenName, names) : undefined,
    familyName: typeof r.name?.familyName === 'string' ? shared(r.name.familyName, names) : undefined,
    // Nintex types Active as a String: a .NET service may well say "False".
    active: r.active === false || (typeof r.active === 'string' && r.active.trim().toLowerCase() === 'false') ? false : true,
  };
  if (typeof r.locale === 'string') user.locale = r.locale;
  let attributes: Record<string, AttrValue> | undefined;
  for (const path of furtherPaths(mapped)) {
    const value = readPath(r, path);
    if (value !== undefined) (attributes ??= {})[path] = value;
  }
  if (attributes) user.attributes = attributes;
  return user;
}

function shared(value: string, names: Interner | undefined): string {
  return names === undefined ? value : names.intern(value);
}

/**
 * The mapped paths that go to `attributes`, worked out once per list of mapped paths (a read
 * passes the same one for every user of every page) rather than a Set asked per path per user.
 */
const furtherByMapped = new WeakMap<readonly string[], readonly string[]>();

function furtherPaths(mapped: readonly string[]): readonly string[] {
  let further = furtherByMapped.get(mapped);
  if (further === undefined) {
    further = mapped.filter((path) => !OWN_FIELDS.has(path));
    furtherByMapped.set(mapped, further);
  }
  return further;
}
