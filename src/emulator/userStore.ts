/**
 * The emulator's team: users kept in memory, in creation order.
 *
 * Creation order matters: SCIM paging (startIndex/count) is only meaningful over a stable
 * ordering, and a Map iterates in insertion order, so pages never shift between requests
 * unless users are added.
 */
import { randomBytes } from 'node:crypto';

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
  /** ISO 8601 with milliseconds, like Postman's meta timestamps. */
  created: string;
  lastModified: string;
}

export class DuplicateUserError extends Error {
  constructor(readonly field: 'userName' | 'id', readonly value: string) {
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

export class UserStore {
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByUserName = new Map<string, string>();

  constructor(private readonly now: () => Date = () => new Date()) {}

  /** Adds a user; throws DuplicateUserError if the userName (any case) or id is taken. */
  add(seed: SeedUser): StoredUser {
    const id = seed.id ?? newUserId();
    if (this.byId.has(id)) throw new DuplicateUserError('id', id);
    if (this.idByUserName.has(userNameKey(seed.userName))) throw new DuplicateUserError('userName', seed.userName);
    const stamp = this.now().toISOString();
    const user: StoredUser = {
      id,
      userName: seed.userName,
      ...(seed.givenName !== undefined && { givenName: seed.givenName }),
      ...(seed.familyName !== undefined && { familyName: seed.familyName }),
      ...(seed.externalId !== undefined && { externalId: seed.externalId }),
      active: seed.active ?? true,
      ...(seed.locale !== undefined && { locale: seed.locale }),
      created: stamp,
      lastModified: stamp,
    };
    this.byId.set(id, user);
    this.idByUserName.set(userNameKey(user.userName), id);
    return { ...user };
  }

  /** All users in creation order (copies: callers can't mutate the store by accident). */
  list(): StoredUser[] {
    return [...this.byId.values()].map((u) => ({ ...u }));
  }

  get(id: string): StoredUser | undefined {
    const user = this.byId.get(id);
    return user && { ...user };
  }

  /** Case-insensitive, like the uniqueness check. */
  findByUserName(userName: string): StoredUser | undefined {
    const id = this.idByUserName.get(userNameKey(userName));
    return id === undefined ? undefined : this.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  /** Sets given/family name; lastModified moves only when something actually changed. */
  updateName(id: string, givenName: string, familyName: string): StoredUser | undefined {
    return this.mutate(id, (u) => {
      if (u.givenName === givenName && u.familyName === familyName) return false;
      u.givenName = givenName;
      u.familyName = familyName;
      return true;
    });
  }

  setActive(id: string, active: boolean): StoredUser | undefined {
    return this.mutate(id, (u) => {
      if (u.active === active) return false;
      u.active = active;
      return true;
    });
  }

  /** Removes every user (tests that reuse one emulator across scenarios). */
  clear(): void {
    this.byId.clear();
    this.idByUserName.clear();
  }

  private mutate(id: string, change: (u: StoredUser) => boolean): StoredUser | undefined {
    const user = this.byId.get(id);
    if (!user) return undefined;
    if (change(user)) user.lastModified = this.now().toISOString();
    return { ...user };
  }
}
