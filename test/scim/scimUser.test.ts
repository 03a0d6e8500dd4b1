import { describe, expect, it } from 'vitest';
import { toRemoteUser } from '../../src/scim/scimUser.js';

describe('toRemoteUser', () => {
  it('reads active as a boolean or as the string "false" in any case (Nintex types Active as a String)', () => {
    const user = (active: unknown) => toRemoteUser({ id: 'r1', userName: 'ada@example.com', active })?.active;
    expect([false, 'false', 'False', ' FALSE '].map(user)).toEqual([false, false, false, false]);
    expect([true, 'true', 'True', undefined].map(user)).toEqual([true, true, true, true]);
  });

  it('a resource without an id or userName is not a user scim-sync could address', () => {
    expect(toRemoteUser({ userName: 'ada@example.com' })).toBeUndefined();
    expect(toRemoteUser({ id: 'r1' })).toBeUndefined();
    expect(toRemoteUser('not an object')).toBeUndefined();
  });
});
