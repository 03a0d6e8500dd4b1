/**
 * The emulator's team: users kept in memory, in creation order.
 *
 * Creation order matters: SCIM paging (startIndex/count) is only meaningful over a stable
 * ordering, and a Map iterates in insertion order, so pages never shift between requests
 * unless users are added.
 *
 * Each user is held as its SCIM attributes (the resource minus id, schemas and meta), so the
 * Nintex and generic dialects can keep emails, roles, extension objects… The flat StoredUser
 * that list()/get()/findByUserName() hand out is derived from those attributes on every read,
 * so it is correct whichever dialect wrote them; resource(id) gives the full resource as the
 * dialect serves it.
 */
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import { renderUser, type Dialect } from './dialect.js';

export type { Dialect } from './dialect.js';
import type { SeedEmail, StoredUser, UserRecord } from './storedUser.js';
export type { SeedEmail, StoredUser, UserRecord } from './storedUser.js';

/** A user to preload (CLI --seed file, tests, demo team). */
export interface SeedUser {
  userName: string;
  givenName?: string;
  familyName?: string;
  externalId?: string;
  active?: boolean;
  locale?: string;
  /** Fixed id, for fixtures that need stable ids; otherwise one is generated. */
  id?: string;
  emails?: SeedEmail[];
  /**
   * Role names. Stored as `{display}` in the nintex dialect (its shape), `{value, display}`
   * otherwise; every name also becomes a known role (see UserStore.knownRoles).
   */
  roles?: string[];
  title?: string;
  /**
   * Extra raw resource attributes, merged in last (may override the fields above): e.g.
   * `{ timezone: 'Europe/Paris', 'urn:…:enterprise:2.0:User': { department: 'R&D' } }`.
   */
  attributes?: Record<string, unknown>;
}

export interface UserStoreOptions {
  /** How resource(id) renders users and how seeded roles are shaped (default 'postman'). */
  dialect?: Dialect;
}

export class DuplicateUserError extends Error {
  constructor(
    readonly field: 'userName' | 'id',
    readonly value: string,
  ) {
    super(`A user with ${field} "${value}" already exists`);
    this.name = 'DuplicateUserError';
  }
}

/** Postman ids are 48 lowercase hex characters (24 random bytes). */
export function newUserId(): string {
  return randomBytes(24).toString('hex');
}

/** userNames are email addresses, and the mailbox world treats them case-insensitively. */
function userNameKey(userName: string): string {
  return userName.toLowerCase();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Role names of a `roles` attribute, in order, whatever shape its entries have. */
export function roleNames(roles: unknown): string[] {
  if (!Array.isArray(roles)) return [];
  return roles
    .map((role: unknown) => (isRecord(role) ? (stringField(role.display) ?? stringField(role.value)) : stringField(role)))
    .filter((name): name is string => name !== undefined && name !== '');
}

function flatten(record: UserRecord): StoredUser {
  const a = record.attributes;
  const name = isRecord(a.name) ? a.name : {};
  // Keys in the order the flat records always had: id, userName, givenName, familyName,
  // externalId, active, locale, … created, lastModified.
  const user = { id: record.id, userName: String(a.userName) } as StoredUser;
  const given = stringField(name.givenName);
  if (given !== undefined) user.givenName = given;
  const family = stringField(name.familyName);
  if (family !== undefined) user.familyName = family;
  const externalId = stringField(a.externalId);
  if (externalId !== undefined) user.externalId = externalId;
  user.active = a.active !== false;
  const locale = stringField(a.locale);
  if (locale !== undefined) user.locale = locale;
  if (Array.isArray(a.emails)) {
    const emails = a.emails
      .filter(isRecord)
      .flatMap((e): SeedEmail[] =>
        typeof e.value === 'string'
          ? [{ value: e.value, ...(typeof e.type === 'string' && { type: e.type }), ...(typeof e.primary === 'boolean' && { primary: e.primary }) }]
          : [],
      );
    if (emails.length > 0) user.emails = emails;
  }
  const roles = roleNames(a.roles);
  if (roles.length > 0) user.roles = roles;
  for (const key of ['title', 'displayName', 'timezone', 'preferredLanguage'] as const) {
    const value = stringField(a[key]);
    if (value !== undefined) user[key] = value;
  }
  user.created = record.created;
  user.lastModified = record.lastModified;
  return user;
}

export class UserStore {
  private readonly byId = new Map<string, UserRecord>();
  private readonly idByUserName = new Map<string, string>();
  /** Known role names by lower case (Nintex creates roles on first use). */
  private readonly roles = new Map<string, string>();
  readonly dialect: Dialect;
  /** Base URL for meta.location in rendered resources (the server sets it once listening). */
  baseUrl = '';

  constructor(
    private readonly now: () => Date = () => new Date(),
    options: UserStoreOptions = {},
  ) {
    this.dialect = options.dialect ?? 'postman';
  }

  /** Adds a user; throws DuplicateUserError if the userName (any case) or id is taken. */
  add(seed: SeedUser): StoredUser {
    const attributes: Record<string, unknown> = { userName: seed.userName };
    const name: Record<string, string> = {};
    if (seed.givenName !== undefined) name.givenName = seed.givenName;
    if (seed.familyName !== undefined) name.familyName = seed.familyName;
    if (Object.keys(name).length > 0) attributes.name = name;
    if (seed.externalId !== undefined) attributes.externalId = seed.externalId;
    attributes.active = seed.active ?? true;
    if (seed.locale !== undefined) attributes.locale = seed.locale;
    if (seed.title !== undefined) attributes.title = seed.title;
    if (seed.emails !== undefined) attributes.emails = seed.emails.map((e) => ({ ...e }));
    if (seed.roles !== undefined) {
      attributes.roles = this.ensureRoles(seed.roles).map((r) => (this.dialect === 'nintex' ? { display: r } : { value: r, display: r }));
    }
    if (seed.attributes !== undefined) Object.assign(attributes, structuredClone(seed.attributes));
    this.ensureRoles(roleNames(attributes.roles));
    return this.addResource(attributes, seed.id);
  }

  /**
   * Adds a user from its SCIM attributes (the resource without id, schemas and meta); throws
   * DuplicateUserError if the userName (any case) or id is taken.
   */
  addResource(attributes: Record<string, unknown>, id: string = newUserId()): StoredUser {
    const userName = attributes.userName;
    if (typeof userName !== 'string') throw new TypeError('a user needs a string userName');
    if (this.byId.has(id)) throw new DuplicateUserError('id', id);
    if (this.idByUserName.has(userNameKey(userName))) throw new DuplicateUserError('userName', userName);
    const stamp = this.now().toISOString();
    const record: UserRecord = { id, created: stamp, lastModified: stamp, attributes: structuredClone(attributes) };
    this.byId.set(id, record);
    this.idByUserName.set(userNameKey(userName), id);
    return flatten(record);
  }

  /** All users in creation order (copies: callers can't mutate the store by accident). */
  list(): StoredUser[] {
    return [...this.byId.values()].map(flatten);
  }

  get(id: string): StoredUser | undefined {
    const record = this.byId.get(id);
    return record && flatten(record);
  }

  /** Case-insensitive, like the uniqueness check. */
  findByUserName(userName: string): StoredUser | undefined {
    const id = this.idByUserName.get(userNameKey(userName));
    return id === undefined ? undefined : this.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** The full SCIM resource, as this store's dialect serves it. */
  resource(id: string): Record<string, unknown> | undefined {
    const record = this.byId.get(id);
    return record && renderUser(this.dialect, record, flatten(record), this.baseUrl);
  }

  /** Every user as the dialect serves it, in creation order. */
  resources(): Array<Record<string, unknown>> {
    return [...this.byId.values()].map((record) => renderUser(this.dialect, record, flatten(record), this.baseUrl));
  }

  /** All ids in creation order (cheap: for paging without copying or rendering every user). */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** A copy of the stored attributes (the resource minus id, schemas and meta). */
  attributes(id: string): Record<string, unknown> | undefined {
    const record = this.byId.get(id);
    return record && structuredClone(record.attributes);
  }

  /**
   * Replaces a user's attributes (id and created stay). Throws DuplicateUserError when the new
   * userName belongs to someone else; lastModified moves only when something actually changed.
   */
  replaceAttributes(id: string, attributes: Record<string, unknown>): StoredUser | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    const userName = attributes.userName;
    if (typeof userName !== 'string') throw new TypeError('a user needs a string userName');
    const owner = this.idByUserName.get(userNameKey(userName));
    if (owner !== undefined && owner !== id) throw new DuplicateUserError('userName', userName);
    if (isDeepStrictEqual(record.attributes, attributes)) return flatten(record);
    this.idByUserName.delete(userNameKey(String(record.attributes.userName)));
    this.idByUserName.set(userNameKey(userName), id);
    record.attributes = structuredClone(attributes);
    record.lastModified = this.now().toISOString();
    return flatten(record);
  }

  /** Deletes a user; false when there was none. */
  remove(id: string): boolean {
    const record = this.byId.get(id);
    if (!record) return false;
    this.byId.delete(id);
    this.idByUserName.delete(userNameKey(String(record.attributes.userName)));
    return true;
  }

  /** Sets given/family name; lastModified moves only when something actually changed. */
  updateName(id: string, givenName: string, familyName: string): StoredUser | undefined {
    return this.mutate(id, (a) => {
      const name = isRecord(a.name) ? a.name : {};
      if (name.givenName === givenName && name.familyName === familyName) return false;
      a.name = { ...name, givenName, familyName };
      return true;
    });
  }

  setActive(id: string, active: boolean): StoredUser | undefined {
    return this.mutate(id, (a) => {
      if ((a.active !== false) === active && typeof a.active === 'boolean') return false;
      a.active = active;
      return true;
    });
  }

  /** Role names known to the service, in the order they were first seen. */
  knownRoles(): string[] {
    return [...this.roles.values()];
  }

  /**
   * Makes sure every named role exists (Nintex: "roles that do not exist … will be created")
   * and returns the names as the service spells them: a role matches in any case, and keeps the
   * spelling it was created with. Duplicates (in any case) are dropped.
   */
  ensureRoles(names: readonly string[]): string[] {
    const result: string[] = [];
    for (const name of names) {
      const key = name.toLowerCase();
      if (!this.roles.has(key)) this.roles.set(key, name);
      const canonical = this.roles.get(key) ?? name;
      if (!result.includes(canonical)) result.push(canonical);
    }
    return result;
  }

  /** Removes every user (tests that reuse one emulator across scenarios). Known roles stay. */
  clear(): void {
    this.byId.clear();
    this.idByUserName.clear();
  }

  private mutate(id: string, change: (attributes: Record<string, unknown>) => boolean): StoredUser | undefined {
    const record = this.byId.get(id);
    if (!record) return undefined;
    if (change(record.attributes)) record.lastModified = this.now().toISOString();
    return flatten(record);
  }
}
