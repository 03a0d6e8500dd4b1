import { createServer } from 'node:net';
import { basename } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ENTERPRISE_URN } from '../../src/domain/attributePaths.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';
import { runCli } from '../cli/runCli.js';

const DEPARTMENT = `${ENTERPRISE_URN}:department`;

/** What a new admin ran into in their first hour (issue 13): nothing silently dropped, errors that say what to do. */
describe("an admin's first hour", () => {
  let ws: Workspace;
  let emulator: RunningEmulator | undefined;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
    ws.cleanup();
  });
  const logged = () => ws.logLines.map((line) => JSON.parse(line) as { level: number; msg: string } & Record<string, unknown>);

  it('department and title mapped for postman: said at the start of every run, in the report, and a later department change is listed once under notUpdatable', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    const roster = (dept: string) => `employee_id,email,first_name,last_name,status,dept,job\nE1,ada@example.com,Ada,Lovelace,active,${dept},Analyst\n`;
    ws.writeRosterText(roster('Research'));
    const config = ws.config(emulator.url, { source: { columns: { [DEPARTMENT]: 'dept', title: 'job' } } });

    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(first.report.notSent).toEqual([DEPARTMENT, 'title']);
    const warning = logged().find((l) => l.level === 40 && l.msg.startsWith("postman can't set"));
    expect(warning?.msg).toBe(
      "postman can't set department, title: they are not sent; differences in them are listed once under notUpdatable (remove them from source.columns to silence this)",
    );

    ws.writeRosterText(roster('Finance'));
    const changed = await runSync(config, { dryRun: false }, ws.logger);
    expect(changed.report.operations).toEqual([]); // nothing can be sent for it
    // Ada was created by the first run (nothing to compare then): now both differences show, each once.
    expect(changed.report.notUpdatable?.map((n) => `${n.userName} ${n.field} → ${String(n.to)}`)).toEqual([
      'ada@example.com title → Analyst',
      `ada@example.com ${DEPARTMENT} → Finance`,
    ]);
    const again = await runSync(config, { dryRun: false }, ws.logger);
    expect(again.report.notUpdatable).toEqual([]); // listed once, remembered
  });

  it("validate says which mapped attributes the provider can't set, and which protect entries match nobody", async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'ci-1@corp.example', givenName: 'C', familyName: 'I' }] });
    ws.writeRosterText('employee_id,email,first_name,last_name,status,dept\nE1,ada@example.com,Ada,Lovelace,active,R&D\n');
    ws.config(emulator.url, { source: { columns: { [DEPARTMENT]: 'dept' } }, sync: { protect: ['ci-*@corp.example', '*@agency.example'] } });
    const r = await runCli(['validate', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(
      "  warning: postman can't set department: it is not sent; differences in it are listed once under notUpdatable (remove it from source.columns to silence this)",
    );
    expect(r.stdout).toContain('  warning: sync.protect entries that match no account on the service: "*@agency.example" (check the spelling)');
    expect(r.stdout).not.toContain('"ci-*@corp.example"');
  });

  it('sync.protect takes glob patterns (any case), and an entry that matches no account is in the report', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: [
        { userName: 'Contractor@Agency.example', givenName: 'C', familyName: 'A', externalId: 'X1' },
        { userName: 'ci-build@corp.example', givenName: 'C', familyName: 'I', externalId: 'X2' },
        { userName: 'leaver@example.com', givenName: 'L', familyName: 'V', externalId: 'X3' },
      ],
    });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const config = ws.config(emulator.url, { sync: { protect: ['*@agency.example', 'ci-*@corp.example', 'breakglass@exampel.com'] } });
    const { report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(report.operations.map((o) => `${o.op} ${o.userName}`)).toEqual(['deactivate leaver@example.com', 'create ada@example.com']);
    expect(report.skipped.map((s) => `${s.userName} ${s.reason}`)).toEqual(['Contractor@Agency.example protected', 'ci-build@corp.example protected']);
    expect(report.unmatchedProtect).toEqual(['breakglass@exampel.com']);
  });

  it('{ firstOf: [...] } takes the preferred name, else the legal first name, instead of rejecting the row', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRosterText(
      'Employee #,Email,Preferred Name,First Name,Last Name,status\n1,ada@example.com,Addie,Ada,Lovelace,active\n2,alan@example.com,,Alan,Turing,active\n',
    );
    const config = ws.config(emulator.url, {
      source: {
        columns: { externalId: 'Employee #', userName: 'Email', givenName: { firstOf: ['Preferred Name', 'First Name'] }, familyName: 'Last Name' },
      },
    });
    const { report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(report.roster?.rejected).toEqual([]);
    expect(
      emulator.store
        .list()
        .map((u) => `${u.userName} ${u.givenName}`)
        .sort(),
    ).toEqual(['ada@example.com Addie', 'alan@example.com Alan']);
  });

  it('a column not in the header suggests the closest header and names the config line; a header cut at an unquoted " #" says "quote it"', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRosterText('Employee #,Email,First Name,Last Name,status\n1,ada@example.com,Ada,Lovelace,active\n');
    // As YAML reads `externalId: Employee #` written unquoted: the " #" starts a comment.
    const config = ws.config(emulator.url, {
      source: { columns: { externalId: 'Employee', userName: 'Email', givenName: 'first_name', familyName: 'Last Name' } },
    });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    const file = basename(ws.configPath);
    expect(report.error).toContain(
      `"Employee" (for externalId: the header is "Employee #": in YAML an unquoted " #" starts a comment, so quote it: externalId: "Employee #"; source.columns.externalId in ${ws.configPath} line`,
    );
    expect(report.error).toMatch(/"first_name" \(for givenName: did you mean "First Name"\?; source\.columns\.givenName in .*scim-sync\.yaml line \d+\)/);
    expect(file).toBe('scim-sync.yaml');
    // The result says why too, and the log has it at ERROR (not only /readyz and the report).
    expect(report.result).toMatch(/^the roster is unusable: roster\.csv line 1: missing required headers .*; nothing was sent$/);
    const error = logged().find((l) => l.level === 50);
    expect(error?.msg).toMatch(/^the roster is unusable: roster\.csv line 1: missing required headers "Employee"/);
  });

  it('connection refused names the URL tried (never the token) and asks whether the service is up and target.baseUrl right', async () => {
    const port = await freePort();
    const config = ws.config(`http://127.0.0.1:${port}/scim/v2`, { target: { retry: { maxAttempts: 2 } } });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toBe(
      `reading users from the service failed: GET http://127.0.0.1:${port}/scim/v2/ServiceProviderConfig failed: ECONNREFUSED ` +
        '(connection refused: nothing listens on that host and port) — is the service up, and is target.baseUrl right?',
    );
    // The retry is not silent: it is logged with the same words while it waits.
    expect(logged().some((l) => l.level === 40 && l.msg.startsWith('request failed, retrying: GET http://127.0.0.1:'))).toBe(true);
    expect(ws.logLines.join('\n') + JSON.stringify(report)).not.toContain(TEST_TOKEN);
  });

  it('a wrong base path (404 on the first page) says target.baseUrl looks wrong, with the URL tried; one ending in /Users is told to drop it', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const wrong = emulator.url.replace('/scim/v2', '/scim/v3');
    const v3 = await runSync(ws.config(wrong), { dryRun: false }, ws.logger);
    expect(v3.exitCode).toBe(1);
    expect(v3.report.error).toMatch(
      new RegExp(
        `GET ${escape(wrong)}/Users\\?startIndex=1&count=100 answered 404.*: target\\.baseUrl looks wrong — it must be the SCIM root that /Users is under`,
      ),
    );
    const users = await runSync(ws.config(`${emulator.url}/Users`), { dryRun: false }, ws.logger);
    expect(users.report.error).toContain(`GET ${emulator.url}/Users/Users?startIndex=1&count=100 answered 404`);
    expect(users.report.error).toContain('it ends in /Users: remove that, scim-sync adds /Users itself');
    expect(emulator.writeCount()).toBe(0);
  });

  it('report file names say dry run and exit code', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const config = ws.config(emulator.url);
    const dry = await runSync(config, { dryRun: true }, ws.logger);
    expect(basename(dry.reportPath)).toMatch(/^scim-sync-\d{4}-\d\d-\d\dT[\d-]+Z-[0-9a-f]{8}-dry-run-exit0\.json$/);
    ws.writeRosterText('nothing,useful\n1,2\n');
    const broken = await runSync(config, { dryRun: false }, ws.logger);
    expect(basename(broken.reportPath)).toMatch(/-[0-9a-f]{8}-exit2\.json$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A port nothing listens on: bound once by us, then closed. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
