import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { formatSummary } from '../../src/report/formatPlanTable.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('scope: only what is ours is managed (sync.manage, source.scope, the ledger)', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  const states = () =>
    emulator.store
      .list()
      .map((u) => `${u.userName}|${u.active ? 'active' : 'inactive'}`)
      .sort();
  const writes = () => emulator.requestLog.filter((r) => WRITES.has(r.method));
  const ledgerFile = () => join(ws.dir, 'state', 'ledger.json');

  it('a bot account in another domain survives every run without being in protect, and the report and summary say it was left alone', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: [
        { userName: 'ci-bot@tools.example', givenName: 'CI', familyName: 'Bot' },
        { userName: 'ann@corp.example', givenName: 'Ann', familyName: 'A', externalId: 'E1' },
        { userName: 'gone@corp.example', givenName: 'Gone', familyName: 'G', externalId: 'E2' },
      ],
    });
    ws.writeRoster([{ employee_id: 'E1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A' }]);
    const config = ws.config(emulator.url, { sync: { protect: [] } });
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    // The leaver in the roster's domain is still deactivated, and the report says why.
    expect(first.report.operations).toEqual([
      expect.objectContaining({
        op: 'deactivate',
        userName: 'gone@corp.example',
        reason: 'missing-from-roster',
        managedBy: 'domain',
        changes: 'active: true → false (missing from roster; managed by domain corp.example)',
      }),
    ]);
    expect(first.report.unmanaged).toEqual({ count: 1, sample: ['ci-bot@tools.example'] });
    expect(first.report.manage).toEqual({ domains: ['corp.example'], domainsFrom: 'roster-and-ledger', linked: true, ledgerAccounts: 0, managed: 2 });
    expect(formatSummary(first.report)).toContain(
      '  accounts: 2 managed by domains corp.example + ledger (0 accounts); 1 unmanaged, left alone: ci-bot@tools.example\n',
    );
    for (let i = 0; i < 2; i++) {
      const again = await runSync(config, { dryRun: false }, ws.logger);
      expect(again.report.operations).toEqual([]);
    }
    expect(states()).toEqual(['ann@corp.example|active', 'ci-bot@tools.example|active', 'gone@corp.example|inactive']);
    expect(writes().map((w) => w.path)).toEqual([expect.stringMatching(/\/Users\//)]); // the one deactivation, nothing for the bot
  });

  it('an account this sync created in a domain it does not manage is deactivated through the ledger when its person leaves', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN });
    ws.writeRoster([
      { employee_id: 'E1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A' },
      { employee_id: 'C1', email: 'cole@partner.example', first_name: 'Cole', last_name: 'C' },
    ]);
    const config = ws.config(emulator.url, { sync: { protect: [], manage: { domains: ['corp.example'] } } });
    expect((await runSync(config, { dryRun: false }, ws.logger)).report.summary.create.succeeded).toBe(2);
    const ledger = JSON.parse(readFileSync(ledgerFile(), 'utf8')) as { version: number; users: Record<string, { userName: string }>; domains: string[] };
    expect(ledger.version).toBe(1);
    expect(Object.values(ledger.users).map((u) => u.userName)).toEqual(expect.arrayContaining(['ann@corp.example', 'cole@partner.example']));

    ws.writeRoster([{ employee_id: 'E1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A' }]);
    const second = await runSync(config, { dryRun: false }, ws.logger);
    expect(second.report.operations.map((o) => `${o.op}:${o.userName}:${o.managedBy}`)).toEqual(['deactivate:cole@partner.example:ledger']);
    expect(states()).toEqual(['ann@corp.example|active', 'cole@partner.example|inactive']);
  });

  it('wiping the ledger deactivates no one who was not a leaver: the domain rule still applies, other accounts become unmanaged', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'ci-bot@tools.example', givenName: 'CI', familyName: 'Bot' }] });
    const rows = [
      { employee_id: 'E1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A' },
      { employee_id: 'E2', email: 'ben@corp.example', first_name: 'Ben', last_name: 'B' },
      { employee_id: 'C1', email: 'cole@partner.example', first_name: 'Cole', last_name: 'C' },
    ];
    ws.writeRoster(rows);
    const config = ws.config(emulator.url, { sync: { protect: [], maxDeactivations: 1 } });
    await runSync(config, { dryRun: false }, ws.logger);
    rmSync(join(ws.dir, 'state'), { recursive: true, force: true }); // a new volume: no ledger, no state
    ws.writeRoster(rows.slice(0, 1)); // and Ben and Cole leave at the same time
    const after = await runSync(config, { dryRun: false }, ws.logger);
    expect(after.exitCode).toBe(0);
    // Ben is in the roster's domain: still a leaver. Cole's domain is no longer the roster's and
    // the ledger that knew him is gone: he is left alone (the safe direction). The bot too.
    expect(after.report.operations.map((o) => `${o.op}:${o.userName}:${o.managedBy}`)).toEqual(['deactivate:ben@corp.example:domain']);
    expect(after.report.unmanaged).toEqual({ count: 2, sample: ['ci-bot@tools.example', 'cole@partner.example'] });
    expect(states()).toEqual(['ann@corp.example|active', 'ben@corp.example|inactive', 'ci-bot@tools.example|active', 'cole@partner.example|active']);
    expect(existsSync(ledgerFile())).toBe(true); // rebuilt from what this run matched
  });

  it('the shrink and cap checks still hold without a ledger', async () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ userName: `p${i}@corp.example`, givenName: 'P', familyName: `${i}`, externalId: `E${i}` }));
    emulator = await startEmulator({ token: TEST_TOKEN, users });
    ws.writeRoster([{ employee_id: 'E0', email: 'p0@corp.example', first_name: 'P', last_name: '0' }]);
    const refused = await runSync(ws.config(emulator.url, { sync: { protect: [], maxDeactivations: '10%' } }), { dryRun: false }, ws.logger);
    expect(refused.exitCode).toBe(3);
    expect(refused.report.refused?.reason).toBe('the plan deactivates 9 users, more than sync.maxDeactivations allows (1 = 10% of 10 managed users)');
    expect(writes()).toEqual([]);
  });

  it('a corrupt ledger stops the run before anything is sent (exit 2), naming the file; it is not taken for an empty one', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'gone@corp.example', givenName: 'G', familyName: 'G', externalId: 'E9' }] });
    ws.writeRoster([{ employee_id: 'E1', email: 'ann@corp.example', first_name: 'Ann', last_name: 'A' }]);
    const config = ws.config(emulator.url);
    for (const [content, problem] of [
      ['{"version": 1, "users": {', 'is not valid JSON'],
      ['{"version": 1, "users": {"r1": {"userName": 7}}, "domains": []}', 'is not a scim-sync ledger (at users.r1.userName:'],
    ]) {
      mkdirSync(join(ws.dir, 'state'), { recursive: true });
      writeFileSync(ledgerFile(), content!);
      const result = await runSync(config, { dryRun: false }, ws.logger);
      expect(result.exitCode).toBe(2);
      expect(result.report.error).toContain(`the ledger ${ledgerFile()} ${problem}`);
      expect(result.report.error).toContain('nothing was sent');
      expect(emulator.requestLog).toEqual([]);
      expect(readFileSync(ledgerFile(), 'utf8')).toBe(content); // left as it was, for the admin to look at
    }
  });

  describe('source.scope', () => {
    const header = 'employee_id,email,first_name,last_name,status,Worker Type,Company';
    const csv = (...rows: string[]) => [header, ...rows].join('\n') + '\n';
    const scope = [
      { column: 'Worker Type', in: ['Employee', 'Intern'] },
      { column: 'Company', notIn: ['Subsidiary B'] },
    ];

    it('rows out of scope are left alone: not created, not updated, not deactivated; the report counts them', async () => {
      emulator = await startEmulator({
        token: TEST_TOKEN,
        users: [
          { userName: 'carl@corp.example', givenName: 'Carl', familyName: 'Old', externalId: 'C1' },
          { userName: 'sub@corp.example', givenName: 'Sub', familyName: 'B', externalId: 'S1' },
        ],
      });
      ws.writeRosterText(
        csv(
          'E1,ann@corp.example,Ann,A,active,employee,Corp',
          'I1,ian@corp.example,Ian,I,active,INTERN,Corp',
          'C1,carl@corp.example,Carl,New,active,Contractor,Corp',
          'S1,sub@corp.example,Sub,B,terminated,Employee,Subsidiary B',
          'X1,xena@corp.example,Xena,X,active,Contractor,Corp',
        ),
      );
      const result = await runSync(ws.config(emulator.url, { source: { scope }, sync: { protect: [] } }), { dryRun: false }, ws.logger);
      expect(result.exitCode).toBe(0);
      expect(result.report.operations.map((o) => `${o.op}:${o.userName}`)).toEqual(['create:ann@corp.example', 'create:ian@corp.example']);
      expect(result.report.roster).toMatchObject({ rows: 5, accepted: 2, outOfScope: 3 });
      expect(result.report.skipped).toEqual([
        { userName: 'carl@corp.example', id: expect.any(String), reason: 'out-of-scope' },
        { userName: 'sub@corp.example', id: expect.any(String), reason: 'out-of-scope' },
      ]);
      expect(states()).toEqual(['ann@corp.example|active', 'carl@corp.example|active', 'ian@corp.example|active', 'sub@corp.example|active']);
      expect(emulator.store.findByUserName('carl@corp.example')?.familyName).toBe('Old');
    });

    it('a row that leaves scope is ignored by default, and deactivated as a leaver with sync.outOfScope: deactivate', async () => {
      emulator = await startEmulator({ token: TEST_TOKEN });
      ws.writeRosterText(csv('E1,ann@corp.example,Ann,A,active,Employee,Corp', 'E2,bob@corp.example,Bob,B,active,Employee,Corp'));
      const config = (outOfScope: string) => ws.config(emulator.url, { source: { scope }, sync: { protect: [], outOfScope } });
      await runSync(config('ignore'), { dryRun: false }, ws.logger);
      ws.writeRosterText(csv('E1,ann@corp.example,Ann,A,active,Employee,Corp', 'E2,bob@corp.example,Bob,B,active,Contractor,Corp'));
      expect((await runSync(config('deactivate'), { dryRun: true }, ws.logger)).report.operations).toEqual([
        expect.objectContaining({
          op: 'deactivate',
          userName: 'bob@corp.example',
          reason: 'left-scope',
          changes: 'active: true → false (left source.scope; sync.outOfScope is deactivate)',
        }),
      ]);
      expect((await runSync(config('ignore'), { dryRun: false }, ws.logger)).report.operations).toEqual([]);
      expect(states()).toEqual(['ann@corp.example|active', 'bob@corp.example|active']);
    });

    it('a scope column missing from the header stops the run (exit 2) naming it, like any other column; an empty scope cell rejects its row', async () => {
      emulator = await startEmulator({ token: TEST_TOKEN });
      ws.writeRosterText(csv('E1,ann@corp.example,Ann,A,active,Employee,Corp', 'E2,bob@corp.example,Bob,B,active,,Corp'));
      const missing = await runSync(
        ws.config(emulator.url, { source: { scope: [{ column: 'Worker type', in: ['Employee'] }] } }),
        { dryRun: false },
        ws.logger,
      );
      expect(missing.exitCode).toBe(2);
      expect(missing.report.error).toContain('missing required header "Worker type" (for source.scope, found "Worker Type": header names are case-sensitive)');
      const empty = await runSync(ws.config(emulator.url, { source: { scope, maxRejectedShare: 0.5 } }), { dryRun: true }, ws.logger);
      expect(empty.report.roster?.rejected).toEqual([{ line: 3, reason: 'Worker Type is empty (a source.scope column)' }]);
      expect(emulator.requestLog.filter((r) => WRITES.has(r.method))).toEqual([]);
    });

    it('a roster with no row in scope (a typo in a scope value) is refused, not applied', async () => {
      emulator = await startEmulator({ token: TEST_TOKEN, users: [{ userName: 'ann@corp.example', givenName: 'Ann', familyName: 'A', externalId: 'E1' }] });
      ws.writeRosterText(csv('E1,ann@corp.example,Ann,A,active,Employee,Corp'));
      const result = await runSync(ws.config(emulator.url, { source: { scope: [{ column: 'Worker Type', in: ['Employe'] }] } }), { dryRun: false }, ws.logger);
      expect(result.exitCode).toBe(3);
      expect(result.report.refused?.reason).toContain('no row of the roster');
      expect(emulator.requestLog).toEqual([]);
    });
  });
});
