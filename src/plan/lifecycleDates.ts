import { DateTime } from 'luxon';
import { UPCOMING_DAYS, type PendingStart, type UpcomingChange } from '../domain/lifecycle.js';
import type { RosterUser } from '../domain/roster.js';

export interface LifecyclePolicy {
  /** The run's clock reading. The only time this step knows: it never reads a clock itself. */
  now: Date;
  /** `sync.createDaysBeforeStart`: how many days before the start date the account is made. */
  createDaysBeforeStart: number;
}

export interface DatedRoster {
  /** The rows as the planner must see them: ended rows inactive, rows before their window pending. */
  users: RosterUser[];
  /** Active rows waiting for their account, soonest first. */
  pending: PendingStart[];
  /** What the dates will do within UPCOMING_DAYS, soonest first ('create' not yet matched to accounts: see resolveUpcoming). */
  upcoming: UpcomingChange[];
  /** The earliest future instant (ISO, UTC) at which any row's state changes by its dates alone. */
  nextChangeAt?: string;
}

/**
 * The pure step between the roster and the planner that turns dated rows into active, inactive or
 * pending ones at `now`. The rules (README "Start and end dates"):
 *
 *   - **end date**: from the end of that day in the row's time zone (the next midnight there),
 *     the row is inactive, whatever its status says;
 *   - **start date**: an active row is *pending* until the start of the day
 *     `createDaysBeforeStart` days before its start date, in its time zone; then it is active;
 *   - **rehire**: when the start date is later than the end date, the row describes the next
 *     employment: the start date wins and the old end date no longer makes it inactive — except
 *     that between the end of the old job and the new account day the person has no job, so a
 *     row pending after a past end date is inactive (its account is deactivated, not kept).
 *
 * Rows without dates come back as they are (the same objects). All date arithmetic is Luxon's,
 * in the row's IANA zone, so a DST night or a UTC+5:30 zone moves the instants correctly.
 */
export function applyLifecycleDates(users: readonly RosterUser[], policy: LifecyclePolicy): DatedRoster {
  // A roster without dates has nothing to turn: Luxon isn't even asked the time, since its first
  // DateTime loads the system locale through Intl (~25 ms and ~8 MB in every run).
  if (!users.some((user) => user.startDate !== undefined || user.endDate !== undefined))
    return { users: users.slice(), pending: [], upcoming: [], nextChangeAt: undefined };
  const now = DateTime.fromJSDate(policy.now, { zone: 'utc' });
  const horizon = now.plus({ days: UPCOMING_DAYS });
  const pending: PendingStart[] = [];
  const upcoming: UpcomingChange[] = [];
  let nextChange: DateTime | undefined;
  const changesAt = (at: DateTime) => {
    if (at > now && (nextChange === undefined || at < nextChange)) nextChange = at;
  };

  const dated = users.map((user): RosterUser => {
    if (user.startDate === undefined && user.endDate === undefined) return user;
    const zone = user.timeZone ?? 'utc'; // the reader sets a zone on every dated row
    const endsAt = user.endDate === undefined ? undefined : startOfDay(user.endDate, zone).plus({ days: 1 }).startOf('day');
    const createAt = user.startDate === undefined ? undefined : startOfDay(user.startDate, zone).minus({ days: policy.createDaysBeforeStart }).startOf('day');
    const rehire = user.startDate !== undefined && user.endDate !== undefined && user.startDate > user.endDate;
    const pastEnd = endsAt !== undefined && now >= endsAt;
    if (endsAt) changesAt(endsAt);
    if (createAt) changesAt(createAt);

    if (pastEnd && !rehire) return user.active ? { ...user, active: false } : user;
    if (!user.active) return user; // the status says so; dates can only take access away from it
    if (createAt && now < createAt) {
      pending.push({
        line: user.line,
        userName: user.userName,
        externalId: user.externalId,
        startDate: user.startDate!,
        timeZone: zone,
        createOn: createAt.toISODate()!,
        createAt: utcText(createAt),
      });
      if (rehire && endsAt && !pastEnd && endsAt <= horizon) {
        // The current job ends before the next one's account day: access goes in between.
        upcoming.push({ op: 'deactivate', userName: user.userName, externalId: user.externalId, at: utcText(endsAt) });
      }
      if (createAt <= horizon) upcoming.push({ op: 'create', userName: user.userName, externalId: user.externalId, at: utcText(createAt) });
      // A rehire between two jobs has none: inactive until the new account day.
      return pastEnd ? { ...user, active: false, pendingUntil: utcText(createAt) } : { ...user, pendingUntil: utcText(createAt) };
    }
    if (endsAt && !rehire && endsAt <= horizon) upcoming.push({ op: 'deactivate', userName: user.userName, externalId: user.externalId, at: utcText(endsAt) });
    return user;
  });

  pending.sort((a, b) => compareText(a.createAt, b.createAt) || compareText(a.userName, b.userName));
  upcoming.sort((a, b) => compareText(a.at, b.at) || compareText(a.userName, b.userName));
  return { users: dated, pending, upcoming, nextChangeAt: nextChange && utcText(nextChange) };
}

/** The first instant of an ISO calendar date in an IANA zone. */
function startOfDay(isoDate: string, zone: string): DateTime {
  return DateTime.fromISO(isoDate, { zone }).startOf('day');
}

function utcText(at: DateTime): string {
  return at.toUTC().toISO({ suppressMilliseconds: true })!;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
