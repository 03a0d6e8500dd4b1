import { KeyTable } from '../lookup/keyTable.js';

/**
 * Positions in a list by a string key, for keys that nearly always are unique (the planner's
 * externalIds and userNames of the accounts): `isShared` says from a position alone whether
 * another one holds its key, which is all the common match needs to know.
 *
 * Built on a KeyTable (typed arrays, see there): two Maps of 100,000 string keys cost ~30-60
 * bytes a key and, alive together, built and probed at cache-miss speed (~90 ms of a
 * 100,000-user plan).
 */
export class KeyIndex {
  private readonly table: KeyTable;
  /** 1 at a position whose key another position also has. */
  private readonly shared: Uint8Array;

  /** An index over the keys of a list. */
  static over(keys: readonly (string | undefined)[]): KeyIndex {
    return new KeyIndex(keys.length, (at) => keys[at]);
  }

  /**
   * Positions 0 to size - 1, each with the key `keyAt` reads (read, not copied: a list of a million
   * keys made only to be indexed was 8 MB more at the plan's peak); undefined: that position has
   * no key (an account without an externalId).
   */
  constructor(size: number, keyAt: (at: number) => string | undefined) {
    this.table = new KeyTable((at) => keyAt(at)!, size);
    this.shared = new Uint8Array(size);
    for (let at = 0; at < size; at++) {
      const key = keyAt(at);
      if (key === undefined) continue;
      const earlier = this.table.add(key, at);
      if (earlier !== -1) this.shared[earlier] = this.shared[at] = 1;
    }
  }

  /** Whether another position holds the same key as `at`. */
  isShared(at: number): boolean {
    return this.shared[at] === 1;
  }

  /** The positions holding `key`, lowest first (none: an empty list). */
  positionsOf(key: string): number[] {
    return this.table.positionsOf(key);
  }

  /** The lowest position holding `key`, or undefined. */
  firstOf(key: string): number | undefined {
    const at = this.table.firstOf(key);
    return at === -1 ? undefined : at;
  }
}
