import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRoster, RosterFileError, type RosterSource } from '../../src/roster/readRoster.js';

/** Reading the start date, end date and time zone of each row; a bad one rejects the row with line and reason. */
describe('readRoster: start and end dates', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-sync-dates-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const HEADER = 'id,email,first,last,status,Hire Date,Termination Date,Time Zone';
  async function read(lines: string[], over: Partial<RosterSource> = {}) {
    const path = join(dir, `roster-${Math.random().toString(36).slice(2)}.csv`);
    await writeFile(path, [HEADER, ...lines].join('\n') + '\n');
    return readRoster({
      path,
      columns: { externalId: 'id', userName: 'email', givenName: 'first', familyName: 'last' },
      status: { column: 'status', active: ['active', 'pending'] },
      startDate: { column: 'Hire Date' },
      endDate: { column: 'Termination Date' },
      timezone: { column: 'Time Zone' },
      ...over,
    });
  }

  it('reads dates in the configured format as ISO calendar dates with the row’s zone; an empty end date means none', async () => {
    const roster = await read(['E1,a@example.com,A,A,Pending,03/15/2026,,America/New_York', 'E2,b@example.com,B,B,Active,01/06/2025,06/30/2026,Asia/Kolkata'], {
      dateFormat: 'MM/dd/yyyy',
    });
    expect(roster.rejected).toEqual([]);
    expect(roster.users.map(({ startDate, endDate, timeZone, active }) => ({ startDate, endDate, timeZone, active }))).toEqual([
      { startDate: '2026-03-15', endDate: undefined, timeZone: 'America/New_York', active: true },
      { startDate: '2025-01-06', endDate: '2026-06-30', timeZone: 'Asia/Kolkata', active: true },
    ]);
  });

  it('a fixed source.timezone applies to every dated row; a row without dates needs no zone', async () => {
    const roster = await read(['E1,a@example.com,A,A,Active,2026-03-15,,', 'E2,b@example.com,B,B,Active,,,'], { timezone: 'Europe/Berlin' });
    expect(roster.users.map((u) => u.timeZone)).toEqual(['Europe/Berlin', undefined]);
  });

  it('an unparsable date, a day that does not exist and an unknown or missing zone each reject their row with line and reason', async () => {
    const roster = await read([
      'E1,a@example.com,A,A,Active,15.03.2026,,UTC',
      'E2,b@example.com,B,B,Active,2026-01-05,2026-02-30,UTC',
      'E3,c@example.com,C,C,Active,2026-01-05,,Mars/Olympus_Mons',
      'E4,d@example.com,D,D,Active,2026-01-05,,',
      'E5,e@example.com,E,E,Active,2026-01-05,,UTC',
    ]);
    expect(roster.users.map((u) => u.externalId)).toEqual(['E5']);
    expect(roster.rejected).toEqual([
      {
        line: 2,
        externalId: 'E1',
        userName: 'a@example.com',
        reason: 'startDate "15.03.2026" in column 6 ("Hire Date") is not a date in the format yyyy-MM-dd (source.dateFormat)',
      },
      {
        line: 3,
        externalId: 'E2',
        userName: 'b@example.com',
        reason: expect.stringMatching(/^endDate "2026-02-30" in column 7 \("Termination Date"\) is not a day of the calendar \(.*30.*day/) as string,
      },
      {
        line: 4,
        externalId: 'E3',
        userName: 'c@example.com',
        reason: 'time zone "Mars/Olympus_Mons" in column 8 ("Time Zone") is not an IANA time zone such as "America/New_York"',
      },
      { line: 5, externalId: 'E4', userName: 'd@example.com', reason: 'time zone in column 8 ("Time Zone") is empty' },
    ]);
  });

  it('a date column missing from the header stops the file, naming the header', async () => {
    const error: unknown = await read(['E1,a@example.com,A,A,Active,2026-01-05,,UTC'], { endDate: { column: 'Leaving Date' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RosterFileError);
    expect((error as Error).message).toContain('missing required header "Leaving Date" (for endDate)');
  });
});
