import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf, KeyTable } from '../../src/lookup/keyTable.js';

/** Pairs of different keys with the same 32-bit hash (found by search): the table must keep them apart. */
const COLLIDING = ['E558385', 'E1501100', 'user449599@example.com', 'user612382@example.com'];

function tableOver(keys: string[], expected = 0): KeyTable {
  return new KeyTable((at) => keys[at]!, expected);
}

describe('KeyTable (positions by key, for duplicate rows, directory ids and the planner)', () => {
  it('two keys with the same hash stay two keys: each is found at its own position, neither as a repeat', () => {
    expect(hashOf('E558385')).toBe(hashOf('E1501100'));
    const keys = ['E558385', 'E1501100'];
    const table = tableOver(keys);
    expect(table.add('E558385', 0)).toBe(-1);
    expect(table.add('E1501100', 1)).toBe(-1);
    expect(table.firstOf('E558385')).toBe(0);
    expect(table.firstOf('E1501100')).toBe(1);
    expect(table.positionsOf('E1501100')).toEqual([1]);
  });

  it('a key added again answers the lowest earlier position, and every position is listed lowest first', () => {
    const keys = ['a', 'b', 'a', 'a'];
    const table = tableOver(keys);
    expect(keys.map((key, at) => table.add(key, at))).toEqual([-1, -1, 0, 0]);
    expect(table.positionsOf('a')).toEqual([0, 2, 3]);
    expect(table.size).toBe(4);
  });

  it('addIfAbsent keeps the first position of a key, as a Set keeps the first entry, and adds nothing for a repeat', () => {
    const keys = ['x', 'y', 'x'];
    const table = tableOver(keys);
    expect(keys.map((key, at) => table.addIfAbsent(key, at))).toEqual([-1, -1, 0]);
    expect(table.positionsOf('x')).toEqual([0]);
    expect(table.size).toBe(2);
  });

  it('grows from its smallest size to 100,000 keys without losing or mixing any', () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `E${i}`);
    const table = tableOver(keys); // no size hint: it starts at 16 slots and doubles again and again
    keys.forEach((key, at) => expect(table.add(key, at)).toBe(-1));
    expect(table.firstOf('E0')).toBe(0);
    expect(table.firstOf('E99999')).toBe(99_999);
    expect(table.firstOf('E100000')).toBe(-1);
    expect(table.add('E4242', 100_000)).toBe(4242);
  });

  it('answers exactly what a Map of lists would, for any mix of repeats, colliding keys and absent keys', () => {
    const key = fc.oneof(fc.constantFrom(...COLLIDING), fc.string({ maxLength: 2 }));
    fc.assert(
      fc.property(fc.array(key, { maxLength: 80 }), fc.nat({ max: 100 }), fc.constantFrom(...COLLIDING, 'absent'), (keys, hint, probe) => {
        const table = tableOver(keys, hint);
        const lists = new Map<string, number[]>();
        keys.forEach((k, at) => {
          expect(table.add(k, at)).toBe(lists.get(k)?.[0] ?? -1);
          lists.set(k, [...(lists.get(k) ?? []), at]);
        });
        for (const k of [...lists.keys(), probe]) {
          expect(table.positionsOf(k)).toEqual(lists.get(k) ?? []);
          expect(table.firstOf(k)).toBe(lists.get(k)?.[0] ?? -1);
        }
      }),
    );
  });

  it('sized for N keys, holds N without growing, whatever N (no rounding makes it grow on its last key)', () => {
    for (const expected of [1, 16, 63, 119, 1000, 70_007]) {
      const keys = Array.from({ length: expected }, (_, i) => `k${i}`);
      const table = tableOver(keys, expected);
      const slots = table.slots;
      keys.forEach((key, at) => table.add(key, at));
      expect(table.slots, `sized for ${expected}`).toBe(slots);
      expect(table.size).toBe(expected);
    }
  });

  it('a full table does not grow for a key it already holds (a page served again at the end of a read)', () => {
    const keys = Array.from({ length: 63 }, (_, i) => `id${i}`);
    const table = tableOver(keys, 63);
    keys.forEach((key, at) => table.addIfAbsent(key, at));
    const slots = table.slots;
    expect(table.addIfAbsent('id5', 63)).toBe(5);
    expect(table.slots).toBe(slots);
    expect(table.size).toBe(63);
  });

  it('refuses a position it cannot hold rather than storing a wrong one', () => {
    const table = new KeyTable(() => 'a'); // every position's key is 'a'
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 31 - 1, 2 ** 31]) expect(() => table.add('a', bad), String(bad)).toThrow(RangeError);
    expect(table.size).toBe(0);
    expect(table.add('a', 2 ** 31 - 2)).toBe(-1);
    expect(table.firstOf('a')).toBe(2 ** 31 - 2);
  });
});
