/**
 * Shares one string instance between equal cell values (given names, family names, locales).
 *
 * Why: csv-parse creates a fresh string for every cell, and a roster of millions of people
 * repeats the same few thousand first names and a handful of locales; sharing them saves
 * ~70 bytes per user. The table is capped so that a column of unique values (or a hostile file)
 * cannot make it grow without bound: past the cap, new values are simply not shared.
 */
export class Interner {
  private readonly values = new Map<string, string>();

  constructor(private readonly maxEntries = 65_536) {}

  intern(value: string): string {
    const shared = this.values.get(value);
    if (shared !== undefined) return shared;
    if (this.values.size < this.maxEntries) this.values.set(value, value);
    return value;
  }
}
