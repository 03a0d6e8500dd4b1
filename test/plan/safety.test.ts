import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/domain/plan.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import type { Roster } from '../../src/domain/roster.js';
import { checkPlan, checkRoster, type SafetyPolicy } from '../../src/plan/safety.js';

const policy: SafetyPolicy = { maxDeactivations: '10%', maxRejectedShare: 0.05, protect: ['admin@example.com'] };

const rosterOf = (accepted: number): Roster => ({
  file: '/hr/roster.csv',
  rows: accepted,
  users: Array.from({ length: accepted }, (_, i) => ({
    line: i + 2,
    externalId: `E${i}`,
    userName: `u${i}@example.com`,
    givenName: 'A',
    familyName: 'B',
    active: true,
  })),
  rejected: [],
});
const team = (size: number): RemoteUser[] => Array.from({ length: size }, (_, i) => ({ id: `r${i}`, userName: `u${i}@example.com`, active: true }));
const planDeactivating = (remote: RemoteUser[], count: number): Plan => ({
  operations: remote.slice(0, count).map((r) => ({ kind: 'deactivate', remote: r, reason: 'missing-from-roster' })),
  unchanged: 0,
  skipped: [],
  notUpdatable: [],
  unmanaged: [],
  matched: [],
  unmatchedProtect: [],
});

describe('checkRoster', () => {
  it('"10%" of a 5-person team lets the roster lose one row, as the deactivation cap lets one leaver go', () => {
    expect(checkRoster(rosterOf(4), { ...policy, previousRosterRows: 5 })).toBeUndefined();
  });

  it('a roster that lost more rows than the cap allows is refused with exit 3 and a way forward', () => {
    const refusal = checkRoster(rosterOf(3), { ...policy, previousRosterRows: 5 });
    expect(refusal).toMatchObject({ outcome: 'refused', howToProceed: expect.stringContaining('--allow-deactivations') });
    expect(refusal?.reason).toContain('2 fewer');
  });

  it('a count limit compares the lost rows with the count', () => {
    expect(checkRoster(rosterOf(97), { ...policy, maxDeactivations: 3, previousRosterRows: 100 })).toBeUndefined();
    expect(checkRoster(rosterOf(96), { ...policy, maxDeactivations: 3, previousRosterRows: 100 })?.outcome).toBe('refused');
  });
});

describe('checkPlan', () => {
  it('"7%" of 100 managed users allows exactly 7 deactivations (no floating-point round-up to 8)', () => {
    const remote = team(100);
    const sevenPercent = { ...policy, maxDeactivations: '7%' };
    expect(checkPlan(planDeactivating(remote, 7), remote, sevenPercent)).toBeUndefined();
    expect(checkPlan(planDeactivating(remote, 8), remote, sevenPercent)?.outcome).toBe('refused');
  });

  it('protected and already inactive accounts do not count as managed users', () => {
    const remote = [...team(20), { id: 'x', userName: 'ADMIN@example.com', active: true }, { id: 'y', userName: 'gone@example.com', active: false }];
    // 10% of the 20 managed users is 2: a third deactivation is refused, and the message names the base.
    const refusal = checkPlan(planDeactivating(remote, 3), remote, policy);
    expect(refusal?.reason).toContain('(2 = 10% of 20 managed users)');
  });

  it('--allow-deactivations N lets up to N through after the operator checked them', () => {
    const remote = team(20);
    expect(checkPlan(planDeactivating(remote, 5), remote, { ...policy, allowDeactivations: 5 })).toBeUndefined();
    expect(checkPlan(planDeactivating(remote, 6), remote, { ...policy, allowDeactivations: 5 })?.outcome).toBe('refused');
  });
});
