/**
 * What each kind of SCIM service accepts, as data. The planner asks a profile which mapped
 * attributes can be changed after creation; the request builder asks it how. Adding a service
 * means adding a profile here, not `if (provider === …)` through the code.
 */
export type ProviderName = 'postman' | 'nintex' | 'generic';

/** How an attribute is changed after the user exists. */
export type UpdateMethod =
  | 'put-name' //    Postman: PUT with the current userName and the new name (nothing else is applied)
  | 'patch' //       PATCH replace with a `path`
  | 'put' //         a PUT carrying it (Nintex: userName, timezone aren't PATCHable per its docs)
  | 'none'; //       can't be changed on this service: reported once, never re-sent

export interface TargetProfile {
  name: ProviderName;
  /** Attributes (canonical paths) a create may carry; others mapped are left out of the POST. */
  creatable: ReadonlySet<string> | 'any';
  /** How each attribute is updated; attributes missing here can't be (for `any` profiles: patch). */
  updates: Readonly<Record<string, UpdateMethod>> | 'patch-any';
  /** Spelling of the PatchOp list: RFC 7644 says `Operations`; Nintex's docs and Postman's SDK show `operations`. */
  patchOperationsKey: 'Operations' | 'operations';
  /** Postman's docs show `{op: replace, value: {active}}`; RFC services take `path: active`. */
  activePatch: 'value-object' | 'path';
  /** DELETE /Users/{id} (Nintex: "Delete request needs to be done to deactivate a user") or PATCH active=false. */
  deactivateWith: 'patch' | 'delete';
  /** Request Content-Type for bodies. */
  contentType: string;
  /** Shape of role entries. */
  roleShape: 'display' | 'value-and-display';
  /** Whether userName must be an email address (Postman's is; Nintex's is a login name like "joe.bloggs"). */
  userNameIsEmail: boolean;
  /**
   * Whether `GET /Users?filter=externalId eq "…"` works, so a create can first make sure the
   * service holds no account for that person (one the list read missed). Postman filters on
   * userName only (seed 002); Nintex has no externalId (seed 003); RFC services filter on any attribute.
   */
  filtersOnExternalId: boolean;
  /** Extra fields Postman's own create example carries. */
  createExtras?: Readonly<Record<string, unknown>>;
  /** How the service's /Groups is spoken to; absent: the service has no groups (Nintex: map `roles` instead). */
  groups?: GroupDialect;
}

export interface GroupDialect {
  /** The PatchOp list's key on a group PATCH (Postman's scimUpdateGroup example, seed 002: `operations`). */
  patchOperationsKey: 'Operations' | 'operations';
  /** Whether displayNames that differ only in case are different groups (Postman: its filter is case-sensitive; RFC 7643: not caseExact). */
  displayNameCaseExact: boolean;
}

const POSTMAN: TargetProfile = {
  name: 'postman',
  // Seed 001 / 002: create takes userName, name, externalId, locale, groups, active.
  creatable: new Set(['userName', 'name.givenName', 'name.familyName', 'externalId', 'locale', 'active']),
  // Seed 000: "Only updates made to the user's given and family name … will be pushed".
  // The userName (email) can be changed with PATCH replace, so an email change is a rename.
  updates: { 'name.givenName': 'put-name', 'name.familyName': 'put-name', userName: 'patch', active: 'patch' },
  patchOperationsKey: 'Operations',
  activePatch: 'value-object',
  deactivateWith: 'patch',
  contentType: 'application/scim+json',
  roleShape: 'value-and-display',
  userNameIsEmail: true,
  filtersOnExternalId: false,
  createExtras: { groups: [] },
  groups: { patchOperationsKey: 'operations', displayNameCaseExact: true },
};

const NINTEX: TargetProfile = {
  name: 'nintex',
  // Seed 003 "all attributes currently supported … to create a new user".
  creatable: new Set(['userName', 'name.givenName', 'name.familyName', 'active', 'emails[type eq "work"].value', 'roles', 'timezone', 'preferredLanguage']),
  // Seed 003: PATCH takes name.familyName, name.givenName, active, emails, roles; PUT also
  // userName and timezone. PUT is sent without `roles` so it never drops anyone from a role.
  updates: {
    'name.givenName': 'patch',
    'name.familyName': 'patch',
    active: 'patch',
    'emails[type eq "work"].value': 'patch',
    roles: 'patch',
    userName: 'put',
    timezone: 'put',
  },
  patchOperationsKey: 'operations',
  activePatch: 'path',
  // The doc: "Delete request needs to be done to deactivate a user". PATCH active=false is listed
  // too, but DELETE is the documented deactivation; reactivation is PATCH active=true.
  deactivateWith: 'delete',
  contentType: 'application/json',
  roleShape: 'display',
  userNameIsEmail: false,
  filtersOnExternalId: false,
};

const GENERIC: TargetProfile = {
  name: 'generic',
  creatable: 'any',
  updates: 'patch-any',
  patchOperationsKey: 'Operations',
  activePatch: 'path',
  deactivateWith: 'patch',
  contentType: 'application/scim+json',
  roleShape: 'value-and-display',
  userNameIsEmail: false,
  filtersOnExternalId: true,
  groups: { patchOperationsKey: 'Operations', displayNameCaseExact: false },
};

export const PROFILES: Readonly<Record<ProviderName, TargetProfile>> = { postman: POSTMAN, nintex: NINTEX, generic: GENERIC };

export function canCreateWith(profile: TargetProfile, path: string): boolean {
  return profile.creatable === 'any' || profile.creatable.has(path);
}

export function updateMethod(profile: TargetProfile, path: string): UpdateMethod {
  if (profile.updates === 'patch-any') return 'patch';
  return profile.updates[path] ?? 'none';
}

/**
 * Mapped attributes this service can be sent neither on create nor afterwards (Postman:
 * department, title, …): they never reach it. The externalId is left out: it is the roster's
 * match key, required by every config, even where the service doesn't store it (Nintex).
 */
export function neverSentPaths(profile: TargetProfile, paths: readonly string[]): string[] {
  return paths.filter((p) => p !== 'externalId' && !canCreateWith(profile, p) && updateMethod(profile, p) === 'none');
}
