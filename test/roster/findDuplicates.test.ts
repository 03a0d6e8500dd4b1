import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf } from '../../src/lookup/keyTable.js';
import { findDuplicates, type IdentifiedRow } from '../../src/roster/findDuplicates.js';

/** The obvious Map-based implementation, as an oracle: which row indexes share a key with another row. */
function naiveDuplicates(rows: readonly IdentifiedRow[]): Set<number> {
  const found = new Set<number>();
  for (const keyOf of [(r: IdentifiedRow) => r.externalId || undefined, (r: IdentifiedRow) => r.userName?.toLowerCase() || undefined]) {
    const byKey = new Map<string, number[]>();
    rows.forEach((row, index) => {
      const key = keyOf(row);
      if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), index]);
    });
    for (const indexes of byKey.values()) if (indexes.length > 1) indexes.forEach((index) => found.add(index));
  }
  return found;
}

describe('findDuplicates', () => {
  it('does not mistake keys that only look alike (same 32-bit hash) for duplicates, and finds a real one among them', () => {
    // Two different keys with the same FNV hash (found by search): the check once sorted by it.
    expect(hashOf('user449599@example.com')).toBe(hashOf('user612382@example.com'));
    const rows: IdentifiedRow[] = [
      { line: 2, externalId: 'user449599@example.com', userName: 'user449599@example.com' },
      { line: 3, externalId: 'E3', userName: 'c@x.com' },
      { line: 4, externalId: 'user612382@example.com', userName: 'user612382@example.com' },
    ];
    expect(findDuplicates(rows).size).toBe(0);
    // ...while a real duplicate (same address in another case) is still found.
    rows.push({ line: 5, externalId: 'E5', userName: 'USER449599@example.com' });
    expect(Object.fromEntries(findDuplicates(rows))).toEqual({
      0: 'duplicate userName user449599@example.com also on line 5',
      3: 'duplicate userName USER449599@example.com also on line 2',
    });
  });

  it('names all other lines of a group, for each kind of key', () => {
    const rows: IdentifiedRow[] = [
      { line: 2, externalId: 'E1', userName: 'a@x.com' },
      { line: 3, externalId: 'E1', userName: 'B@x.com' },
      { line: 7, externalId: 'E1', userName: 'c@x.com' },
      { line: 9, externalId: 'E4', userName: 'b@X.COM' },
      { line: 11, userName: 'd@x.com' },
    ];
    expect(Object.fromEntries(findDuplicates(rows))).toEqual({
      0: 'duplicate externalId E1 also on lines 3, 7',
      1: 'duplicate externalId E1 also on lines 2, 7; duplicate userName B@x.com also on line 9',
      2: 'duplicate externalId E1 also on lines 2, 3',
      3: 'duplicate userName b@X.COM also on line 3',
    });
  });

  it('agrees with a naive Map-based implementation on random rows', () => {
    const key = fc.constantFrom('', 'E1', 'E2', 'e1', 'E3');
    const name = fc.constantFrom(undefined, '', 'a@x.com', 'A@X.com', 'b@x.com', 'Ä@x.com', 'ä@x.com');
    fc.assert(
      fc.property(fc.array(fc.record({ externalId: key, userName: name }), { maxLength: 30 }), (cells) => {
        const rows = cells.map((row, index) => ({ line: index + 2, ...row }));
        expect(new Set(findDuplicates(rows).keys())).toEqual(naiveDuplicates(rows));
      }),
    );
  });
});
