import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { runCli } from './runCli.js';

/**
 * The same roster run on two different days, the run's clock moved with the hidden `run --now`
 * (tests only): the first day creates nothing and lists what is coming; a later day creates the
 * new hire and deactivates the leaver whose status still says Active.
 */
describe('scim-sync run: start and end dates over two days', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: [
        { userName: 'lee.leaver@example.com', givenName: 'Lee', familyName: 'Leaver', externalId: 'E2' },
        { userName: 'sam.stays@example.com', givenName: 'Sam', familyName: 'Stays', externalId: 'E3' },
      ],
    });
    ws.writeRosterText(
      [
        'employee_id,email,first_name,last_name,status,Hire Date,Termination Date',
        // Starts on Sunday 15 March in New York; with 7 days ahead the account comes on 8 March, 00:00 EST.
        'E1,nia.new@example.com,Nia,New,Pending,03/15/2026,',
        // Last day Thursday 5 March; HR leaves the status Active until payroll closes.
        'E2,lee.leaver@example.com,Lee,Leaver,Active,06/02/2019,03/05/2026',
        'E3,sam.stays@example.com,Sam,Stays,Active,01/10/2020,',
      ].join('\n') + '\n',
    );
    ws.writeConfig(emulator.url, {
      source: {
        status: { column: 'status', active: ['active', 'pending'] },
        startDate: { column: 'Hire Date' },
        endDate: { column: 'Termination Date' },
        dateFormat: 'MM/dd/yyyy',
        timezone: 'America/New_York',
      },
      sync: { createDaysBeforeStart: 7 },
    });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  const activeOnService = () =>
    emulator.store
      .list()
      .filter((u) => u.active)
      .map((u) => u.userName)
      .sort();

  it('day 1 creates nothing and shows what is coming; day 2 creates the hire and deactivates the leaver', async () => {
    // Day 1, Sunday 1 March: the hire is more than 7 days out, the leaver's last day is ahead.
    const dryRunReport = join(ws.dir, 'day1-dry.json');
    const dry = await runCli(['run', '--config', ws.configPath, '--dry-run', '--now', '2026-03-01T12:00:00Z', '--report', dryRunReport], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('0 operations planned');
    expect(dry.stdout).toMatch(
      /Upcoming in the next 14 days.*\n.*FROM +OPERATION +USER\n2026-03-06 05:00:00 UTC +deactivate +lee\.leaver@example\.com\n2026-03-08 05:00:00 UTC +create +nia\.new@example\.com\n/,
    );
    expect(dry.stdout).toContain('dates: 1 person waiting for their start date (next: nia.new@example.com on 2026-03-08), 2 changes in the next 14 days');

    const day1 = await runCli(['run', '--config', ws.configPath, '--now', '2026-03-01T12:00:00Z'], env);
    expect(day1.code, day1.stderr).toBe(0);
    expect(emulator.writeCount()).toBe(0);
    expect(activeOnService()).toEqual(['lee.leaver@example.com', 'sam.stays@example.com']);
    const report1 = ws.reports().at(-1) as RunReport;
    expect(report1.pending).toEqual([
      {
        line: 2,
        userName: 'nia.new@example.com',
        externalId: 'E1',
        startDate: '2026-03-15',
        timeZone: 'America/New_York',
        createOn: '2026-03-08',
        createAt: '2026-03-08T05:00:00Z',
      },
    ]);
    expect(report1.upcoming).toEqual([
      { op: 'deactivate', userName: 'lee.leaver@example.com', externalId: 'E2', at: '2026-03-06T05:00:00Z' },
      { op: 'create', userName: 'nia.new@example.com', externalId: 'E1', at: '2026-03-08T05:00:00Z' },
    ]);
    expect(report1.skipped).toEqual([{ userName: 'nia.new@example.com', reason: 'before-start' }]);

    // Day 2, Monday 9 March: inside the hire's window, after the leaver's last day.
    const day2 = await runCli(['run', '--config', ws.configPath, '--now', '2026-03-09T12:00:00Z'], env);
    expect(day2.code, day2.stderr).toBe(0);
    expect(day2.stderr).toContain('start and end dates are judged at --now, not the clock (for tests only)');
    expect(activeOnService()).toEqual(['nia.new@example.com', 'sam.stays@example.com']);
    const report2 = ws.reports().at(-1) as RunReport;
    expect(report2.operations.map((o) => `${o.op} ${o.userName} ${o.outcome}`)).toEqual([
      'deactivate lee.leaver@example.com succeeded',
      'create nia.new@example.com succeeded',
    ]);
    expect(report2.pending).toEqual([]);
    expect(report2.upcoming).toEqual([]);
    expect(JSON.parse(readFileSync(dryRunReport, 'utf8'))).toMatchObject({ dryRun: true, upcoming: report1.upcoming });
  });

  it('--now is hidden from --help and refuses a time without an offset', async () => {
    const help = await runCli(['run', '--help']);
    expect(help.stdout).not.toContain('--now');
    const bad = await runCli(['run', '--config', ws.configPath, '--now', '2026-03-09T12:00'], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('expected an ISO time with an offset');
    expect(emulator.writeCount()).toBe(0);
  });
});
