import { cell } from './cell.js';
import { statusKey } from './readRow.js';
import type { ScopeColumn } from './resolveHeader.js';

/** Whether a row is this sync's (`source.scope`), or which scope column is empty. */
export type ScopeVerdict = { kind: 'in' } | { kind: 'out' } | { kind: 'empty'; column: string };

/**
 * Compiles `source.scope` for a file: every condition must hold for a row to be in scope.
 * Values compare like statuses (case-insensitively, runs of spaces folded). An empty scope cell
 * decides nothing — it is usually an export glitch, and reading it as "out of scope" could make
 * a leaver of someone (`sync.outOfScope: deactivate`) — so the row is rejected, which shields it.
 */
export function compileScope(columns: readonly ScopeColumn[]): ((record: readonly string[]) => ScopeVerdict) | undefined {
  if (columns.length === 0) return undefined;
  const conditions = columns.map((c) => ({ ...c, values: new Set(c.values.map(statusKey)) }));
  return (record) => {
    let verdict: ScopeVerdict = { kind: 'in' };
    for (const condition of conditions) {
      const value = cell(record, condition.index);
      if (value === '') return { kind: 'empty', column: condition.column };
      if (condition.values.has(statusKey(value)) === condition.negated) verdict = { kind: 'out' };
    }
    return verdict;
  };
}
