import picomatch from 'picomatch';
import { userNameKey } from '../domain/userNameKey.js';

/**
 * `sync.protect`: userNames never touched. An entry is an exact userName or a glob pattern
 * (picomatch: `*` any characters, `?` one, `[abc]` a set, `{a,b}` alternatives), both compared
 * the way userNames are (any case, one Unicode form). Pure: the planner and the safety checks
 * ask it who is protected, and which entries match nobody (a typo protects no one).
 */
export interface ProtectList {
  covers(userName: string): boolean;
  /** The entries (as configured) that match none of these userNames. */
  unmatched(userNames: readonly string[]): string[];
}

export function protectList(entries: readonly string[]): ProtectList {
  const exact = new Map<string, string>(); // key → entry as configured
  const patterns: { entry: string; test: (key: string) => boolean }[] = [];
  for (const entry of entries) {
    const key = userNameKey(entry);
    if (isProtectPattern(key)) patterns.push({ entry, test: picomatch(key, GLOB_OPTIONS) });
    else exact.set(key, entry);
  }
  // Most configurations protect nobody: then no userName is worth folding into a key.
  const covers =
    exact.size === 0 && patterns.length === 0
      ? () => false
      : (userName: string) => {
          const key = userNameKey(userName);
          return exact.has(key) || patterns.some((p) => p.test(key));
        };
  return {
    covers,
    unmatched(userNames) {
      const open = new Set(entries);
      for (const userName of userNames) {
        if (open.size === 0) break;
        const key = userNameKey(userName);
        const exactEntry = exact.get(key);
        if (exactEntry !== undefined) open.delete(exactEntry);
        for (const pattern of patterns) if (open.has(pattern.entry) && pattern.test(key)) open.delete(pattern.entry);
      }
      return entries.filter((entry) => open.has(entry));
    },
  };
}

/** Extglobs (`+(…)`, `!(…)`) are off: `+` is common in addresses (`ops+alerts@…`). */
const GLOB_OPTIONS = { nocase: true, dot: true, noextglob: true } as const;

/** Whether a `sync.protect` entry is a glob pattern rather than one userName. */
export function isProtectPattern(key: string): boolean {
  // Only the documented wildcards make a pattern; an address's `+`, `!` or `(` never does.
  return /[*?[{]/.test(key);
}
