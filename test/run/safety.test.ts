import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

describe('safety: no mass lock-out', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  const team = Array.from({ length: 20 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
  const rows = (n: number) => team.slice(0, n).map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName }));
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: team });
  });
  afterEach(async () => {
    await emulator.close();
    ws.cleanup();
  });

  it('a plan deactivating more than the cap sends no write at all, exits 3 and says how to proceed', async () => {
    ws.writeRoster([...rows(15), { employee_id: 'N1', email: 'new@example.com', first_name: 'New', last_name: 'Hire' }]);
    const config = ws.config(emulator.url, { sync: { maxDeactivations: '10%' } });
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(3);
    expect(emulator.writeCount()).toBe(0);
    expect(report.refused?.reason).toBe('the plan deactivates 5 users, more than sync.maxDeactivations allows (2 = 10% of 20 managed users)');
    expect(report.refused?.howToProceed).toContain('--allow-deactivations 5');
    expect(report.operations.filter((o) => o.op === 'deactivate' && o.outcome === 'planned')).toHaveLength(5);
    expect(report.operations.find((o) => o.op === 'create')?.outcome).toBe('planned');
  });

  it('--allow-deactivations N lets a checked plan through', async () => {
    ws.writeRoster(rows(15));
    const { exitCode } = await runSync(ws.config(emulator.url, { sync: { maxDeactivations: 2 } }), { dryRun: false, allowDeactivations: 5 }, ws.logger);
    expect(exitCode).toBe(0);
    expect(emulator.store.list().filter((u) => !u.active)).toHaveLength(5);
  });

  it('a roster with only a header is refused before any request: exit 3', async () => {
    ws.writeRosterText('employee_id,email,first_name,last_name,status\n');
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(3);
    expect(report.refused?.reason).toMatch(/has no data rows/);
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('a roster that lost more than the cap’s share of rows since the last run that applied it is refused', async () => {
    ws.writeRoster(rows(20));
    const config = ws.config(emulator.url, { sync: { maxDeactivations: '10%' } });
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    ws.writeRoster(rows(12)); // a truncated export
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(3);
    expect(report.refused?.reason).toBe(
      'the roster has 12 usable rows, 8 fewer (40%) than the 20 of the last run that applied the roster; sync.maxDeactivations is 10%',
    );
    expect(emulator.writeCount()).toBe(0);
  });

  it('one user failing on every run does not freeze the baseline: a later truncated export is compared with the roster last applied', async () => {
    await emulator.close();
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: team,
      faults: { rules: [{ method: 'POST', every: 1, action: { type: 'status', status: 400 } }] },
    });
    ws.writeRoster([...rows(20), { employee_id: 'N1', email: 'new@example.com', first_name: 'New', last_name: 'Hire' }]);
    const config = ws.config(emulator.url, { sync: { maxDeactivations: '10%' } });
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(1); // the create keeps failing
    ws.writeRoster(rows(17));
    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);
    expect(exitCode).toBe(3);
    expect(report.refused?.reason).toContain('4 fewer (19%) than the 21 of the last run that applied the roster');
  });

  it('too many rejected rows make the roster unusable: exit 2, nothing written', async () => {
    ws.writeRoster([...rows(10), ...[1, 2].map((i) => ({ employee_id: `X${i}`, email: `broken-${i}`, first_name: 'B', last_name: 'R' }))]);
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(2);
    expect(report.refused?.reason).toBe('2 of 12 roster rows were rejected (16.7%), more than source.maxRejectedShare (5%)');
    expect(report.roster?.rejected.map((r) => r.line)).toEqual([12, 13]);
    expect(emulator.requestLog).toHaveLength(0);
  });

  it('a rejected row never gets its user deactivated', async () => {
    const roster = rows(20);
    roster[3] = { ...roster[3]!, email: 'not-an-email' };
    ws.writeRoster(roster);
    const { exitCode, report } = await runSync(ws.config(emulator.url, { source: { maxRejectedShare: 0.1 } }), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(emulator.store.findByUserName('u3@example.com')?.active).toBe(true);
    expect(report.skipped).toContainEqual({ userName: 'u3@example.com', id: expect.any(String), reason: 'rejected-row' });
    expect(emulator.writeCount()).toBe(0);
  });
});
