import { describe, expect, it } from 'vitest';
import { type CycleFacts, durationMs, type FullRead, unchangedSince } from '../../src/plan/unchangedCycle.js';

const last: FullRead = { at: '2026-11-23T10:00:00.000Z', rosterSha256: 'roster-1', settingsSha256: 'settings-1' };
const facts = (over: Partial<CycleFacts> = {}): CycleFacts => ({
  now: new Date('2026-11-23T10:30:00.000Z'),
  rosterSha256: 'roster-1',
  settingsSha256: 'settings-1',
  fullReadEveryMs: 3_600_000,
  deliberate: false,
  ...over,
});

describe('unchangedSince (sync.fullReadEvery)', () => {
  it('the same roster and settings within the interval: the cycle may skip, and says when the next full read is due', () => {
    expect(unchangedSince(last, facts())).toEqual({ since: last.at, nextFullReadAfter: '2026-11-23T11:00:00.000Z' });
  });

  it('reads everything when the roster file changed, the settings changed, or the interval has passed', () => {
    expect(unchangedSince(last, facts({ rosterSha256: 'roster-2' }))).toBeUndefined();
    expect(unchangedSince(last, facts({ settingsSha256: 'settings-2' }))).toBeUndefined();
    expect(unchangedSince(last, facts({ now: new Date('2026-11-23T11:00:00.000Z') }))).toBeUndefined();
  });

  it('an unchanged roster whose start or end date takes effect before the interval ends is read again from that instant on', () => {
    const dated: FullRead = { ...last, nextDateChangeAt: '2026-11-23T10:45:00.000Z' };
    expect(unchangedSince(dated, facts())).toEqual({ since: last.at, nextFullReadAfter: '2026-11-23T10:45:00.000Z' });
    expect(unchangedSince(dated, facts({ now: new Date('2026-11-23T10:45:00.000Z') }))).toBeUndefined();
  });

  it('reads everything when the option is off (the default), when there was no complete run yet, or for a deliberate run (dry run, --only, --allow-deactivations)', () => {
    expect(unchangedSince(last, facts({ fullReadEveryMs: undefined }))).toBeUndefined();
    expect(unchangedSince(undefined, facts())).toBeUndefined();
    expect(unchangedSince(last, facts({ deliberate: true }))).toBeUndefined();
  });

  it('durations read as seconds, minutes, hours or days', () => {
    expect(['45s', '30m', '6h', '1d', '2 h'].map(durationMs)).toEqual([45_000, 1_800_000, 21_600_000, 86_400_000, 7_200_000]);
    expect(durationMs(undefined)).toBeUndefined();
  });
});
