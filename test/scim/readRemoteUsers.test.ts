import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/faults.js';
import { type EmulatorOptions, type RunningEmulator, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { type RosterRow, TEST_TOKEN, Workspace } from '../support/workspace.js';

/**
 * When scim-sync can't be sure it saw the whole user list, it does not plan on it: the run stops
 * before any write (exit 1) and the report says what was wrong. Each scenario is a way a real
 * service's paging goes wrong, played by the emulator.
 */
describe('reading the service’s users when its paging can’t be trusted', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  beforeEach(() => {
    ws = new Workspace();
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });

  /** u0 … u(n-1), with fixed ids so hand-made pages can name them. */
  const team = (n: number): SeedUser[] =>
    Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
  const rowOf = (u: SeedUser): RosterRow => ({ employee_id: u.externalId!, email: u.userName, first_name: u.givenName!, last_name: u.familyName! });
  const listGets = () => emulator.requestLog.filter((r) => r.method === 'GET' && r.path.endsWith('/Users') && r.query.filter === undefined);
  const listFault = (action: FaultRule['action'], rule: Partial<FaultRule> = {}): FaultRule => ({
    method: 'GET',
    pathPattern: '/Users$',
    every: 1,
    ...rule,
    action,
  });
  const start = (options: EmulatorOptions) => startEmulator({ token: TEST_TOKEN, maxPageSize: 10, ...options });

  async function expectFailedRead(error: string | RegExp) {
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(emulator.writeCount()).toBe(0);
    // The result says why (the same words as `error`), so a listing of results needs no second field.
    expect(report.result).toBe(`the run failed before planning: ${report.error}; nothing was changed`);
    if (typeof error === 'string') expect(report.error).toContain(error);
    else expect(report.error).toMatch(error);
    expect(report.operations).toEqual([]);
    return report;
  }

  describe('a totalResults that disagrees with the pages', () => {
    // 40 users, 35 of them in HR: 5 leavers. Announcing 10, the old pager stopped after page 1
    // and planned 25 creates while the 5 leavers kept their access.
    const users = team(40);
    const cases: Array<[announced: number, error: string]> = [
      [10, 'paging did not end after 4 pages: page 1 announced totalResults 10, 40 users were read and the service still returns full pages'],
      [35, 'page 1 announced totalResults 35, but 40 users were read in 5 pages'],
    ];
    for (const [announced, error] of cases) {
      it(`a service announcing ${announced} users while it pages out 40 fails the read: a full page is always followed by one more, and the count must match`, async () => {
        emulator = await start({ users, faults: { rules: [listFault({ type: 'misreportTotal', totalResults: announced })] } });
        ws.writeRoster(users.slice(0, 35).map(rowOf));
        await expectFailedRead(error);
        expect(emulator.store.list().filter((u) => u.active)).toHaveLength(40);
      });
    }

    it('a list whose last page is full costs one more page read, which finds nothing, and the run goes on', async () => {
      emulator = await start({ users });
      ws.writeRoster(users.map(rowOf));
      const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(0);
      expect(report.remote).toEqual({ users: 40, pages: 5 });
      expect(listGets().map((r) => r.query.startIndex)).toEqual(['1', '11', '21', '31', '41']);
    });
  });

  describe('a user resource without id or userName', () => {
    // Page 2 handed out by hand: users 10–19 with one of them broken. u13 has left (not in HR):
    // dropped silently, it would keep its access.
    const users = team(40);
    const resource = (u: SeedUser) => ({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      id: u.id,
      userName: u.userName,
      externalId: u.externalId,
      name: { givenName: u.givenName, familyName: u.familyName },
      active: true,
    });
    const pageTwoWith = (broken: Record<string, unknown>) => ({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 40,
      startIndex: 11,
      itemsPerPage: 10,
      Resources: users.slice(10, 20).map((u, i) => (i === 3 ? broken : resource(u))),
    });
    const { id: _id, ...withoutId } = resource(users[13]!);
    const { userName: _userName, ...withoutUserName } = resource(users[13]!);
    const cases: Array<[what: string, broken: Record<string, unknown>, error: string]> = [
      ['no id', withoutId, 'GET /Users?startIndex=11 (page 2): Resources[3] has no id (userName "u13@example.com")'],
      ['no userName', withoutUserName, 'GET /Users?startIndex=11 (page 2): Resources[3] has no userName (id "id-13")'],
    ];
    for (const [what, broken, error] of cases) {
      it(`a resource with ${what} fails the read naming the page and the index, instead of being dropped`, async () => {
        emulator = await start({ users, faults: { rules: [listFault({ type: 'reply', status: 200, body: pageTwoWith(broken) }, { every: 2, times: 1 })] } });
        ws.writeRoster(users.filter((u) => u.userName !== 'u13@example.com').map(rowOf));
        const report = await expectFailedRead(error);
        expect(report.error).toContain('Fix or remove that user on the service');
      });
    }
  });

  describe('a list that moves while it is read', () => {
    const users = team(40);
    // u18 and u19 have left. Page 2 served two places early (an unstable order) repeats u8, u9
    // and leaves them out: the old pager never saw them, and they kept their access.
    const leaversSkippedByTheShift = () => {
      ws.writeRoster(users.filter((u) => !['u18@example.com', 'u19@example.com'].includes(u.userName)).map(rowOf));
    };

    it('the same id on two pages makes it read the list again from page 1, logged, and the leavers it skipped are deactivated', async () => {
      emulator = await start({ users, faults: { rules: [listFault({ type: 'shiftPage', by: 2 }, { every: 2, times: 1 })] } });
      leaversSkippedByTheShift();
      const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(0);
      expect(report.remote).toEqual({ users: 40, pages: 2 + 5 });
      expect(report.operations.map((o) => `${o.op}:${o.userName}:${o.outcome}`)).toEqual([
        'deactivate:u18@example.com:succeeded',
        'deactivate:u19@example.com:succeeded',
      ]);
      expect(ws.logLines.join('\n')).toMatch(
        /the user list changed while it was read; reading it again from page 1 \(re-read 1 of at most 2, target.maxRereads\)/,
      );
    });

    it('a list that keeps moving on every read fails the read after target.maxRereads re-reads, saying so', async () => {
      emulator = await start({ users, faults: { rules: [listFault({ type: 'shiftPage', by: 2 }, { every: 2 })] } });
      leaversSkippedByTheShift();
      await expectFailedRead(
        /\(page 2\) holds 2 user\(s\) already read on an earlier page \(e\.g\. id id-8, u8@example\.com, first read at startIndex 1\).*changed during 3 read\(s\) in a row \(target\.maxRereads: 2\)/,
      );
      expect(listGets()).toHaveLength(6);
    });

    // A leaver (u2) is deleted by hand between page 1 and page 2, so everything after moves up one
    // place and page 2 starts one user late: u5 is never read. HR renamed u5 (same externalId, new
    // email): planned on that read, u5 became a create the service accepted — two accounts for E5.
    const renamedInHr = (all: SeedUser[], { u2Left }: { u2Left: boolean }) =>
      all
        .filter((u) => !u2Left || u.userName !== 'u2@example.com')
        .map((u) => (u.userName === 'u5@example.com' ? { ...rowOf(u), email: 'u5.new@example.com' } : rowOf(u)));

    it('a user deleted between two pages changes totalResults: the list is read again and the renamed user is renamed, not created twice', async () => {
      const ten = team(10);
      emulator = await start({
        users: ten,
        maxPageSize: 5,
        faults: { rules: [listFault({ type: 'changeTeam', remove: ['u2@example.com'] }, { every: 2, times: 1 })] },
      });
      ws.writeRoster(renamedInHr(ten, { u2Left: true }));
      const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(0);
      expect(report.operations.map((o) => `${o.op}:${o.userName}:${o.outcome}`)).toEqual(['update:u5@example.com:succeeded']);
      expect(emulator.requestLog.filter((r) => r.method === 'POST')).toEqual([]);
      expect(
        emulator.store
          .list()
          .filter((u) => u.externalId === 'E5')
          .map((u) => u.userName),
      ).toEqual(['u5.new@example.com']);
      expect(ws.logLines.join('\n')).toContain('says totalResults 9, page 1 said 10');
    });

    it('when a user is deleted and another added between two pages (the count stays the same), a create first asks for its externalId and renames the account it finds', async () => {
      const ten = team(10);
      emulator = await start({
        users: ten,
        maxPageSize: 5,
        dialect: 'generic',
        faults: {
          rules: [
            listFault(
              { type: 'changeTeam', remove: ['u2@example.com'], add: [{ userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' }] },
              { every: 2, times: 1 },
            ),
          ],
        },
      });
      // u2 is still in HR here: this read saw it on page 1, so it is left alone rather than deactivated (and found gone).
      ws.writeRoster(renamedInHr(ten, { u2Left: false }));
      const { exitCode, report } = await runSync(ws.config(emulator.url, { target: { provider: 'generic' } }), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(0);
      expect(report.operations).toEqual([
        expect.objectContaining({ op: 'create', userName: 'u5.new@example.com', outcome: 'succeeded', adopted: true, id: 'id-5' }),
      ]);
      expect(emulator.requestLog.filter((r) => r.method === 'POST')).toEqual([]);
      expect(emulator.requestLog.filter((r) => r.query.filter !== undefined).map((r) => r.query.filter)).toEqual(['externalId eq "E5"']);
      expect(
        emulator.store
          .list()
          .filter((u) => u.externalId === 'E5')
          .map((u) => u.userName),
      ).toEqual(['u5.new@example.com']);
    });
  });

  describe('a service that keeps inventing users', () => {
    const users = team(20);

    it('paging stops at a ceiling derived from page 1’s totalResults and the read fails, instead of paging and growing for ever', async () => {
      emulator = await start({ users, maxPageSize: 5, faults: { rules: [listFault({ type: 'inventUsers' })] } });
      ws.writeRoster(users.map(rowOf));
      // 20 users at 5 a page: 4 pages, one more after the full last one, and a margin of 2.
      await expectFailedRead(
        'paging did not end after 7 pages: page 1 announced totalResults 20, 35 users were read and the service still returns full pages (the limit is 7 pages',
      );
      expect(listGets()).toHaveLength(7);
    });

    it('target.maxPages caps paging below that ceiling, and the error names the key', async () => {
      emulator = await start({ users, maxPageSize: 5, faults: { rules: [listFault({ type: 'inventUsers' })] } });
      ws.writeRoster(users.map(rowOf));
      const { exitCode, report } = await runSync(ws.config(emulator.url, { target: { maxPages: 3 } }), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(1);
      expect(emulator.writeCount()).toBe(0);
      expect(report.error).toContain('paging did not end after 3 pages');
      expect(report.error).toContain('the limit is target.maxPages, 3');
      expect(listGets()).toHaveLength(3);
    });
  });
});
