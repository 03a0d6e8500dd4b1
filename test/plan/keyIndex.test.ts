import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf } from '../../src/lookup/keyTable.js';
import { KeyIndex } from '../../src/plan/keyIndex.js';

describe('KeyIndex (the planner’s externalId and userName index)', () => {
  it('keeps two addresses whose hashes collide apart: neither is shared, each is found at its own place', () => {
    const a = 'user449599@example.com';
    const b = 'user612382@example.com';
    expect(hashOf(a)).toBe(hashOf(b)); // the collision this test is about
    const index = KeyIndex.over(['x@example.com', b, a]);
    expect(index.positionsOf(a)).toEqual([2]);
    expect(index.positionsOf(b)).toEqual([1]);
    expect(index.firstOf(a)).toBe(2);
    expect(index.isShared(1)).toBe(false);
    expect(index.isShared(2)).toBe(false);
  });

  it('an address two accounts hold is shared at both places and listed lowest place first', () => {
    const index = KeyIndex.over(['b@example.com', 'a@example.com', 'c@example.com', 'a@example.com', 'a@example.com']);
    expect(index.positionsOf('a@example.com')).toEqual([1, 3, 4]);
    expect(index.firstOf('a@example.com')).toBe(1);
    expect([0, 1, 2, 3, 4].map((at) => index.isShared(at))).toEqual([false, true, false, true, true]);
  });

  it('positions without a key (accounts without an externalId) are in no group and never shared', () => {
    const index = KeyIndex.over([undefined, 'E1', undefined, 'E1', 'E2']);
    expect(index.positionsOf('E1')).toEqual([1, 3]);
    expect(index.firstOf('E2')).toBe(4);
    expect([0, 1, 2, 3, 4].map((at) => index.isShared(at))).toEqual([false, true, false, true, false]);
  });

  it('reads the keys through the function it is given, so accounts need no list of keys made for it', () => {
    const accounts = [{ externalId: 'E1' }, {}, { externalId: 'E1' }] as { externalId?: string }[];
    const index = new KeyIndex(accounts.length, (at) => accounts[at]!.externalId);
    expect(index.positionsOf('E1')).toEqual([0, 2]);
    expect([0, 1, 2].map((at) => index.isShared(at))).toEqual([true, false, true]);
  });

  it('an address nobody holds is found nowhere, also in an empty list', () => {
    expect(KeyIndex.over(['a@example.com']).firstOf('z@example.com')).toBeUndefined();
    expect(KeyIndex.over([]).positionsOf('a@example.com')).toEqual([]);
  });

  it('answers exactly what a Map of lists would, for any mix of repeated keys, keys whose hashes collide, and missing keys', () => {
    // Pairs with equal 32-bit hashes (found by search), so collisions and repeats meet in one run.
    const colliding = ['user449599@example.com', 'user612382@example.com', 'E558385', 'E1501100', 'E558384', 'E1501101'];
    expect(hashOf('E558385')).toBe(hashOf('E1501100'));
    expect(hashOf('E558384')).toBe(hashOf('E1501101'));
    const key = fc.oneof(fc.constantFrom(...colliding, undefined), fc.string({ maxLength: 2 }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 60 }), fc.constantFrom(...colliding, 'absent'), (keys, probe) => {
        const index = KeyIndex.over(keys);
        const lists = new Map<string, number[]>();
        keys.forEach((k, at) => k !== undefined && lists.set(k, [...(lists.get(k) ?? []), at]));
        for (const k of [...lists.keys(), probe]) {
          expect(index.positionsOf(k)).toEqual(lists.get(k) ?? []);
          expect(index.firstOf(k)).toBe(lists.get(k)?.[0]);
        }
        keys.forEach((k, at) => expect(index.isShared(at)).toBe(k !== undefined && lists.get(k)!.length > 1));
      }),
    );
  });
});
