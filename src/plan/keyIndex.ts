/**
 * FNV-1a over UTF-16 code units, reduced to 26 bits (the high ones, FNV's best mixed). Packed with
 * a list position into one float64 (`hash * 2^27 + position`, exact below 2^53), a million keys
 * sort natively as a Float64Array: 8 bytes a key, against ~60 for a Map entry, and no pointer
 * chasing. KeyIndex below sorts by it.
 */
export function hash26(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 6;
}

const POSITION_LIMIT = 2 ** 27; // positions up to 134 million

/**
 * Positions in a list by a string key, for keys that nearly always are unique (the planner's
 * externalIds and userNames of the accounts): `isShared` says from a position alone whether
 * another one holds its key, which is all the common match needs to know.
 *
 * A Map of string keys costs ~30-60 bytes a key (a million accounts, two Maps: ~80 MB), and
 * with two large Maps alive building and probing both ran at cache-miss speed: ~90 ms of a
 * 100,000-user plan. Here each key's hash is packed with its position into one float64 (8 bytes)
 * and the array sorted natively; a lookup is a binary search, and equal hashes are compared by
 * their real keys, so a hash collision never makes two keys one.
 */
export class KeyIndex {
  private readonly sorted: Float64Array;
  /** 1 at a position whose key another position also has. */
  private readonly shared: Uint8Array;

  /** `keys[at]` undefined: that position has no key (an account without an externalId). */
  constructor(private readonly keys: readonly (string | undefined)[]) {
    if (keys.length > POSITION_LIMIT) throw new RangeError(`too many keys (${keys.length}) to index`);
    const packed = new Float64Array(keys.length);
    let count = 0;
    for (let at = 0; at < keys.length; at++) {
      const key = keys[at];
      if (key !== undefined) packed[count++] = hash26(key) * POSITION_LIMIT + at;
    }
    this.sorted = count === keys.length ? packed.sort() : packed.slice(0, count).sort();
    this.shared = new Uint8Array(keys.length);
    for (let start = 0; start < this.sorted.length;) {
      const end = this.runEnd(start);
      if (end - start > 1) this.markShared(start, end);
      start = end;
    }
  }

  /** Whether another position holds the same key as `at`. */
  isShared(at: number): boolean {
    return this.shared[at] === 1;
  }

  /** The positions holding `key`, lowest first (none: an empty list). */
  positionsOf(key: string): number[] {
    const found: number[] = [];
    const start = this.firstWithHash(hash26(key));
    for (let k = start, end = this.runEnd(start); k < end; k++) {
      const at = this.sorted[k]! % POSITION_LIMIT;
      if (this.keys[at] === key) found.push(at);
    }
    return found; // ascending: the packed value orders positions within one hash
  }

  /** The lowest position holding `key`, or undefined. */
  firstOf(key: string): number | undefined {
    const start = this.firstWithHash(hash26(key));
    for (let k = start, end = this.runEnd(start); k < end; k++) {
      const at = this.sorted[k]! % POSITION_LIMIT;
      if (this.keys[at] === key) return at;
    }
    return undefined;
  }

  private hashAt(k: number): number {
    return Math.floor(this.sorted[k]! / POSITION_LIMIT);
  }

  /** The first sorted slot with this hash; the array's length when no key has it. */
  private firstWithHash(hash: number): number {
    const target = hash * POSITION_LIMIT;
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.sorted[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return low < this.sorted.length && this.hashAt(low) === hash ? low : this.sorted.length;
  }

  /** One past the last sorted slot with the same hash as slot `start` (start itself when past the end). */
  private runEnd(start: number): number {
    if (start >= this.sorted.length) return start;
    const hash = this.hashAt(start);
    let end = start + 1;
    while (end < this.sorted.length && this.hashAt(end) === hash) end++;
    return end;
  }

  /** Slots start..end share a hash: mark the positions whose keys really are equal (a collision may join two keys). */
  private markShared(start: number, end: number): void {
    const firstWithKey = new Map<string, number>();
    for (let k = start; k < end; k++) {
      const at = this.sorted[k]! % POSITION_LIMIT;
      const key = this.keys[at]!; // only positions with a key are sorted
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, at);
      else this.shared[first] = this.shared[at] = 1;
    }
  }
}
