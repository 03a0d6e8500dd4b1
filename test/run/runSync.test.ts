import { describe, expect } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { test } from '../support/fixtures.js';
import { TEST_TOKEN } from '../support/workspace.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

describe('runSync against the built-in emulator', () => {
  const names = (emulator: RunningEmulator) =>
    emulator.store
      .list()
      .map((u) => `${u.userName}|${u.givenName} ${u.familyName}|${u.active ? 'active' : 'inactive'}`)
      .sort();

  test('an initial load into an empty team creates every active roster user', async ({ ws, emulators }) => {
    const emulator = await emulators.start();
    ws.writeRoster([
      { employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      { employee_id: 'E2', email: 'alan@example.com', first_name: 'Alan', last_name: 'Turing' },
      { employee_id: 'E3', email: 'left@example.com', first_name: 'Left', last_name: 'Already', status: 'terminated' },
    ]);
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(names(emulator)).toEqual(['ada@example.com|Ada Lovelace|active', 'alan@example.com|Alan Turing|active']);
    expect(emulator.store.findByUserName('ada@example.com')?.externalId).toBe('E1');
    expect(report.summary.create).toEqual({ planned: 2, succeeded: 2 });
    expect(report.operations.map((o) => [o.op, o.userName, o.outcome])).toEqual([
      ['create', 'ada@example.com', 'succeeded'],
      ['create', 'alan@example.com', 'succeeded'],
    ]);
  });

  test('mixed changes are all applied in one run and a second run sends no write', async ({ ws, emulators }) => {
    const emulator = await emulators.start({
      users: [
        { userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' },
        { userName: 'bob@example.com', givenName: 'Robert', familyName: 'Brown', externalId: 'E2' },
        { userName: 'carol@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E3', active: false },
        { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' },
        { userName: 'erin@example.com', givenName: 'Erin', familyName: 'Evans', externalId: 'E5' },
      ],
    });
    ws.writeRoster([
      { employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' },
      { employee_id: 'E2', email: 'bob@example.com', first_name: 'Bob', last_name: 'Brown' },
      { employee_id: 'E3', email: 'carol@example.com', first_name: 'Carol', last_name: 'Chen-Lee' },
      { employee_id: 'E5', email: 'erin@example.com', first_name: 'Erin', last_name: 'Evans', status: 'Terminated' },
    ]);
    const config = ws.config(emulator.url);
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(first.exitCode).toBe(0);
    expect(names(emulator)).toEqual([
      'ada@example.com|Ada Lovelace|active',
      'admin@example.com|Team Admin|active',
      'bob@example.com|Bob Brown|active',
      'carol@example.com|Carol Chen-Lee|active',
      'dave@example.com|Dave Diaz|inactive',
      'erin@example.com|Erin Evans|inactive',
    ]);
    expect(first.report.operations.map((o) => `${o.op}:${o.userName}`)).toEqual([
      'deactivate:dave@example.com',
      'deactivate:erin@example.com',
      'reactivate:carol@example.com',
      'update:bob@example.com',
      'create:ada@example.com',
    ]);
    // Leavers lose access first: the PATCHes for Dave and Erin precede every other write.
    const writes = emulator.requestLog.filter((r) => WRITES.has(r.method));
    expect(writes.slice(0, 2).map((w) => w.method)).toEqual(['PATCH', 'PATCH']);
    expect(writes.slice(0, 2).map((w) => w.body)).toEqual([
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    ]);

    const writesBefore = emulator.writeCount();
    const second = await runSync(config, { dryRun: false }, ws.logger);
    expect(second.exitCode).toBe(0);
    expect(emulator.writeCount()).toBe(writesBefore);
    expect(second.report.operations).toEqual([]);
    expect(second.report.result).toBe('nothing to do: the service matches the roster');
  });

  test('a dry run reads everything, plans the changes and sends no write', async ({ ws, emulators }) => {
    const emulator = await emulators.start({
      users: [{ userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' }],
    });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: true }, ws.logger);
    expect(exitCode).toBe(0);
    expect(emulator.writeCount()).toBe(0);
    expect(emulator.requestLog.every((r) => r.method === 'GET')).toBe(true);
    expect(report.dryRun).toBe(true);
    expect(report.operations.map((o) => [o.op, o.userName, o.outcome])).toEqual([
      ['deactivate', 'dave@example.com', 'planned'],
      ['create', 'ada@example.com', 'planned'],
    ]);
  });

  test('a service that caps the page below pageSize is still read completely', async ({ ws, emulators }) => {
    const users = Array.from({ length: 23 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
    const emulator = await emulators.start({ users, maxPageSize: 5 });
    ws.writeRoster(users.map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName })));
    const { exitCode, report } = await runSync(ws.config(emulator.url, { target: { pageSize: 100 } }), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(report.remote).toEqual({ users: 23, pages: 5 });
    expect(report.operations).toEqual([]);
    const pages = emulator.requestLog.filter((r) => r.path.endsWith('/Users'));
    expect(pages.map((r) => r.query.startIndex)).toEqual(['1', '6', '11', '16', '21']);
  });

  test('a server that returns page 1 again past the end and omits itemsPerPage is tolerated', async ({ ws, emulators }) => {
    const users = Array.from({ length: 4 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
    const emulator = await emulators.start({ users, maxPageSize: 2, quirks: { repeatFirstPageBeyondEnd: true, omitItemsPerPage: true } });
    ws.writeRoster(users.map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName })));
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(report.remote?.users).toBe(4);
    expect(emulator.writeCount()).toBe(0);
  });

  const badSecondPages: Array<[scenario: string, body: unknown, error: string]> = [
    [
      'a page answered 200 with something that is not a user list',
      { message: 'maintenance' },
      'GET /Users?startIndex=3 answered with something that is not a SCIM ListResponse',
    ],
    [
      'an empty page before totalResults is reached',
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 6, Resources: [] },
      'returned an empty page, but totalResults is 6 and 2 were read',
    ],
  ];
  for (const [scenario, body, error] of badSecondPages) {
    test(`${scenario} stops the run before any write, saying which page: users it never saw are not planned as new hires`, async ({ ws, emulators }) => {
      const users = Array.from({ length: 6 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
      const emulator = await emulators.start({
        users,
        maxPageSize: 2,
        faults: { rules: [{ method: 'GET', pathPattern: '/Users$', every: 2, times: 1, action: { type: 'reply', status: 200, body } }] },
      });
      ws.writeRoster(users.map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName })));
      const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
      expect(exitCode).toBe(1);
      expect(report.error).toContain(error);
      expect(emulator.writeCount()).toBe(0);
    });
  }

  test('with sync.fullReadEvery, a cycle whose roster and settings are unchanged sends no request; a changed roster or a failed run brings the full read back', async ({
    ws,
    emulators,
  }) => {
    const emulator = await emulators.start({
      faults: { rules: [{ method: 'POST', pathPattern: '/Users$', every: 3, times: 1, action: { type: 'status', status: 400 } }] },
    });
    const people = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));
    const config = ws.config(emulator.url, { sync: { fullReadEvery: '1h' } });
    const requests = () => emulator.requestLog.length;

    ws.writeRoster(people(2));
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    const afterFirst = requests();
    const skipped = await runSync(config, { dryRun: false }, ws.logger);
    expect(skipped.exitCode).toBe(0);
    expect(skipped.report.unchangedSince?.nextFullReadAfter).toBeDefined();
    expect(skipped.report.requests.total).toBe(0);
    expect(requests()).toBe(afterFirst);

    // A dry run is asked for on purpose: it always reads.
    expect((await runSync(config, { dryRun: true }, ws.logger)).report.unchangedSince).toBeUndefined();
    expect(requests()).toBeGreaterThan(afterFirst);

    ws.writeRoster(people(3)); // a new hire: the roster changed, and this create fails (every 3rd POST)
    const failed = await runSync(config, { dryRun: false }, ws.logger);
    expect(failed.exitCode).toBe(1);
    const retried = await runSync(config, { dryRun: false }, ws.logger); // same roster, but the last run was not complete
    expect(retried.report.unchangedSince).toBeUndefined();
    expect(retried.exitCode).toBe(0);
    expect(
      emulator.store
        .list()
        .map((u) => u.userName)
        .sort(),
    ).toEqual(['p0@example.com', 'p1@example.com', 'p2@example.com']);
  });

  test('a 429 burst is waited out through the gate and nothing is lost', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ rateLimit: { max: 4, windowMs: 1000, retryAfter: 'seconds' } });
    const rows = Array.from({ length: 10 }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));
    ws.writeRoster(rows);
    const { exitCode, report } = await runSync(ws.config(emulator.url, { target: { requestsPerMinute: 20000 } }), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(emulator.store.size).toBe(10);
    expect(report.requests.throttled).toBeGreaterThan(0);
    expect(report.requests.retries).toBe(report.requests.throttled);
    expect(report.summary.create).toEqual({ planned: 10, succeeded: 10 });
    expect(emulator.requestLog.filter((r) => r.status === 429).length).toBe(report.requests.throttled);
  });

  test('a 5xx answer is retried with backoff and the operation succeeds', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ faults: { rules: [{ method: 'POST', times: 2, every: 1, action: { type: 'status', status: 500 } }] } });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(report.requests.retries).toBe(2);
    expect(emulator.store.size).toBe(1);
  });

  test('the token never appears in logs or the report, even on failures', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ token: 'a-different-token' });
    ws.writeRoster([{ employee_id: 'E1', email: 'ada@example.com', first_name: 'Ada', last_name: 'Lovelace' }]);
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(1);
    expect(report.error).toContain('401');
    const everything = ws.logLines.join('\n') + JSON.stringify(ws.reports());
    expect(everything).toContain('Unable to access the team');
    expect(everything).not.toContain(TEST_TOKEN);
  });
});
