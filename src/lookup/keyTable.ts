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
 * third of that, and holds 8 bytes per slot (about 16 per key, half of a Set's), with no
 * pointers for the GC to trace.
 *
 * A key may be added under several positions (`add`): they are all kept, so duplicates can be
 * listed. `addIfAbsent` keeps one position per key, as a Set would.
 */
export class KeyTable {
  private positions: Int32Array; // position + 1 at each slot; 0: empty
  private hashes: Int32Array;
  private shift: number; // slot = top (32 - shift) bits of the mixed hash
  private count = 0;

  /** `keyAt(position)` is the key that position was added under (read only to confirm a match). */
  constructor(
    private readonly keyAt: (position: number) => string,
    expected = 0,
  ) {
    let bits = 4;
    while (1 << bits < expected * 2 && bits < 30) bits++; // at most half full before growing
    this.positions = new Int32Array(1 << bits);
    this.hashes = new Int32Array(1 << bits);
    this.shift = 32 - bits;
  }

  /** Keys added, each time counted. */
  get size(): number {
    return this.count;
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
    const mask = this.positions.length - 1;
    let first = -1;
    for (let slot = Math.imul(hash, GOLDEN) >>> this.shift; ; slot = (slot + 1) & mask) {
      const stored = this.positions[slot]!;
      if (stored === 0) return first;
      const at = stored - 1;
      if (this.hashes[slot] === hash && (first === -1 || at < first) && this.keyAt(at) === key) first = at;
    }
  }

  /** Every position added under `key`, lowest first (none: an empty list). */
  positionsOf(key: string): number[] {
    const hash = hashOf(key);
    const mask = this.positions.length - 1;
    const found: number[] = [];
    for (let slot = Math.imul(hash, GOLDEN) >>> this.shift; ; slot = (slot + 1) & mask) {
      const stored = this.positions[slot]!;
      if (stored === 0) break;
      if (this.hashes[slot] === hash && this.keyAt(stored - 1) === key) found.push(stored - 1);
    }
    return found.sort((a, b) => a - b); // growing re-lays slots, so probe order isn't add order
  }

  private insert(key: string, position: number, onlyIfAbsent: boolean): number {
    if (position < 0 || position >= 0x7fffffff) throw new RangeError(`position ${position} can't be held`);
    if ((this.count + 1) * 2 > this.positions.length) this.grow();
    const hash = hashOf(key);
    const mask = this.positions.length - 1;
    let first = -1;
    let slot = Math.imul(hash, GOLDEN) >>> this.shift;
    for (; ; slot = (slot + 1) & mask) {
      const stored = this.positions[slot]!;
      if (stored === 0) break;
      const at = stored - 1;
      if (this.hashes[slot] === hash && (first === -1 || at < first) && this.keyAt(at) === key) {
        first = at;
        if (onlyIfAbsent) return first;
      }
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
    this.shift--;
    const mask = this.positions.length - 1;
    for (let old = 0; old < positions.length; old++) {
      const stored = positions[old]!;
      if (stored === 0) continue;
      let slot = Math.imul(hashes[old]!, GOLDEN) >>> this.shift;
      while (this.positions[slot] !== 0) slot = (slot + 1) & mask;
      this.positions[slot] = stored;
      this.hashes[slot] = hashes[old]!;
    }
  }
}

/** Fibonacci hashing spreads FNV's hash over the slots (its low bits alone cluster). */
const GOLDEN = 0x9e3779b1 | 0;

/** FNV-1a over UTF-16 code units: a few native steps per character, no allocation. Exported for the tests of collisions. */
export function hashOf(key: string): number {
  let hash = 0x811c9dc5 | 0;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash;
}
