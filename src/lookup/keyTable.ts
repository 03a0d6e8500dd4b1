/**
 * Positions in a list by a string key: an open-addressing hash table over two Int32Arrays (the
 * slot's position + 1, and its key's 32-bit hash). The keys themselves stay in the caller's list
 * and are read through `keyAt` only when two hashes are equal, so a hash collision never makes
 * two keys one.
 *
 * Why not a Set or Map of the keys: every key of a roster, and every id of a directory, is a
 * fresh string, and V8's hash tables took ~600 ns to add one (hashing it, growing a table of
 * 100,000 entries, chasing the entries' pointers): ~140 ms to find the duplicate rows of a
 * 100,000-row roster, ~100 ms to check a directory's ids. This table does the same in about a
 * third of that, and holds 8 bytes per slot (~11 a key when sized up front, up to ~23 after growing), with no
 * pointers for the GC to trace.
 *
 * A key may be added under several positions (`add`): they are all kept, so duplicates can be
 * listed. `addIfAbsent` keeps one position per key, as a Set would.
 */
export class KeyTable {
  private positions: Int32Array; // position + 1 at each slot; 0: empty
  private hashes: Int32Array;
  /** Slots ÷ 2^32: a mixed 32-bit hash times this is its home slot (any number of slots, not only powers of two). */
  private scale: number;
  private count = 0;

  /** `keyAt(position)` is the key that position was added under (read only to confirm a match). */
  constructor(
    private readonly keyAt: (position: number) => string,
    expected = 0,
  ) {
    // At most 70 % full: linear probing stays short, and a table sized for a million keys is
    // 1.43 million slots (11 MB), not the next power of two (2.1 million, 17 MB).
    // (Whole numbers only: 63 / 0.7 * 0.7 is a hair under 63, and the table would grow on its last key.)
    const slots = Math.max(16, Math.ceil((expected * 10) / MAX_FULL_TENTHS));
    this.positions = new Int32Array(slots);
    this.hashes = new Int32Array(slots);
    this.scale = slots / 2 ** 32;
  }

  /** Keys added, each time counted. */
  get size(): number {
    return this.count;
  }

  /** Slots in the table now (for the tests of its sizing). */
  get slots(): number {
    return this.positions.length;
  }

  /** Adds `position` under `key`; returns the lowest position added earlier under the same key, or -1. */
  add(key: string, position: number): number {
    return this.insert(key, position, false);
  }

  /** Adds `position` under `key` unless the key is there: then returns its position and adds nothing; -1 when it was added. */
  addIfAbsent(key: string, position: number): number {
    return this.insert(key, position, true);
  }

  /** The lowest position added under `key`, or -1. */
  firstOf(key: string): number {
    const hash = hashOf(key);
    let first = -1;
    for (let slot = this.home(hash); ; slot = this.next(slot)) {
      const stored = this.positions[slot]!;
      if (stored === 0) return first;
      const at = stored - 1;
      if (this.hashes[slot] === hash && (first === -1 || at < first) && this.keyAt(at) === key) first = at;
    }
  }

  /** Every position added under `key`, lowest first (none: an empty list). */
  positionsOf(key: string): number[] {
    const hash = hashOf(key);
    const found: number[] = [];
    for (let slot = this.home(hash); ; slot = this.next(slot)) {
      const stored = this.positions[slot]!;
      if (stored === 0) break;
      if (this.hashes[slot] === hash && this.keyAt(stored - 1) === key) found.push(stored - 1);
    }
    return found.sort((a, b) => a - b); // growing re-lays slots, so probe order isn't add order
  }

  /** The slot a hash starts its search at: the mixed hash scaled to the number of slots. */
  private home(hash: number): number {
    return ((Math.imul(hash, GOLDEN) >>> 0) * this.scale) | 0;
  }

  /** The slot after `slot`, wrapping round. */
  private next(slot: number): number {
    return slot + 1 === this.positions.length ? 0 : slot + 1;
  }

  private insert(key: string, position: number, onlyIfAbsent: boolean): number {
    if (!Number.isInteger(position) || position < 0 || position >= 0x7fffffff) throw new RangeError(`position ${position} can't be held`);
    const hash = hashOf(key);
    let first = -1;
    let slot = this.home(hash);
    for (; ; slot = this.next(slot)) {
      const stored = this.positions[slot]!;
      if (stored === 0) break;
      const at = stored - 1;
      if (this.hashes[slot] === hash && (first === -1 || at < first) && this.keyAt(at) === key) {
        first = at;
        if (onlyIfAbsent) return first; // nothing added: a full table doesn't grow for a repeat
      }
    }
    if ((this.count + 1) * 10 > this.positions.length * MAX_FULL_TENTHS) {
      this.grow();
      slot = this.home(hash);
      while (this.positions[slot] !== 0) slot = this.next(slot);
    }
    this.positions[slot] = position + 1;
    this.hashes[slot] = hash;
    this.count++;
    return first;
  }

  /** Twice the slots, every entry re-laid by its stored hash (no key is read again). */
  private grow(): void {
    const { positions, hashes } = this;
    this.positions = new Int32Array(positions.length * 2);
    this.hashes = new Int32Array(positions.length * 2);
    this.scale = this.positions.length / 2 ** 32;
    for (let old = 0; old < positions.length; old++) {
      const stored = positions[old]!;
      if (stored === 0) continue;
      let slot = this.home(hashes[old]!);
      while (this.positions[slot] !== 0) slot = this.next(slot);
      this.positions[slot] = stored;
      this.hashes[slot] = hashes[old]!;
    }
  }
}

/** At most 7 of 10 slots hold an entry (whole numbers, so a table sized for N keys holds N without growing). */
const MAX_FULL_TENTHS = 7;

/** Fibonacci hashing spreads FNV's hash over the slots (its low bits alone cluster). */
const GOLDEN = 0x9e3779b1 | 0;

/** FNV-1a over UTF-16 code units: a few native steps per character, no allocation. Exported for the tests of collisions. */
export function hashOf(key: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash;
}
