import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, type SeedGroup, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import { formatPlanTable, formatSummary } from '../../src/report/formatPlanTable.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const HEADER = 'employee_id,email,first_name,last_name,status,department';

/** Rows as `E1 ann Sales` (status active) or `E2 bob - inactive`: id, name (@corp.example), department, status. */
function roster(...rows: string[]): string {
  const lines = rows.map((row) => {
    const [id, name, department = '', status = 'active'] = row.split(' ');
    return [id, `${name}@corp.example`, name, 'Test', status, department === '-' ? '' : department].join(',');
  });
  return [HEADER, ...lines].join('\n') + '\n';
}
const user = (id: string, name: string, over: Partial<SeedUser> = {}): SeedUser => ({
  id: `u-${name}`,
  userName: `${name}@corp.example`,
  givenName: name,
  familyName: 'Test',
  externalId: id,
  ...over,
});

describe('groups: departments become SCIM groups and membership follows the roster', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  const start = async (users: SeedUser[], groups: SeedGroup[] = [], dialect: 'postman' | 'generic' | 'nintex' = 'postman') => {
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false, dialect, users, groups });
  };
  const groupsConfig = (more: Record<string, unknown> = {}) =>
    ws.config(emulator.url, { groups: { from: [{ template: 'Dept - {department}' }, { template: 'All Staff' }], ...more } });
  /** Every group as `name: member userNames`, sorted. */
  const memberships = () =>
    emulator.groups
      .list()
      .map(
        (g) =>
          `${g.displayName}: ${g.members
            .map((id) => emulator.store.get(id)?.userName.split('@')[0] ?? id)
            .sort()
            .join(' ')}`,
      )
      .sort();
  const writes = () => emulator.requestLog.filter((r) => WRITES.has(r.method));

  it('departments become groups with the new hires in them; a department change moves the person; a hand-made group is untouched; the second run plans nothing', async () => {
    await start(
      [user('E1', 'ann'), user('E2', 'bob'), { userName: 'admin@example.com', givenName: 'A', familyName: 'Dmin', id: 'u-admin' }],
      [
        { displayName: 'Dept - Sales', members: ['ann@corp.example', 'bob@corp.example'] },
        { displayName: 'Break-glass', members: ['admin@example.com', 'ann@corp.example'] },
      ],
    );
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Eng', 'E3 cy Eng'));
    const config = groupsConfig({ maxMemberRemovals: 1 });

    const dry = await runSync(config, { dryRun: true }, ws.logger);
    expect(writes()).toEqual([]);
    const table = formatPlanTable(dry.report);
    expect(table).toMatch(/\nremove-members +Dept - Sales +bob@corp\.example +their roster rows name other groups +planned\n/);
    expect(formatSummary(dry.report)).toContain(
      '  groups: create 2, add 0, remove 1, delete 0 (members: 5 added, 1 removed); 3 managed, 1 left alone (2 groups read in 1 page)',
    );

    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(memberships()).toEqual(['All Staff: ann bob cy', 'Break-glass: admin ann', 'Dept - Eng: bob cy', 'Dept - Sales: ann']);
    // The new hire went into the group with the id the create returned; the order is the documented one.
    const order = writes().map((r) => `${r.method} ${r.path.replace(/^.*\/scim\/v2/, '')}`);
    expect(order).toEqual([`PATCH /Groups/${emulator.groups.findByName('Dept - Sales')!.id}`, 'POST /Users', 'POST /Groups', 'POST /Groups']);
    const cy = emulator.store.findByUserName('cy@corp.example')!.id;
    const engCreate = writes().find((r) => (r.body as { displayName?: string }).displayName === 'Dept - Eng')!.body as { members: { value: string }[] };
    expect(engCreate.members.map((m) => m.value)).toEqual(['u-bob', cy]);
    expect(first.report.groups).toMatchObject({ managed: 3, unmanaged: 1, listed: { groups: 2, pages: 1 } });
    expect(first.report.summary.groups).toMatchObject({ 'create-group': { planned: 2, succeeded: 2 }, membersAdded: 5, membersRemoved: 1 });
    const ledger = JSON.parse(readFileSync(join(ws.dir, 'state', 'ledger.json'), 'utf8')) as { groups: Record<string, { displayName: string }> };
    expect(
      Object.values(ledger.groups)
        .map((g) => g.displayName)
        .sort(),
    ).toEqual(['All Staff', 'Dept - Eng', 'Dept - Sales']);

    const before = writes().length;
    const second = await runSync(config, { dryRun: false }, ws.logger);
    expect(second.report.groups?.operations).toEqual([]);
    expect(second.report.result).toBe('nothing to do: the service matches the roster');
    expect(writes().length).toBe(before);
  });

  it('the run keeps the order (deactivations, removals, reactivations, creates, additions), and a rehire whose reactivation fails is not added', async () => {
    await start(
      [user('E1', 'ann'), user('E2', 'bob'), user('E3', 'cy', { active: false }), user('E5', 'ed')],
      [
        { displayName: 'Dept - Sales', members: ['ann@corp.example', 'bob@corp.example', 'ed@corp.example'] },
        { displayName: 'Dept - Eng', members: [] },
      ],
    );
    // bob leaves, cy is rehired into Eng (but the service refuses his reactivation), dee is hired into Eng, ed moves to Eng.
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales inactive', 'E3 cy Eng', 'E4 dee Eng', 'E5 ed Eng'));
    emulator.setFaults({
      rules: [{ method: 'PATCH', pathPattern: '/Users/u-cy$', every: 1, action: { type: 'status', status: 400, detail: 'seat limit reached' } }],
    });
    const config = groupsConfig({ from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' });

    const { exitCode, report } = await runSync(config, { dryRun: false }, ws.logger);

    expect(exitCode).toBe(1); // cy's reactivation failed
    const sales = emulator.groups.findByName('Dept - Sales')!.id;
    const eng = emulator.groups.findByName('Dept - Eng')!.id;
    expect(writes().map((r) => `${r.method} ${r.path.replace(/^.*\/scim\/v2/, '')} ${r.status}`)).toEqual([
      'PATCH /Users/u-bob 200',
      `PATCH /Groups/${sales} 200`,
      'PATCH /Users/u-cy 400',
      'POST /Users 201',
      `PATCH /Groups/${eng} 200`,
    ]);
    expect(memberships()).toEqual(['Dept - Eng: dee ed', 'Dept - Sales: ann']);
    const added = report.groups!.operations.find((o) => o.op === 'add-members')!;
    expect(added).toMatchObject({ group: 'Dept - Eng', outcome: 'succeeded' });
    expect(added.detail).toContain('cy@corp.example (their reactivation did not succeed; the next run adds them)');

    // Once the reactivation goes through, the next run adds cy.
    emulator.setFaults(undefined);
    await runSync(config, { dryRun: false }, ws.logger);
    expect(memberships()).toEqual(['Dept - Eng: cy dee ed', 'Dept - Sales: ann']);
  });

  it('groups.deleteEmpty deletes an emptied group only once every removal went through and the service shows it empty', async () => {
    await start([user('E1', 'ann'), user('E2', 'bob')]);
    const config = groupsConfig({ from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%', deleteEmpty: true });
    ws.writeRosterText(roster('E1 ann Old', 'E2 bob Old'));
    await runSync(config, { dryRun: false }, ws.logger);
    const old = emulator.groups.findByName('Dept - Old')!.id;

    // Both move: Dept - Old empties. Its removal PATCH fails, so it is not deleted.
    ws.writeRosterText(roster('E1 ann New', 'E2 bob New'));
    emulator.setFaults({
      rules: [{ method: 'PATCH', pathPattern: `/Groups/${old}$`, every: 1, action: { type: 'status', status: 400, detail: 'try later' } }],
    });
    const failed = await runSync(config, { dryRun: false }, ws.logger);
    expect(writes().filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(failed.report.groups!.operations.find((o) => o.op === 'delete-group')).toMatchObject({
      group: 'Dept - Old',
      outcome: 'skipped',
      detail: expect.stringContaining('removing its members did not fully succeed'),
    });
    expect(memberships()).toEqual(['Dept - New: ann bob', 'Dept - Old: ann bob']);

    // A service that answers the removal 200 but keeps the members: the group is read before the
    // DELETE, still holds them, and stays.
    emulator.setFaults({ rules: [{ method: 'PATCH', pathPattern: `/Groups/${old}$`, every: 1, action: { type: 'reply', status: 200, body: {} } }] });
    const kept = await runSync(config, { dryRun: false }, ws.logger);
    expect(kept.report.groups!.operations.find((o) => o.op === 'delete-group')).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringContaining('still shows 2 member(s)'),
    });
    expect(writes().filter((r) => r.method === 'DELETE')).toEqual([]);
    expect(memberships()).toEqual(['Dept - New: ann bob', 'Dept - Old: ann bob']);

    // A member who isn't ours (made by hand, another domain) keeps the group from being planned empty at all.
    emulator.setFaults(undefined);
    const carl = emulator.store.add({ userName: 'carl@elsewhere.example', givenName: 'Carl', familyName: 'Hand' });
    emulator.groups.get(old)!.members.push(carl.id);
    const withCarl = await runSync(config, { dryRun: false }, ws.logger);
    expect(withCarl.report.groups!.operations.map((o) => o.op)).toEqual(['remove-members']);
    expect(memberships()).toEqual(['Dept - New: ann bob', 'Dept - Old: carl']);

    // Empty at last: deleted.
    emulator.groups.get(old)!.members.length = 0;
    await runSync(config, { dryRun: false }, ws.logger);
    expect(
      writes()
        .filter((r) => r.method === 'DELETE')
        .map((r) => r.path.replace(/^.*\/scim\/v2/, '')),
    ).toEqual([`/Groups/${old}`]);
    expect(memberships()).toEqual(['Dept - New: ann bob']);
  });

  it('a leaver leaves every managed group when deactivated, and a rehire gets their groups back', async () => {
    await start([user('E1', 'ann'), user('E2', 'bob')]);
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales'));
    const config = groupsConfig({ maxMemberRemovals: '100%' });
    await runSync(config, { dryRun: false }, ws.logger);
    expect(memberships()).toEqual(['All Staff: ann bob', 'Dept - Sales: ann bob']);

    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales inactive'));
    const leaver = await runSync(config, { dryRun: false }, ws.logger);
    expect(leaver.exitCode).toBe(0);
    expect(emulator.store.get('u-bob')?.active).toBe(false);
    expect(memberships()).toEqual(['All Staff: ann', 'Dept - Sales: ann']);
    expect(leaver.report.groups?.operations.map((o) => `${o.op} ${o.group} ${o.members.map((m) => m.reason).join()}`)).toEqual([
      'remove-members All Staff leaver',
      'remove-members Dept - Sales leaver',
    ]);

    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales'));
    const rehire = await runSync(config, { dryRun: false }, ws.logger);
    expect(rehire.report.operations.map((o) => o.op)).toEqual(['reactivate']);
    expect(memberships()).toEqual(['All Staff: ann bob', 'Dept - Sales: ann bob']);
  });

  it('an adopted group’s extra members are removed only within groups.maxMemberRemovals: beyond it the run is refused (exit 3) with the plan, and --allow-member-removals lets it through', async () => {
    await start(
      ['ann', 'bob', 'cy', 'dee'].map((n, i) => user(`E${i + 1}`, n)),
      [{ displayName: 'Dept - Sales', members: ['ann@corp.example', 'bob@corp.example', 'cy@corp.example', 'dee@corp.example'] }],
    );
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Eng', 'E3 cy Eng', 'E4 dee Eng'));
    const config = ws.config(emulator.url, { groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '50%' } });

    const refused = await runSync(config, { dryRun: false }, ws.logger);
    expect(refused.exitCode).toBe(3);
    expect(refused.report.refused?.reason).toBe(
      'the plan removes 3 members from managed groups, more than groups.maxMemberRemovals allows (2 = 50% of 4 managed memberships)',
    );
    expect(refused.report.refused?.howToProceed).toContain('--allow-member-removals 3');
    // Plan files carry user operations only: `apply` could not approve these removals, so it is not offered.
    expect(refused.report.refused?.howToProceed).not.toContain('scim-sync apply');
    expect(refused.report.planFile).toBeUndefined();
    expect(refused.report.groups?.operations).toEqual([
      expect.objectContaining({
        op: 'remove-members',
        group: 'Dept - Sales',
        outcome: 'planned',
        members: expect.arrayContaining([{ userName: 'bob@corp.example', reason: 'not-named-by-row' }]),
      }),
      expect.objectContaining({ op: 'create-group', group: 'Dept - Eng', outcome: 'planned' }),
    ]);
    expect(writes()).toEqual([]);

    const allowed = await runSync(config, { dryRun: false, allowMemberRemovals: 3 }, ws.logger);
    expect(allowed.exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Eng: bob cy dee', 'Dept - Sales: ann']);
  });

  it('membership requests are chunked at groups.membersPerRequest, and the run costs exactly ⌈U/P⌉ + ⌈G/P⌉ + user writes + group writes', async () => {
    const names = Array.from({ length: 7 }, (_, i) => `p${i}`);
    await start(
      names.slice(0, 5).map((n, i) => user(`E${i}`, n)),
      [{ displayName: 'Dept - Old', members: names.slice(0, 5).map((n) => `${n}@corp.example`) }],
    );
    ws.writeRosterText(roster(...names.map((n, i) => `E${i} ${n} New`)));
    const config = ws.config(emulator.url, {
      target: { pageSize: 2 },
      groups: { from: [{ template: 'Dept - {department}' }, { template: 'Dept - Old' }], membersPerRequest: 3 },
    });
    // Old: 2 additions (p5, p6) → 1 PATCH. New: 7 members, 3 in the POST, then 3 + 1 → 1 create + 2 PATCHes.
    const result = await runSync(config, { dryRun: false }, ws.logger);
    expect(result.exitCode).toBe(0);
    const patches = emulator.requestLog
      .filter((r) => r.method === 'PATCH')
      .map((r) => (r.body as { operations: { value: unknown[] }[] }).operations[0]!.value.length);
    expect(patches.sort()).toEqual([1, 2, 3]);
    const posted = emulator.requestLog.find((r) => r.method === 'POST' && r.path.endsWith('/Groups'))!.body as { members: unknown[] };
    expect(posted.members).toHaveLength(3);
    // U = 5 users at P = 2: 3 page reads; G = 1 group: 1; 2 user creates; group writes 1 + 1 + 2.
    const reads = emulator.requestLog.filter((r) => r.method === 'GET' && /\/(Users|Groups)$/.test(r.path)).length;
    const discovery = emulator.requestLog.filter((r) => /ServiceProviderConfig|ResourceTypes/.test(r.path)).length;
    expect({ reads, writes: writes().length, discovery, total: emulator.requestLog.length }).toEqual({ reads: 3 + 1, writes: 2 + 4, discovery: 2, total: 12 });
    expect(memberships()).toEqual([`Dept - New: ${names.join(' ')}`, `Dept - Old: ${names.join(' ')}`]);
  });

  it('a 409 on a group create (its answer lost, the retry finds it made) adopts the group; a 404 on a PATCH is recorded and the next run creates the group again', async () => {
    await start([user('E1', 'ann'), user('E2', 'bob')], [{ displayName: 'Dept - Eng', members: ['bob@corp.example'] }]);
    emulator.setFaults({ rules: [{ method: 'POST', pathPattern: '/Groups$', times: 1, action: { type: 'commitThenDrop' } }] });
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Eng'));
    const config = ws.config(emulator.url, { groups: { from: [{ template: 'Dept - {department}' }] } });
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(first.report.groups?.operations).toEqual([
      expect.objectContaining({ op: 'create-group', group: 'Dept - Sales', outcome: 'succeeded', adopted: true }),
    ]);
    expect(memberships()).toEqual(['Dept - Eng: bob', 'Dept - Sales: ann']);

    // Someone deletes Dept - Eng by hand while the next run is on its way: its PATCH meets 404.
    ws.writeRosterText(roster('E1 ann Eng', 'E2 bob Eng'));
    const eng = emulator.groups.findByName('Dept - Eng')!;
    emulator.setFaults({
      rules: [{ method: 'PATCH', pathPattern: `/Groups/${eng.id}$`, times: 1, action: { type: 'status', status: 404, detail: 'This group doesn’t exist.' } }],
    });
    const second = await runSync(config, { dryRun: false, allowMemberRemovals: 1 }, ws.logger);
    expect(second.exitCode).toBe(1);
    expect(second.report.groups?.operations).toEqual([
      expect.objectContaining({ op: 'remove-members', group: 'Dept - Sales', outcome: 'succeeded' }),
      expect.objectContaining({
        op: 'add-members',
        group: 'Dept - Eng',
        outcome: 'failed',
        httpStatus: 404,
        detail: expect.stringContaining('the next run creates it again'),
      }),
    ]);
    emulator.groups.remove(eng.id);
    emulator.setFaults(undefined);
    const third = await runSync(config, { dryRun: false }, ws.logger);
    expect(third.exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Eng: ann bob', 'Dept - Sales: ']);
  });

  it('names that differ only in case: Postman compares them exactly, so "Dept - sales" is a second group beside a hand-made "Dept - Sales"', async () => {
    await start([user('E1', 'ann')], [{ displayName: 'Dept - Sales' }]);
    ws.writeRosterText(roster('E1 ann sales'));
    const result = await runSync(ws.config(emulator.url, { groups: { from: [{ template: 'Dept - {department}' }] } }), { dryRun: false }, ws.logger);
    expect(result.exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Sales: ', 'Dept - sales: ann']);
  });

  it('generic (RFC 7644): the same names are one group, the hand-made one is adopted', async () => {
    await start([user('E1', 'ann')], [{ displayName: 'Dept - Sales' }], 'generic');
    ws.writeRosterText(roster('E1 ann sales'));
    const config = ws.config(emulator.url, { target: { provider: 'generic' }, groups: { from: [{ template: 'Dept - {department}' }] } });
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Sales: ann']);
    const body = emulator.requestLog.find((r) => r.method === 'PATCH')!.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['schemas', 'Operations']); // RFC spelling; Postman's is `operations` (seed 002)
  });

  it('with SCIM Bulk on, group creates and membership changes travel in Bulk requests of their own, new hires’ ids included, and converge', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      rateLimit: false,
      dialect: 'generic',
      bulk: { maxOperations: 100 },
      users: [user('E1', 'ann'), user('E2', 'bob')],
      groups: [{ displayName: 'Dept - Eng', members: ['ann@corp.example', 'bob@corp.example'] }],
    });
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales', 'E3 cy Eng'));
    const config = ws.config(emulator.url, {
      target: { provider: 'generic' },
      groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' },
    });
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Eng: cy', 'Dept - Sales: ann bob']);
    // Every write went in a Bulk request; none mixes users and groups.
    expect(writes().map((r) => `${r.method} ${r.path.replace(/^.*\/scim\/v2/, '')}`)).toEqual(['POST /Bulk', 'POST /Bulk', 'POST /Bulk', 'POST /Bulk']);
    const bulkPaths = writes().map((r) =>
      (r.body as { Operations: { method: string; path: string }[] }).Operations.map((o) => `${o.method} ${o.path.split('/')[1]}`),
    );
    expect(bulkPaths).toEqual([['PATCH Groups'], ['POST Users'], ['POST Groups'], ['PATCH Groups']]);
    const before = writes().length;
    expect((await runSync(config, { dryRun: false }, ws.logger)).report.groups?.operations).toEqual([]);
    expect(writes().length).toBe(before);
  });

  it('a service without groups is a clear error (exit 2) and nothing is sent', async () => {
    await start([user('E1', 'ann')], [], 'nintex');
    ws.writeRosterText(roster('E1 ann Sales'));
    const config = ws.config(emulator.url, { target: { provider: 'generic' }, groups: { from: [{ template: 'Dept - {department}' }] } });
    const result = await runSync(config, { dryRun: false }, ws.logger);
    expect(result.exitCode).toBe(2);
    expect(result.report.error).toContain('the service has no groups (its /ResourceTypes lists User, no Group)');
    expect(writes()).toEqual([]);
  });

  it('a listing that moves while it is read (a page that repeats a group) is read again from page 1, so a managed group it skipped is still emptied of the people who left it', async () => {
    await start([user('E1', 'ann'), user('E2', 'bob')]);
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Zoo'));
    const config = ws.config(emulator.url, { target: { pageSize: 1 }, groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' } });
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    expect(memberships()).toEqual(['Dept - Sales: ann', 'Dept - Zoo: bob']);

    // bob moves to Sales; Dept - Zoo is now only in the ledger. Page 2 of the listing serves page 1 again once.
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales'));
    emulator.setFaults({ rules: [{ method: 'GET', pathPattern: '/Groups$', every: 2, times: 1, action: { type: 'shiftPage', by: 1 } }] });
    const moved = await runSync(config, { dryRun: false }, ws.logger);
    expect(moved.exitCode).toBe(0);
    expect(moved.report.groups?.operations.map((o) => `${o.op} ${o.group} ${o.outcome}`)).toEqual([
      'remove-members Dept - Zoo succeeded',
      'add-members Dept - Sales succeeded',
    ]);
    expect(memberships()).toEqual(['Dept - Sales: ann bob', 'Dept - Zoo: ']);
    expect(ws.logLines.join('\n')).toContain('the group listing changed while it was read; reading it again from page 1');
  });

  it('a group listing that can’t be complete (a totalResults that lags behind the pages) stops the run before anything is sent', async () => {
    await start(
      [user('E1', 'ann'), user('E2', 'bob')],
      [
        { displayName: 'Dept - Sales', members: ['ann@corp.example'] },
        { displayName: 'Dept - Zoo', members: ['bob@corp.example'] },
      ],
    );
    emulator.setFaults({ rules: [{ method: 'GET', pathPattern: '/Groups$', action: { type: 'misreportTotal', totalResults: 1 } }] });
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales', 'E3 cy Sales'));
    const config = ws.config(emulator.url, { target: { pageSize: 1 }, groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' } });
    const result = await runSync(config, { dryRun: false }, ws.logger);
    expect(result.exitCode).toBe(1);
    expect(result.report.error).toContain(
      "reading groups from the service failed: page 1 announced totalResults 1, but 2 groups were read in 3 pages: the service's count and its pages disagree",
    );
    expect(result.report.result).toBe(`the run failed before planning: ${result.report.error}; nothing was changed`);
    expect(writes()).toEqual([]);
  });

  it('a service that lists groups without members (RFC 7644 allows it): managed groups are read one by one, a leaver is removed, nobody is re-added, and hand-made groups are never read', async () => {
    emulator = await startEmulator({
      token: TEST_TOKEN,
      rateLimit: false,
      quirks: { omitGroupMembersInLists: true },
      users: [user('E1', 'ann'), user('E2', 'bob'), { userName: 'admin@example.com', givenName: 'A', familyName: 'Dmin', id: 'u-admin' }],
      groups: [
        { id: 'g-sales', displayName: 'Dept - Sales', members: ['ann@corp.example', 'bob@corp.example'] },
        { id: 'g-glass', displayName: 'Break-glass', members: ['admin@example.com', 'bob@corp.example'] },
      ],
    });
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales inactive'));
    const config = ws.config(emulator.url, { groups: { from: [{ template: 'Dept - {department}' }], maxMemberRemovals: '100%' } });
    const groupReads = () => emulator.requestLog.filter((r) => r.method === 'GET' && /\/Groups\/[^/]+$/.test(r.path)).map((r) => r.path.split('/').pop());

    const leaver = await runSync(config, { dryRun: false }, ws.logger);
    expect(leaver.exitCode).toBe(0);
    expect(leaver.report.groups?.operations.map((o) => `${o.op} ${o.group} ${o.members.map((m) => `${m.userName} ${m.reason}`).join()}`)).toEqual([
      'remove-members Dept - Sales bob@corp.example leaver',
    ]);
    expect(memberships()).toEqual(['Break-glass: admin bob', 'Dept - Sales: ann']);
    expect(groupReads()).toEqual(['g-sales']);

    const again = await runSync(config, { dryRun: false }, ws.logger);
    expect(again.report.groups?.operations).toEqual([]);
    expect(groupReads()).toEqual(['g-sales', 'g-sales']);
  });

  for (const [status, scimType] of [
    [501, undefined],
    [405, undefined],
    [400, 'invalidPath'],
  ] as const) {
    it(`a service whose GET /Groups answers ${status}${scimType ? ` ${scimType}` : ''} has no groups: exit 2 and nothing is sent`, async () => {
      await start([user('E1', 'ann')]);
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), scimType, detail: 'Groups are not supported.' };
      emulator.setFaults({ rules: [{ method: 'GET', pathPattern: '/Groups$', action: { type: 'reply', status, body } }] });
      ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales'));
      const result = await runSync(groupsConfig(), { dryRun: false }, ws.logger);
      expect(result.exitCode).toBe(2);
      expect(result.report.error).toContain(
        `the service has no groups (GET /Groups answered ${status}${scimType ? ` ${scimType}` : ''}: "Groups are not supported.")`,
      );
      expect(result.report.result).toBe('the service has no /Groups; nothing was sent');
      expect(writes()).toEqual([]);
    });
  }

  it('a GET /Groups answered 403 is a stop of its own: the token may not read groups, with the status and the service’s detail (exit 2, nothing sent)', async () => {
    await start([user('E1', 'ann')]);
    emulator.setFaults({
      rules: [{ method: 'GET', pathPattern: '/Groups$', action: { type: 'status', status: 403, detail: 'This API key may not manage groups.' } }],
    });
    ws.writeRosterText(roster('E1 ann Sales', 'E2 bob Sales'));
    const result = await runSync(groupsConfig(), { dryRun: false }, ws.logger);
    expect(result.exitCode).toBe(2);
    expect(result.report.error).toContain('the service refused to list groups: GET /Groups answered 403');
    expect(result.report.error).toContain('"This API key may not manage groups."');
    expect(result.report.error).toContain("Give the token's account permission to manage groups");
    expect(result.report.result).toBe('the token may not read /Groups; nothing was sent');
    expect(writes()).toEqual([]);
  });

  it('nintex refuses groups in the config, saying to map roles instead', () => {
    ws.writeRosterText(roster('E1 ann Sales'));
    ws.writeConfig('https://nintex.example/scim', { target: { provider: 'nintex' }, groups: { from: [{ column: 'department' }] } });
    expect(() => ws.loadWrittenConfig()).toThrow(/groups.*Nintex Process Manager has no \/Groups resource.*map roles instead/s);
  });
});
