import { describe, expect, it } from 'vitest';
import type { RosterUser } from '../../src/domain/roster.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import type { Operation, PlanPolicy } from '../../src/domain/plan.js';
import { applyLifecycleDates } from '../../src/plan/lifecycleDates.js';
import { plan } from '../../src/plan/plan.js';
import { checkPlan } from '../../src/plan/safety.js';
import { resolveUpcoming } from '../../src/plan/upcomingOperations.js';

/*
 * The lifecycle rules at their boundaries. `now` is an input: each test moves it to one minute
 * before and one minute after the instant a rule changes the row, in the row's own zone.
 */

const policy: PlanPolicy = { deactivateMissing: true, protect: [] };

function row(over: Partial<RosterUser> = {}): RosterUser {
  return { line: 2, externalId: 'E1', userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', active: true, ...over };
}
function account(over: Partial<RemoteUser> = {}): RemoteUser {
  return { id: 'r1', userName: 'ada@example.com', externalId: 'E1', givenName: 'Ada', familyName: 'Lovelace', active: true, ...over };
}
const at = (iso: string) => new Date(iso);
const minutes = (iso: string, delta: number) => new Date(Date.parse(iso) + delta * 60_000);

/** The planner's operations for one dated row and the service's accounts, at `now`. */
function planAt(now: Date, user: RosterUser, remote: RemoteUser[], createDaysBeforeStart = 0) {
  const dated = applyLifecycleDates([user], { now, createDaysBeforeStart });
  return { dated, result: plan({ users: dated.users, rejected: [] }, remote, policy) };
}
const kinds = (ops: Operation[]) => ops.map((op) => op.kind);

describe('end date: inactive after the end of the last day, in the row’s time zone', () => {
  // [zone, last day, the instant that day ends there (UTC)]
  const cases: Array<[string, string, string]> = [
    ['UTC', '2026-06-30', '2026-07-01T00:00:00Z'],
    // UTC+5:30: the day ends at 18:30 UTC, five and a half hours before UTC's.
    ['Asia/Kolkata', '2026-06-30', '2026-06-30T18:30:00Z'],
    // Spring-forward night (2026-03-08 02:00 → 03:00): the 8th has 23 hours and ends at 00:00 EDT = 04:00 UTC, not 05:00.
    ['America/New_York', '2026-03-08', '2026-03-09T04:00:00Z'],
    // The day before it still ends at midnight EST = 05:00 UTC.
    ['America/New_York', '2026-03-07', '2026-03-08T05:00:00Z'],
  ];
  for (const [zone, endDate, endsAt] of cases) {
    it(`${zone}, last day ${endDate}: active at ${endsAt} minus one minute, deactivated at plus one minute, whatever the status says`, () => {
      const user = row({ endDate, timeZone: zone });
      expect(kinds(planAt(minutes(endsAt, -1), user, [account()]).result.operations)).toEqual([]);
      expect(planAt(minutes(endsAt, 1), user, [account()]).result.operations).toEqual([
        expect.objectContaining({ kind: 'deactivate', reason: 'inactive-in-roster' }),
      ]);
    });
  }

  it('the same last day ends at different instants in different zones: at 20:00 UTC Kolkata’s row is inactive, New York’s is not', () => {
    const now = at('2026-06-30T20:00:00Z');
    const dated = applyLifecycleDates(
      [
        row({ endDate: '2026-06-30', timeZone: 'Asia/Kolkata' }),
        row({ externalId: 'E2', userName: 'bo@example.com', endDate: '2026-06-30', timeZone: 'America/New_York' }),
      ],
      { now, createDaysBeforeStart: 0 },
    );
    expect(dated.users.map((u) => u.active)).toEqual([false, true]);
  });

  it('an end date in the future changes nothing yet and is listed as an upcoming deactivation with its UTC time; beyond 14 days it is not listed', () => {
    const { dated, result } = planAt(at('2026-06-20T12:00:00Z'), row({ endDate: '2026-06-30', timeZone: 'Asia/Kolkata' }), [account()]);
    expect(result.operations).toEqual([]);
    expect(dated.upcoming).toEqual([{ op: 'deactivate', userName: 'ada@example.com', externalId: 'E1', at: '2026-06-30T18:30:00Z' }]);
    expect(dated.nextChangeAt).toBe('2026-06-30T18:30:00Z');
    expect(planAt(at('2026-06-01T12:00:00Z'), row({ endDate: '2026-06-30', timeZone: 'Asia/Kolkata' }), [account()]).dated.upcoming).toEqual([]);
  });

  it('an ended row’s deactivation counts against sync.maxDeactivations like any other', () => {
    const { result } = planAt(at('2026-07-02T00:00:00Z'), row({ endDate: '2026-06-30', timeZone: 'UTC' }), [
      account(),
      account({ id: 'r2', externalId: 'E2', userName: 'bo@example.com' }),
    ]);
    const refusal = checkPlan(result, [account()], { maxDeactivations: 0, maxRejectedShare: 1, protect: [] });
    expect(refusal?.outcome).toBe('refused');
  });
});

describe('start date: pending until createDaysBeforeStart days before it', () => {
  // Start 2026-03-15 in New York, 7 days ahead: the account day is 2026-03-08, which starts at 00:00 EST = 05:00 UTC.
  const user = row({ startDate: '2026-03-15', timeZone: 'America/New_York' });

  it('one minute before the account day nothing is created; the report lists the person with that day', () => {
    const { dated, result } = planAt(at('2026-03-08T04:59:00Z'), user, [], 7);
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'ada@example.com', reason: 'before-start' }]);
    expect(dated.pending).toEqual([
      {
        line: 2,
        userName: 'ada@example.com',
        externalId: 'E1',
        startDate: '2026-03-15',
        timeZone: 'America/New_York',
        createOn: '2026-03-08',
        createAt: '2026-03-08T05:00:00Z',
      },
    ]);
    expect(dated.upcoming).toEqual([{ op: 'create', userName: 'ada@example.com', externalId: 'E1', at: '2026-03-08T05:00:00Z' }]);
  });

  it('one minute after, the account is created', () => {
    const { dated, result } = planAt(at('2026-03-08T05:01:00Z'), user, [], 7);
    expect(kinds(result.operations)).toEqual(['create']);
    expect(dated.pending).toEqual([]);
  });

  it('with the default 0 days the account comes on the start day itself (Kolkata: 2026-03-14T18:30Z)', () => {
    const kolkata = row({ startDate: '2026-03-15', timeZone: 'Asia/Kolkata' });
    expect(kinds(planAt(at('2026-03-14T18:29:00Z'), kolkata, []).result.operations)).toEqual([]);
    expect(kinds(planAt(at('2026-03-14T18:31:00Z'), kolkata, []).result.operations)).toEqual(['create']);
  });

  it('a disabled account matched by a pending row stays disabled; inside the window it is reactivated', () => {
    expect(planAt(at('2026-03-01T00:00:00Z'), user, [account({ active: false })], 7).result.operations).toEqual([]);
    expect(kinds(planAt(at('2026-03-09T00:00:00Z'), user, [account({ active: false })], 7).result.operations)).toEqual(['reactivate']);
  });

  it('an active account matched by a pending row (made early by hand, or the window shortened) is left as it is', () => {
    const { result } = planAt(at('2026-03-01T00:00:00Z'), user, [account({ givenName: 'Augusta' })], 7);
    expect(result.operations).toEqual([]);
    expect(result.skipped).toEqual([{ userName: 'ada@example.com', id: 'r1', reason: 'before-start' }]);
  });

  it('a row inactive by its status is not pending: its start date gives it no account', () => {
    const { dated, result } = planAt(at('2026-03-01T00:00:00Z'), row({ startDate: '2026-03-15', timeZone: 'UTC', active: false }), [], 7);
    expect(dated.pending).toEqual([]);
    expect(result.operations).toEqual([]);
  });

  it('the upcoming account day of a pending person is a reactivation when the service has their disabled account, and nothing when it is active', () => {
    const { dated } = planAt(at('2026-03-05T00:00:00Z'), user, [], 7);
    expect(resolveUpcoming(dated.upcoming, [account({ active: false })]).map((u) => u.op)).toEqual(['reactivate']);
    expect(resolveUpcoming(dated.upcoming, [account()])).toEqual([]);
    expect(resolveUpcoming(dated.upcoming, []).map((u) => u.op)).toEqual(['create']);
  });
});

describe('rehire: the start date wins when it is the later one', () => {
  it('end date in the past, newer start date ahead: inactive between the two jobs (account deactivated), then reactivated on the account day', () => {
    const user = row({ endDate: '2025-12-31', startDate: '2026-04-01', timeZone: 'Europe/Berlin' });
    const between = planAt(at('2026-03-01T12:00:00Z'), user, [account()], 7);
    expect(between.result.operations).toEqual([expect.objectContaining({ kind: 'deactivate', reason: 'inactive-in-roster' })]);
    expect(between.dated.pending.map((p) => p.createOn)).toEqual(['2026-03-25']);
    // 2026-03-25 00:00 in Berlin is 23:00 UTC the day before (CET, UTC+1).
    expect(planAt(at('2026-03-24T22:59:00Z'), user, [account({ active: false })], 7).result.operations).toEqual([]);
    expect(kinds(planAt(at('2026-03-24T23:01:00Z'), user, [account({ active: false })], 7).result.operations)).toEqual(['reactivate']);
  });

  it('start date before the end date: the end date wins, so after the last day the row is inactive', () => {
    const user = row({ startDate: '2025-01-06', endDate: '2026-01-31', timeZone: 'UTC' });
    expect(planAt(at('2026-01-31T23:59:00Z'), user, [account()]).result.operations).toEqual([]);
    expect(kinds(planAt(at('2026-02-01T00:01:00Z'), user, [account()]).result.operations)).toEqual(['deactivate']);
  });

  it('the old job still running when the new start is ahead: its end is an upcoming deactivation, the new account day an upcoming reactivation', () => {
    const user = row({ endDate: '2026-03-10', startDate: '2026-03-20', timeZone: 'UTC' });
    const { dated, result } = planAt(at('2026-03-09T00:00:00Z'), user, [account()], 3);
    expect(result.operations).toEqual([]);
    expect(dated.upcoming.map((u) => `${u.op} ${u.at}`)).toEqual(['deactivate 2026-03-11T00:00:00Z', 'create 2026-03-17T00:00:00Z']);
  });
});

describe('rows without dates', () => {
  it('come back as the very same objects, and nothing is pending or upcoming', () => {
    const users = [row(), row({ externalId: 'E2', userName: 'bo@example.com', active: false })];
    const dated = applyLifecycleDates(users, { now: at('2026-01-01T00:00:00Z'), createDaysBeforeStart: 7 });
    expect(dated.users[0]).toBe(users[0]);
    expect(dated.users[1]).toBe(users[1]);
    expect(dated).toMatchObject({ pending: [], upcoming: [], nextChangeAt: undefined });
  });
});

describe('the README timeline (createDaysBeforeStart 7, America/New_York)', () => {
  const zone = 'America/New_York';
  const nia = row({ externalId: 'E1', userName: 'nia@example.com', startDate: '2026-03-15', timeZone: zone });
  const lee = row({ externalId: 'E2', userName: 'lee@example.com', endDate: '2026-03-05', timeZone: zone });
  const kai = row({ externalId: 'E3', userName: 'kai@example.com', endDate: '2025-12-31', startDate: '2026-04-01', timeZone: zone });
  const accounts = {
    lee: account({ id: 'lee', externalId: 'E2', userName: 'lee@example.com' }),
    kai: account({ id: 'kai', externalId: 'E3', userName: 'kai@example.com' }),
  };

  /** What a run at `now` plans, given the accounts as the earlier rows of the table left them. */
  function opsAt(now: string, remote: RemoteUser[]): string[] {
    const dated = applyLifecycleDates([nia, lee, kai], { now: at(now), createDaysBeforeStart: 7 });
    return plan({ users: dated.users, rejected: [] }, remote, policy).operations.map(
      (op) => `${op.kind} ${op.kind === 'create' ? op.user.userName : op.remote.userName}`,
    );
  }
  const disabled = (user: RemoteUser) => ({ ...user, active: false });
  const nias = account({ id: 'nia', externalId: 'E1', userName: 'nia@example.com' });

  it('holds row by row', () => {
    const first = applyLifecycleDates([nia, lee, kai], { now: at('2026-03-01T12:00:00Z'), createDaysBeforeStart: 7 });
    expect(first.upcoming.map((u) => `${u.op} ${u.userName} ${u.at}`)).toEqual([
      'deactivate lee@example.com 2026-03-06T05:00:00Z',
      'create nia@example.com 2026-03-08T05:00:00Z',
    ]);
    expect(first.pending.map((p) => `${p.userName} ${p.createOn}`)).toEqual(['nia@example.com 2026-03-08', 'kai@example.com 2026-03-25']);
    expect(opsAt('2026-03-01T12:00:00Z', [accounts.lee, accounts.kai])).toEqual(['deactivate kai@example.com']);
    expect(opsAt('2026-03-06T04:59:00Z', [accounts.lee, disabled(accounts.kai)])).toEqual([]);
    expect(opsAt('2026-03-06T05:01:00Z', [accounts.lee, disabled(accounts.kai)])).toEqual(['deactivate lee@example.com']);
    expect(opsAt('2026-03-08T05:01:00Z', [disabled(accounts.lee), disabled(accounts.kai)])).toEqual(['create nia@example.com']);
    expect(opsAt('2026-03-25T03:59:00Z', [nias, disabled(accounts.lee), disabled(accounts.kai)])).toEqual([]);
    expect(opsAt('2026-03-25T04:01:00Z', [nias, disabled(accounts.lee), disabled(accounts.kai)])).toEqual(['reactivate kai@example.com']);
  });
});
