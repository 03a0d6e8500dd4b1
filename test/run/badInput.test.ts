import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/configError.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * The bad-input corpus, end to end: each fixture goes through a real run against the emulator.
 * Every one must end with the exact error (file, line, column or key) and not a single write
 * reaching the service.
 */
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/roster/${name}`, import.meta.url));
const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('bad input: a clear error and no writes', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'someone@example.com', givenName: 'Some', familyName: 'One', externalId: 'X1' }] });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  const columns = { externalId: 'employee_id', userName: 'email', givenName: 'first_name', familyName: 'last_name', locale: 'locale' };
  const runWith = async (name: string, overrides: Record<string, unknown> = {}) => {
    copyFileSync(fixture(name), join(ws.dir, name));
    const config = ws.config(emulator.url, {
      source: { path: `./${name}`, columns, status: { column: 'status', active: ['Active', 'On Leave'] }, ...overrides },
    });
    return runSync(config, { dryRun: false }, ws.logger);
  };
  const writes = () => emulator.requestLog.filter((r) => WRITE.has(r.method)).length;

  const fileErrors: Array<[fixture: string, message: string]> = [
    ['unbalanced-quote.csv', 'unbalanced-quote.csv line 3, column 3 (first_name): unbalanced quote'],
    ['semicolon-delimiter.csv', `semicolon-delimiter.csv line 1: missing required headers`],
    ['missing-header.csv', 'missing-header.csv line 1: missing required header'],
    ['duplicate-header.csv', 'duplicate-header.csv line 1, column 7 (email): duplicate header "email" (also column 2); rename or remove one of them'],
    ['latin1-bytes.csv', 'latin1-bytes.csv line 3: not valid UTF-8 (byte 0xE9) — re-export the file as UTF-8'],
  ];
  for (const [name, message] of fileErrors) {
    it(`${name}: exit 2, the error names file and line, and nothing is sent`, async () => {
      const { exitCode, report } = await runWith(name);
      expect(exitCode).toBe(2);
      expect(report.error).toContain(message);
      expect(emulator.requestLog).toHaveLength(0);
    });
  }

  it('UTF-16 with a byte order mark: exit 2, "export it as UTF-8", nothing sent', async () => {
    const text = 'employee_id,email,first_name,last_name,locale,status\r\nE001,ada@example.com,Ada,Lovelace,en-GB,Active\r\n';
    writeFileSync(join(ws.dir, 'utf16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { exitCode, report } = await runSync(ws.config(emulator.url, { source: { path: './utf16.csv', columns } }), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.error).toBe('utf16.csv is UTF-16 encoded (byte order mark FF FE); export it as UTF-8');
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('a NUL byte in a cell: that row is rejected with line and column, and never sent; the other rows are', async () => {
    writeFileSync(
      join(ws.dir, 'nul.csv'),
      'employee_id,email,first_name,last_name,locale,status\n' +
        'E001,ada@example.com,Ada,Lovelace,,Active\n' +
        'E002,alan@example.com,Alan,Tur\0ing,,Active\n' +
        'E003,grace@example.com,Grace,Hopper,,Active\n' +
        'X1,someone@example.com,Some,One,,Active\n',
    );
    const config = ws.config(emulator.url, { source: { path: './nul.csv', columns, status: { column: 'status', active: ['Active'] }, maxRejectedShare: 0.5 } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(report.roster?.rejected).toEqual([{ line: 3, reason: 'column 4 (last_name) contains a NUL byte (\\x00); fix that cell in the export' }]);
    expect(exitCode).toBe(0);
    expect(emulator.store.findByUserName('ada@example.com')).toBeDefined();
    expect(emulator.store.findByUserName('alan@example.com')).toBeUndefined();
    expect(emulator.requestLog.filter((r) => WRITE.has(r.method))).toHaveLength(2); // Ada and Grace
  });

  it('bad-dates.csv: an unparsable date, a day that does not exist and an unknown zone each reject their row; those accounts are left alone, the rest is synced', async () => {
    const { exitCode, report } = await runWith('bad-dates.csv', {
      startDate: { column: 'hire_date' },
      endDate: { column: 'termination_date' },
      timezone: { column: 'time_zone' },
      maxRejectedShare: 0.7,
    });
    expect(report.roster?.rejected).toEqual([
      { line: 3, reason: expect.stringMatching(/^endDate "2026-02-30" in column 8 \("termination_date"\) is not a day of the calendar/) as string },
      { line: 4, reason: 'time zone "Mars/Base" in column 9 ("time_zone") is not an IANA time zone such as "America/New_York"' },
      { line: 5, reason: 'startDate "31/01/2026" in column 7 ("hire_date") is not a date in the format yyyy-MM-dd (source.dateFormat)' },
    ]);
    expect(exitCode).toBe(0);
    // Its row says the last day was 2020-01-31, but the row can't be trusted: the account stays as it is.
    expect(emulator.store.findByUserName('someone@example.com')?.active).toBe(true);
    expect(report.skipped).toEqual([{ userName: 'someone@example.com', id: expect.any(String) as string, reason: 'rejected-row' }]);
    expect(report.operations.map((o) => `${o.op} ${o.userName}`)).toEqual(['create ada@example.com', 'create mary@example.com']);
  });

  const rowErrors: Array<[fixture: string, line: number, reason: string]> = [
    ['duplicate-external-id.csv', 2, 'duplicate externalId'],
    ['duplicate-email-case.csv', 2, 'duplicate userName'],
    ['invalid-email.csv', 3, 'userName "Alan Turing" is not a valid email address'],
    ['extra-column.csv', 3, 'has 7 fields, header has 6'],
    ['missing-column.csv', 3, 'has 5 fields, header has 6'],
    ['empty-status.csv', 3, 'status is empty'],
  ];
  for (const [name, line, reason] of rowErrors) {
    it(`${name}: the row is rejected with its line, the small roster is unusable (exit 2), nothing is sent`, async () => {
      const { exitCode, report } = await runWith(name);
      expect(exitCode).toBe(2);
      expect(report.roster?.rejected).toContainEqual({ line, reason: expect.stringContaining(reason) });
      expect(writes()).toBe(0);
    });
  }

  for (const name of ['empty.csv', 'whitespace-only.csv']) {
    it(`${name}: an export with no content is refused like an empty roster (exit 3), naming the file; nothing sent`, async () => {
      const { exitCode, report } = await runWith(name);
      expect(exitCode).toBe(3);
      expect(report.refused).toEqual({
        reason: `${name} is empty (not even a header row)`,
        howToProceed: expect.stringContaining('an empty roster would deactivate everyone'),
      });
      expect(emulator.requestLog).toHaveLength(0);
    });
  }

  it('header only: refused (exit 3), nothing sent', async () => {
    const { exitCode, report } = await runWith('header-only.csv');
    expect(exitCode).toBe(3);
    expect(report.refused?.reason).toMatch(/header-only\.csv has no data rows/);
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('CRLF line endings work: the users are created with clean names', async () => {
    const { exitCode } = await runWith('crlf-line-endings.csv', {});
    expect(exitCode).toBe(0);
    expect(emulator.store.findByUserName('alan.turing@example.com')).toMatchObject({ givenName: 'Alan', familyName: 'Turing' });
  });

  it('cells starting with = + - @ are kept as data, sent verbatim, never evaluated or stripped', async () => {
    const { exitCode } = await runWith('formula-cells.csv');
    expect(exitCode).toBe(0);
    expect(emulator.store.findByUserName('ada.lovelace@example.com')).toMatchObject({
      givenName: '=HYPERLINK("http://evil.example","x")',
      familyName: '+Lovelace',
    });
    expect(emulator.store.findByUserName('alan.turing@example.com')).toMatchObject({ givenName: '-Alan', familyName: '@Turing' });
  });

  it('a config with a typo’d key: the error names file, line and key; no request at all', () => {
    writeFileSync(ws.configPath, 'source:\n  path: ./roster.csv\n  colums: {}\n');
    expect(() => ws.loadWrittenConfig()).toThrow(ConfigError);
    expect(() => ws.loadWrittenConfig()).toThrow(`${ws.configPath} line 3: source.colums: unknown key (did you mean "source.columns"?)`);
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('an unknown source.timezone or an unusable source.dateFormat: the error names file, line and key; no request at all', () => {
    const dated = { startDate: { column: 'hire_date' }, timezone: 'Europe/Berln' };
    // The line is the key's in the written YAML; the message names it, the key and what was expected.
    const lineOf = (key: string) =>
      readFileSync(ws.configPath, 'utf8')
        .split('\n')
        .findIndex((l) => l.trimStart().startsWith(`${key}:`)) + 1;
    ws.writeConfig(emulator.url, { source: dated });
    expect(() => ws.loadWrittenConfig()).toThrow(
      `${ws.configPath} line ${lineOf('timezone')}: source.timezone: got "Europe/Berln", expected an IANA time zone such as "America/New_York", "Asia/Kolkata" or "UTC"`,
    );
    ws.writeConfig(emulator.url, { source: { ...dated, timezone: 'UTC', dateFormat: 'dd/mm/yyyy' } });
    expect(() => ws.loadWrittenConfig()).toThrow(
      `${ws.configPath} line ${lineOf('dateFormat')}: source.dateFormat: got "dd/mm/yyyy", expected a date format with year, month and day`,
    );
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('a missing ${ENV}: the error names the variable and the key', () => {
    ws.config(emulator.url);
    expect(() => ws.loadWrittenConfig({})).toThrow(/line \d+: target.token: environment variable SCIM_TOKEN is not set/);
  });

  it('an http:// base URL that is not loopback is refused unless target.allowInsecureHttp is true', () => {
    expect(() => ws.config('http://scim.example.net/scim/v2')).toThrow(
      /target.baseUrl: got "http:\/\/scim.example.net\/scim\/v2": plain http to a non-loopback host/,
    );
    expect(ws.config('http://scim.example.net/scim/v2', { target: { allowInsecureHttp: true } }).target.baseUrl).toBe('http://scim.example.net/scim/v2');
  });
});
