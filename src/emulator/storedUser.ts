/** The shapes the emulator's store keeps users in: plain types, shared by the store, its renderers and routes. */

export interface SeedEmail {
  value: string;
  type?: string;
  primary?: boolean;
}

/** A user as the emulator stores it (flat, easy to assert on); rendered to SCIM elsewhere. */
export interface StoredUser {
  id: string;
  userName: string;
  givenName?: string;
  familyName?: string;
  externalId?: string;
  active: boolean;
  locale?: string;
  /** The fields below are present only when the user has them (nintex/generic dialects, rich seeds). */
  emails?: SeedEmail[];
  /** Role names (`display`, else `value`, of each role). */
  roles?: string[];
  title?: string;
  displayName?: string;
  timezone?: string;
  preferredLanguage?: string;
  /** ISO 8601 with milliseconds, like Postman's meta timestamps. */
  created: string;
  lastModified: string;
}

/** A user's stored form: its SCIM attributes (no id, schemas or meta) plus the server-owned fields. */
export interface UserRecord {
  id: string;
  created: string;
  lastModified: string;
  attributes: Record<string, unknown>;
}
