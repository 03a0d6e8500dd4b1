import { describe, expect, it } from 'vitest';
import { formatPlanTable } from '../../src/report/formatPlanTable.js';

describe('formatPlanTable with no operations says why', () => {
  const remote = { users: 3, pages: 1 };
  it('the service already matches the roster: no table, the summary says "nothing to do" once', () => {
    expect(formatPlanTable({ operations: [], remote })).toBe('');
  });
  it('the run was refused or failed before planning', () => {
    expect(formatPlanTable({ operations: [], refused: { reason: 'r', howToProceed: 'h' } })).toMatch(/^No plan was made/);
    expect(formatPlanTable({ operations: [], error: 'unreadable' })).toMatch(/^No plan was made/);
  });
  it('sync.fullReadEvery let the cycle skip reading: no table, the summary says it once', () => {
    expect(formatPlanTable({ operations: [], unchangedSince: { since: 'a', nextFullReadAfter: 'b' } })).toBe('');
  });
});
