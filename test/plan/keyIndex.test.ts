import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hash26 } from '../../src/plan/keyHash.js';
import { KeyIndex } from '../../src/plan/keyIndex.js';

describe('KeyIndex (the planner’s userName index)', () => {
  it('keeps two addresses whose hashes collide apart: neither is shared, each is found at its own place', () => {
    const a = 'user4935@example.com';
    const b = 'user11996@example.com';
    expect(hash26(a)).toBe(hash26(b)); // the collision this test is about
    const index = new KeyIndex(['x@example.com', b, a]);
    expect(index.positionsOf(a)).toEqual([2]);
    expect(index.positionsOf(b)).toEqual([1]);
    expect(index.firstOf(a)).toBe(2);
    expect(index.isShared(1)).toBe(false);
    expect(index.isShared(2)).toBe(false);
  });

  it('an address two accounts hold is shared at both places and listed lowest place first', () => {
    const index = new KeyIndex(['b@example.com', 'a@example.com', 'c@example.com', 'a@example.com', 'a@example.com']);
    expect(index.positionsOf('a@example.com')).toEqual([1, 3, 4]);
    expect(index.firstOf('a@example.com')).toBe(1);
    expect([0, 1, 2, 3, 4].map((at) => index.isShared(at))).toEqual([false, true, false, true, true]);
  });

  it('positions without a key (accounts without an externalId) are in no group and never shared', () => {
    const index = new KeyIndex([undefined, 'E1', undefined, 'E1', 'E2']);
    expect(index.positionsOf('E1')).toEqual([1, 3]);
    expect(index.firstOf('E2')).toBe(4);
    expect([0, 1, 2, 3, 4].map((at) => index.isShared(at))).toEqual([false, true, false, true, false]);
  });

  it('an address nobody holds is found nowhere, also in an empty list', () => {
    expect(new KeyIndex(['a@example.com']).firstOf('z@example.com')).toBeUndefined();
    expect(new KeyIndex([]).positionsOf('a@example.com')).toEqual([]);
  });

  it('answers exactly what a Map of lists would, for any keys (short keys from a small alphabet collide and repeat often)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', 'c'), maxLength: 3 }), { maxLength: 60 }),
        fc.string({ maxLength: 3 }),
        (keys, probe) => {
          const index = new KeyIndex(keys);
          const lists = new Map<string, number[]>();
          keys.forEach((key, at) => lists.set(key, [...(lists.get(key) ?? []), at]));
          for (const key of [...keys, probe]) {
            expect(index.positionsOf(key)).toEqual(lists.get(key) ?? []);
            expect(index.firstOf(key)).toBe(lists.get(key)?.[0]);
          }
          keys.forEach((key, at) => expect(index.isShared(at)).toBe(lists.get(key)!.length > 1));
        },
      ),
    );
  });
});
