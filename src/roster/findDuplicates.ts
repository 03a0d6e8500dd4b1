import { hash26, POSITION_LIMIT as INDEX_LIMIT } from '../domain/keyHash.js';
import { userNameKey } from '../domain/userNameKey.js';
import { showInput } from '../display/quoteInput.js';

/** What duplicate detection needs to know about a row (accepted users and rejected rows alike). */
export interface IdentifiedRow {
  line: number;
  externalId?: string | undefined;
  userName?: string | undefined;
}

/**
 * Finds rows sharing an externalId, or a userName compared case-insensitively (email addresses
 * are, in practice, and so is SCIM's userName). Which of two such rows is right cannot be
 * decided by a program, so *every* row of such a group gets a reason, naming the other line(s):
 * `duplicate externalId E123 also on line 9`. Returns reasons by index into `rows`.
 *
 * Memory: a roster can have millions of rows, and a Map of every key would cost ~60 bytes per
 * row per key (and was the slowest part of reading). Instead each key is hashed and packed with
 * its row index into one float64 (`hash * 2^27 + index`, exact below 2^53), the array is sorted
 * natively, and only rows whose hashes collide are compared by their real key. That is 8 bytes
 * per row, freed right after.
 */
export function findDuplicates(rows: readonly IdentifiedRow[]): Map<number, string> {
  if (rows.length > INDEX_LIMIT) throw new RangeError(`too many roster rows (${rows.length}) to check for duplicates`);
  const reasons = new Map<number, string>();
  const add = (index: number, reason: string): void => {
    const earlier = reasons.get(index);
    reasons.set(index, earlier === undefined ? reason : `${earlier}; ${reason}`);
  };
  for (const [attribute, keyOf] of KEYS) {
    for (const group of groupsWithSameKey(rows, keyOf)) {
      for (const index of group) {
        const row = rows[index]!;
        const others = group
          .filter((other) => other !== index)
          .map((other) => rows[other]!.line)
          .sort((a, b) => a - b);
        const value = attribute === 'externalId' ? row.externalId : row.userName;
        add(index, `duplicate ${attribute} ${showInput(value ?? '')} also on line${others.length > 1 ? 's' : ''} ${others.join(', ')}`);
      }
    }
  }
  return reasons;
}

type KeyOf = (row: IdentifiedRow) => string | undefined;

const KEYS: ReadonlyArray<readonly [attribute: 'externalId' | 'userName', keyOf: KeyOf]> = [
  ['externalId', (row) => row.externalId || undefined],
  ['userName', (row) => (row.userName ? userNameKey(row.userName) : undefined) || undefined],
];

/** Groups (of 2 or more row indexes) whose key is equal; rows without the key are ignored. */
function groupsWithSameKey(rows: readonly IdentifiedRow[], keyOf: KeyOf): number[][] {
  const packed = new Float64Array(rows.length);
  let count = 0;
  for (let index = 0; index < rows.length; index++) {
    const key = keyOf(rows[index]!);
    if (key !== undefined) packed[count++] = hash26(key) * INDEX_LIMIT + index;
  }
  const sorted = packed.subarray(0, count).sort();

  const groups: number[][] = [];
  for (let start = 0; start < count;) {
    const hash = Math.floor(sorted[start]! / INDEX_LIMIT);
    let end = start + 1;
    while (end < count && Math.floor(sorted[end]! / INDEX_LIMIT) === hash) end++;
    if (end - start > 1) {
      // Same hash: usually the same key, but a collision is possible, so compare for real.
      const byKey = new Map<string, number[]>();
      for (let k = start; k < end; k++) {
        const index = sorted[k]! % INDEX_LIMIT;
        const key = keyOf(rows[index]!)!;
        const group = byKey.get(key);
        if (group === undefined) byKey.set(key, [index]);
        else group.push(index);
      }
      for (const group of byKey.values()) if (group.length > 1) groups.push(group);
    }
    start = end;
  }
  return groups;
}
