import type { RejectedRow, RosterUser } from '../domain/roster.js';
import { findDuplicates } from './findDuplicates.js';

/**
 * Applies duplicate detection to what the reader collected: every accepted user whose
 * externalId or userName is shared with another row becomes a rejected row (keeping both
 * identifiers, so the planner shields that person), and rows already rejected for another
 * reason get the duplicate reason appended. `comparable` is the subset of `rejected` whose
 * cells line up with the header (only those are trusted to name someone).
 *
 * Returns `rejected` sorted by line; users keep file order.
 */
export function rejectDuplicates(
  users: RosterUser[],
  rejected: RejectedRow[],
  comparable: readonly RejectedRow[],
): { users: RosterUser[]; rejected: RejectedRow[] } {
  const candidates = comparable.length === 0 ? users : [...users, ...comparable];
  const reasons = findDuplicates(candidates);
  if (reasons.size === 0) return { users, rejected };

  const appended = new Map<RejectedRow, string>();
  const newlyRejected: RejectedRow[] = [];
  for (const [index, reason] of reasons) {
    const user = index < users.length ? users[index] : undefined;
    if (user !== undefined) {
      newlyRejected.push({ line: user.line, reason, externalId: user.externalId, userName: user.userName });
    } else {
      appended.set(comparable[index - users.length]!, reason);
    }
  }
  const allRejected = rejected.map((row) => {
    const reason = appended.get(row);
    return reason === undefined ? row : { ...row, reason: `${row.reason}; ${reason}` };
  });
  allRejected.push(...newlyRejected);
  allRejected.sort((a, b) => a.line - b.line);
  return { users: users.filter((_, index) => !reasons.has(index)), rejected: allRejected };
}
