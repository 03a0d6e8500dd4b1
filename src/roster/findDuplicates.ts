import { userNameKey } from '../domain/userNameKey.js';
import { showInput } from '../display/quoteInput.js';
import { KeyTable } from '../lookup/keyTable.js';

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
 * Memory and time: one key at a time goes into a KeyTable of row positions (no row lists: a Map
 * of lists cost ~60 bytes a row per key and was the slowest part of reading), freed right after.
 */
export function findDuplicates(rows: readonly IdentifiedRow[]): Map<number, string> {
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

/** Groups (of 2 or more row indexes, ascending) whose key is equal; rows without the key are ignored. */
function groupsWithSameKey(rows: readonly IdentifiedRow[], keyOf: KeyOf): number[][] {
  // One pass adds every row to a KeyTable (a typed-array hash table, see there), which answers
  // whether the key was met before. Keys met twice are rare: only their rows are gathered.
  const table = new KeyTable((index) => keyOf(rows[index]!)!, rows.length);
  let repeated: Set<string> | undefined;
  for (let index = 0; index < rows.length; index++) {
    const key = keyOf(rows[index]!);
    if (key !== undefined && table.add(key, index) !== -1) (repeated ??= new Set()).add(key);
  }
  return repeated === undefined ? [] : [...repeated].map((key) => table.positionsOf(key));
}
