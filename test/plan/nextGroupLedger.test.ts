import { describe, expect, it } from 'vitest';
import { nextGroupLedger } from '../../src/plan/nextGroupLedger.js';

describe('nextGroupLedger', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const old = { displayName: 'Dept - Sales', linkedAt: '2026-01-01T00:00:00.000Z' };

  it('keeps managed groups still on the service (with their first date), adds created and adopted ones, drops deleted and vanished ones', () => {
    const previous = new Map([
      ['g1', old],
      ['gone', { displayName: 'Deleted by hand', linkedAt: '2026-01-01T00:00:00.000Z' }],
      ['g3', { displayName: 'Old', linkedAt: '2026-01-01T00:00:00.000Z' }],
    ]);
    const managed = [{ displayName: 'Dept - Sales', id: 'g1' }, { displayName: 'Adopted', id: 'g2' }, { displayName: 'Old', id: 'g3' }, { displayName: 'New' }];
    const next = nextGroupLedger(
      previous,
      { managed },
      [
        { op: 'create-group', group: 'New', groupId: 'g4', members: [], outcome: 'succeeded' },
        { op: 'create-group', group: 'Failed', members: [], outcome: 'failed' },
        { op: 'delete-group', group: 'Old', groupId: 'g3', members: [], outcome: 'succeeded' },
      ],
      now,
    );
    expect(Object.fromEntries(next)).toEqual({
      g1: old,
      g2: { displayName: 'Adopted', linkedAt: now.toISOString() },
      g4: { displayName: 'New', linkedAt: now.toISOString() },
    });
  });
});
