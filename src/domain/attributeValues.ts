import type { RemoteUser } from './remoteUser.js';
import type { RosterUser } from './roster.js';
import type { AttrValue } from './attributePaths.js';

/** The value a roster user has at a canonical SCIM path. */
export function rosterValue(user: RosterUser, path: string): AttrValue | undefined {
  switch (path) {
    case 'userName':
      return user.userName;
    case 'externalId':
      return user.externalId;
    case 'name.givenName':
      return user.givenName;
    case 'name.familyName':
      return user.familyName;
    case 'locale':
      return user.locale;
    default:
      return user.attributes?.[path];
  }
}

/** The value the service holds for a user at a canonical SCIM path. */
export function remoteValue(remote: RemoteUser, path: string): AttrValue | undefined {
  switch (path) {
    case 'userName':
      return remote.userName;
    case 'externalId':
      return remote.externalId;
    case 'name.givenName':
      return remote.givenName;
    case 'name.familyName':
      return remote.familyName;
    case 'locale':
      return remote.locale;
    default:
      return remote.attributes?.[path];
  }
}
