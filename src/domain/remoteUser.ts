import type { AttrValue } from './attributePaths.js';

/** A user as the SCIM service reports it (only the attributes scim-sync reads). */
export interface RemoteUser {
  id: string;
  userName: string;
  externalId?: string;
  givenName?: string;
  familyName?: string;
  locale?: string;
  active: boolean;
  /** Values at the further mapped paths, as the service holds them. */
  attributes?: Readonly<Record<string, AttrValue>>;
}
