import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { formatPlanTable, formatSummary } from '../../src/report/formatPlanTable.js';
import { escapeControlChars } from '../../src/display/escapeControlChars.js';
import { summarise } from '../../src/report/runReport.js';
import { runCli } from '../cli/runCli.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * Roster cells are written by other people and other programs, and end up in front of an admin:
 * in the plan table, the summary, the log and the validate output. A terminal executes control
 * characters, so none of them may arrive raw (tab aside, and only where it can't break a table).
 */
// eslint-disable-next-line no-control-regex -- the test looks for raw control characters
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

describe('a roster with terminal escape sequences in its cells', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const env = { SCIM_TOKEN: TEST_TOKEN };
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', externalId: 'E1' }] });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  const hostileRoster = [
    'employee_id,email,first_name,last_name,status',
    // retitles the window and rings the bell; a tab and a CR LF that would forge a table row
    'E1,ada@example.com,"Ada\x1b]0;pwned\x07","Love\tlace\r\nE9  deactivate  root@example.com",active',
    // clears the screen when the table prints the userName
    'E2,grace\x1b[2J@example.com,Grace,Hopper,active',
    // a C1 CSI (U+009B): JSON leaves it raw in a log line; the row is rejected, and its reason quotes it
    'E3,mallory\u009b8m,Mallory,Evil,active',
    'E4,alan@example.com,Alan,Turing,active',
  ].join('\n');

  it('run --dry-run: table, summary and log lines show \\x1b-style escapes, never a raw control character', async () => {
    ws.writeRosterText(hostileRoster + '\n');
    ws.config(emulator.url, { source: { maxRejectedShare: 0.5 } });
    const r = await runCli(['run', '--config', ws.configPath, '--dry-run'], env);

    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/create\s+grace\\x1b\[2J@example\.com\s+new user\s+planned/);
    expect(r.stdout).toContain('givenName: Ada → Ada\\x1b]0;pwned\\x07');
    expect(r.stdout).toContain('familyName: Lovelace → Love\\x09lace\\x0d\\x0aE9  deactivate  root@example.com');
    expect(r.stderr).toContain('userName \\"mallory\\\\x9b8m\\" is not a valid email address'); // JSON of the escaped text
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
    // The plan table has one line per operation: the CR LF in a cell did not add a row.
    expect(r.stdout.split('\n').filter((line) => /^(create|update|deactivate|reactivate)\s/.test(line))).toHaveLength(3);
    expect(emulator.writeCount()).toBe(0);
  });

  it('validate: the rejected rows it lists quote their cells escaped', async () => {
    ws.writeRosterText(hostileRoster + '\n');
    ws.config(emulator.url, { source: { maxRejectedShare: 0.5 } });
    const r = await runCli(['validate', '--config', ws.configPath], env);

    expect(r.stdout).toContain('line 5: userName "mallory\\x9b8m" is not a valid email address');
    expect(r.stdout).not.toMatch(RAW_CONTROL);
    expect(r.stderr).not.toMatch(RAW_CONTROL);
  });

  it('a header with an escape sequence: the error that quotes it (summary, log, validate) shows it escaped', async () => {
    ws.writeRosterText('employee_id,email\x1b[8m,first_name,last_name,status\nE1,ada@example.com,Ada,Lovelace,active\n');
    ws.config(emulator.url);
    const run = await runCli(['run', '--config', ws.configPath], env);
    const validate = await runCli(['validate', '--config', ws.configPath], env);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain('headers found: "employee_id", "email\\x1b[8m", "first_name"');
    expect(validate.code).toBe(2);
    expect(validate.stdout).toContain('"email\\x1b[8m"');
    for (const output of [run.stdout, run.stderr, validate.stdout, validate.stderr]) expect(output).not.toMatch(RAW_CONTROL);
    expect(emulator.requestLog).toHaveLength(0);
  });
});

describe('formatPlanTable and formatSummary with hostile values', () => {
  const outcome = { op: 'update' as const, userName: 'eve@example.com', outcome: 'failed' as const, httpStatus: 400, detail: 'bad value "\x1b[31mred\u009b"' };
  const report = {
    ...{ runId: 'r', startedAt: 's', finishedAt: 'f', dryRun: false, outcome: 'some-failed' as const, exitCode: 1, config: { file: 'c', baseUrl: 'b' } },
    result: '1 of 1 operations failed',
    summary: summarise([outcome], 0, 0),
    requests: { total: 1, byMethod: {}, retries: 0, throttled: 0 },
    operations: [{ ...outcome, changes: `givenName: Eve → ${'E'.repeat(100_000)}` }],
    skipped: [],
    error: 'roster.csv line 2: "\x1b]52;c;cGF5bG9hZA==\x07"',
  };

  it('a service detail with escapes is shown escaped in the table; a huge cell is cut with the rest counted', () => {
    const table = formatPlanTable(report);
    expect(table).toContain('failed (400 bad value "\\x1b[31mred\\x9b")');
    expect(table).toContain('…(+99517 characters)');
    expect(table.length).toBeLessThan(2000);
    expect(table).not.toMatch(RAW_CONTROL);
  });

  it('the summary escapes what it quotes (an OSC 52 clipboard write stays text)', () => {
    const summary = formatSummary(report, '/tmp/r.json');
    expect(summary).toContain('error: roster.csv line 2: "\\x1b]52;c;cGF5bG9hZA==\\x07"');
    expect(summary).not.toMatch(RAW_CONTROL);
  });

  it('escapeControlChars keeps tab unless asked, and escaping twice changes nothing', () => {
    expect(escapeControlChars('a\tb\x00c\x7f\u0085')).toBe('a\tb\\x00c\\x7f\\x85');
    expect(escapeControlChars('a\tb', { tab: false })).toBe('a\\x09b');
    const once = escapeControlChars('x\x1by\u009bz');
    expect(escapeControlChars(once)).toBe(once);
    expect(escapeControlChars('José Ørsted 李')).toBe('José Ørsted 李');
  });
});
