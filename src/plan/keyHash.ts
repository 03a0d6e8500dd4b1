/**
 * FNV-1a over UTF-16 code units, reduced to 26 bits (the high ones, FNV's best mixed). Packed with
 * a list position into one float64 (`hash * 2^27 + position`, exact below 2^53), a million keys
 * sort natively as a Float64Array: 8 bytes a key, against ~60 for a Map entry, and no pointer
 * chasing. The planner's index of externalIds and userNames (plan/keyIndex.ts) sorts by it.
 */
export function hash26(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return hash >>> 6;
}

export const POSITION_BITS = 27; // up to 134 million keys
export const POSITION_LIMIT = 2 ** POSITION_BITS;
