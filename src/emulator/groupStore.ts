/**
 * The emulator's groups (Postman's /Groups, seed 002; RFC 7643 §4.2 for the generic dialect):
 * a display name and member ids, kept in insertion order so paging is stable.
 */
import { newUserId } from './userStore.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export interface StoredGroup {
  id: string;
  displayName: string;
  /** Member user ids, in the order they were added. */
  members: string[];
  created: string;
  lastModified: string;
}

/** A group the emulator starts with: members by userName (or id). */
export interface SeedGroup {
  displayName: string;
  id?: string;
  members?: string[];
}

export class GroupStore {
  private readonly groups = new Map<string, StoredGroup>();

  /**
   * `caseExact`: whether two names that differ only in case are two groups. Postman documents its
   * displayName filter as case-sensitive; RFC 7643 §4.2 makes displayName not caseExact.
   */
  constructor(private readonly caseExact: boolean) {}

  add(displayName: string, members: string[] = [], id: string = newUserId()): StoredGroup {
    const now = new Date().toISOString();
    const group = { id, displayName, members: [...new Set(members)], created: now, lastModified: now };
    this.groups.set(id, group);
    return group;
  }

  list(): StoredGroup[] {
    return [...this.groups.values()];
  }

  get(id: string): StoredGroup | undefined {
    return this.groups.get(id);
  }

  findByName(displayName: string): StoredGroup | undefined {
    const same = (name: string) => (this.caseExact ? name === displayName : name.toLowerCase() === displayName.toLowerCase());
    return this.list().find((g) => same(g.displayName));
  }

  get size(): number {
    return this.groups.size;
  }

  remove(id: string): boolean {
    return this.groups.delete(id);
  }

  touch(group: StoredGroup): void {
    group.lastModified = new Date().toISOString();
  }

  /** A user deleted from the service is no member of anything any more. */
  forgetMember(userId: string): void {
    for (const group of this.groups.values()) group.members = group.members.filter((m) => m !== userId);
  }
}
