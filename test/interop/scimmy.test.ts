import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runSync } from '../../src/run/runSync.js';
import { BOT, twoRostersByDomain } from '../support/twoRosters.js';
import { TEST_TOKEN, Workspace, type RosterRow } from '../support/workspace.js';
import { type ScimmyServer, type SeedUser, startScimmyServer } from './scimmyServer.js';

/**
 * Interop: the real sync against SCIMMY + scimmy-routers, an RFC 7644 implementation that is not
 * ours. Each scenario asserts that the service converges to the roster, judged by what the server
 * holds afterwards, not by what we believe we sent.
 */

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** scimmy is an RFC service: the generic profile (PATCH with a `path`, any attribute). */
const GENERIC = { target: { provider: 'generic' } };

const row = (employee_id: string, email: string, first_name: string, last_name: string, status?: string): RosterRow => ({
  employee_id,
  email,
  first_name,
  last_name,
  status,
});

describe('interop: runSync against scimmy (an independent SCIM 2.0 server)', () => {
  let ws: Workspace;
  let server: ScimmyServer | undefined;
  beforeEach(() => {
    ws = new Workspace();
    server = undefined;
  });
  afterEach(async () => {
    await server?.close();
    ws.cleanup();
  });

  const start = async (users: SeedUser[] = [], maxResults?: number) => {
    server = await startScimmyServer({ token: TEST_TOKEN, users, maxResults });
    return server;
  };
  /** The server's state, one line per user: userName|externalId|given family|active. */
  const state = (s: ScimmyServer) =>
    s
      .users()
      .map(
        (u) =>
          `${u.userName}|${u.externalId ?? '-'}|${u.name?.givenName} ${u.name?.familyName}|${u.active === false ? 'inactive' : u.active === true ? 'active' : 'active?'}`,
      )
      .sort();
  /**
   * Every write, with the operations of a Bulk request (scimmy offers /Bulk, so the sync uses it)
   * listed as the requests they stand for: method, path, body and the status scimmy gave each.
   */
  const writes = (s: ScimmyServer) =>
    s.requests
      .filter((r) => WRITES.has(r.method))
      .flatMap((r) => {
        if (r.path !== '/Bulk') return [r];
        const answers = (r.response as { Operations?: { status: string }[] } | undefined)?.Operations ?? [];
        return (r.body as { Operations: { method: string; path: string; data?: unknown }[] }).Operations.map((op, i) => ({
          method: op.method,
          path: op.path,
          status: Number(answers[i]?.status),
          body: op.data,
        }));
      });
  /** Why a run failed, with what scimmy answered, so an interop break reads as a finding. */
  const failures = (s: ScimmyServer) => s.requests.filter((r) => r.status >= 400);

  it('two rosters into one scimmy server, split by domain, do not fight, and a mover is handed over without a duplicate', async () => {
    const s = await start([{ userName: BOT, givenName: 'CI', familyName: 'Bot', active: true }]);
    await twoRostersByDomain(
      {
        url: s.url,
        accounts: () =>
          s
            .users()
            .map((u) => `${u.userName}|${u.externalId ?? '-'}|${u.active === false ? 'inactive' : 'active'}`)
            .sort(),
        writes: () => writes(s).length,
      },
      GENERIC,
    );
    expect(failures(s)).toEqual([]);
  });

  it('an initial load into an empty scimmy server creates every active roster user with names, externalId and active', async () => {
    const s = await start();
    ws.writeRoster([
      row('E1', 'ada@example.com', 'Ada', 'Lovelace'),
      row('E2', 'alan@example.com', 'Alan', 'Turing'),
      row('E3', 'grace@example.com', 'Grace', 'Hopper', 'on leave'),
      row('E4', 'left@example.com', 'Left', 'Already', 'terminated'),
    ]);

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(failures(s)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(state(s)).toEqual(['ada@example.com|E1|Ada Lovelace|active', 'alan@example.com|E2|Alan Turing|active', 'grace@example.com|E3|Grace Hopper|active']);
    expect(report.service).toMatchObject({ provider: 'generic', patch: true, filter: { supported: true } });
    expect(report.summary.create).toEqual({ planned: 3, succeeded: 3 });
    // The ids the report gives are the ones scimmy assigned.
    const idsByUserName = new Map(s.users().map((u) => [u.userName, u.id]));
    for (const o of report.operations) expect(o.id).toBe(idsByUserName.get(o.userName));
    expect(writes(s).map((w) => w.method)).toEqual(['POST', 'POST', 'POST']);
  });

  it('mixed changes converge: a renamed user is updated, a leaver deactivated, a returner reactivated, new rows created', async () => {
    const s = await start([
      { userName: 'admin@example.com', givenName: 'Team', familyName: 'Admin' },
      { userName: 'bob@example.com', givenName: 'Robert', familyName: 'Brown', externalId: 'E2' },
      { userName: 'carol@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E3', active: false },
      { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' },
      { userName: 'erin@example.com', givenName: 'Erin', familyName: 'Evans', externalId: 'E5' },
    ]);
    ws.writeRoster([
      row('E1', 'ada@example.com', 'Ada', 'Lovelace'),
      row('E2', 'bob@example.com', 'Bob', 'Brown'),
      row('E3', 'carol@example.com', 'Carol', 'Chen'),
      row('E5', 'erin@example.com', 'Erin', 'Evans'),
      row('E6', 'frank@example.com', 'Frank', 'Fischer'),
    ]);
    const idsBefore = new Map(s.users().map((u) => [u.userName, u.id]));

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(failures(s)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(state(s)).toEqual([
      'ada@example.com|E1|Ada Lovelace|active',
      'admin@example.com|-|Team Admin|active', // protected
      'bob@example.com|E2|Bob Brown|active',
      'carol@example.com|E3|Carol Chen|active',
      'dave@example.com|E4|Dave Diaz|inactive',
      'erin@example.com|E5|Erin Evans|active',
      'frank@example.com|E6|Frank Fischer|active',
    ]);
    // Existing accounts were changed in place, not replaced by new ones.
    for (const [userName, id] of idsBefore) expect(s.users().find((u) => u.userName === userName)?.id).toBe(id);
    expect(report.operations.map((o) => `${o.op}:${o.userName}:${o.outcome}`).sort()).toEqual([
      'create:ada@example.com:succeeded',
      'create:frank@example.com:succeeded',
      'deactivate:dave@example.com:succeeded',
      'reactivate:carol@example.com:succeeded',
      'update:bob@example.com:succeeded',
    ]);
    expect(report.summary).toMatchObject({
      create: { planned: 2, succeeded: 2 },
      update: { planned: 1, succeeded: 1 },
      deactivate: { planned: 1, succeeded: 1 },
      reactivate: { planned: 1, succeeded: 1 },
      unchanged: 1,
      failed: 0,
    });
    expect(report.skipped).toEqual([expect.objectContaining({ userName: 'admin@example.com', reason: 'protected' })]);
  });

  it('a second run right after a successful run sends only GETs and says there is nothing to do', async () => {
    const s = await start([
      { userName: 'bob@example.com', givenName: 'Robert', familyName: 'Brown', externalId: 'E2' },
      { userName: 'carol@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E3', active: false },
      { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' },
    ]);
    ws.writeRoster([
      row('E1', 'ada@example.com', 'Ada', 'Lovelace'),
      row('E2', 'bob@example.com', 'Bob', 'Brown'),
      row('E3', 'carol@example.com', 'Carol', 'Chen-Lee'),
    ]);
    const config = ws.config(s.url, GENERIC);
    const first = await runSync(config, { dryRun: false }, ws.logger);
    expect(failures(s)).toEqual([]);
    expect(first.exitCode).toBe(0);
    const stateAfterFirst = state(s);
    const requestsBefore = s.requests.length;

    const second = await runSync(config, { dryRun: false }, ws.logger);

    const secondRequests = s.requests.slice(requestsBefore);
    expect(secondRequests.filter((r) => r.status >= 400)).toEqual([]);
    expect(second.exitCode).toBe(0);
    expect(secondRequests.length).toBeGreaterThan(0);
    expect(secondRequests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(state(s)).toEqual(stateAfterFirst);
    expect(second.report.operations).toEqual([]);
    expect(second.report.notUpdatable ?? []).toEqual([]);
    expect(second.report.summary).toMatchObject({ unchanged: 3, failed: 0, create: { planned: 0, succeeded: 0 } });
    expect(second.report.requests.byMethod).toEqual({ GET: second.report.requests.total });
    expect(second.report.result).toBe('nothing to do: the service matches the roster');
  });

  it('more users than fit a page are all read, page by page, and none is created twice', async () => {
    const seeded = Array.from({ length: 25 }, (_, i) => ({
      userName: `u${String(i).padStart(2, '0')}@example.com`,
      givenName: 'User',
      familyName: `Number${i}`,
      externalId: `E${i}`,
    }));
    const s = await start(seeded, 10); // scimmy advertises filter.maxResults 10 and caps pages at it
    ws.writeRoster([
      ...seeded.map((u, i) => row(u.externalId, u.userName, u.givenName, i === 24 ? 'Renamed' : u.familyName)), // the last one, on page 3
      row('N1', 'new1@example.com', 'New', 'One'),
      row('N2', 'new2@example.com', 'New', 'Two'),
    ]);

    const { exitCode, report } = await runSync(ws.config(s.url, { target: { provider: 'generic', pageSize: 10 } }), { dryRun: false }, ws.logger);

    expect(failures(s)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.remote).toEqual({ users: 25, pages: 3 });
    expect(s.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/Users?startIndex=')).map((r) => r.path)).toEqual([
      '/Users?startIndex=1&count=10',
      '/Users?startIndex=11&count=10',
      '/Users?startIndex=21&count=10',
    ]);
    // Before the creates, one lookup makes sure no account already carries their externalIds (one
    // for all of them, as the creates go in a Bulk request).
    expect(s.requests.filter((r) => r.method === 'GET' && r.path.includes('filter=')).map((r) => decodeURIComponent(r.path))).toEqual([
      '/Users?filter=externalId eq "N1" or externalId eq "N2"&count=10',
    ]);
    const userNames = s.users().map((u) => u.userName);
    expect(userNames).toHaveLength(27);
    expect(new Set(userNames).size).toBe(27);
    expect(
      writes(s)
        .map((w) => `${w.method} ${w.path}`)
        .filter((w) => w.startsWith('POST')),
    ).toEqual(['POST /Users', 'POST /Users']);
    expect(report.summary).toMatchObject({
      create: { planned: 2, succeeded: 2 },
      update: { planned: 1, succeeded: 1 },
      unchanged: 24,
      deactivate: { planned: 0, succeeded: 0 },
    });
    expect(s.users().find((u) => u.userName === 'u24@example.com')?.name).toEqual({ givenName: 'User', familyName: 'Renamed' });
  });

  it("an account someone creates between our read and our create is adopted after scimmy's 409, not duplicated", async () => {
    const s = await start();
    let staged = false;
    s.onRequest = ({ method, path }) => {
      if (method === 'POST' && path === '/Users' && !staged) {
        staged = true; // made by hand meanwhile: no externalId, an older name
        s.addUser({ userName: 'ada@example.com', givenName: 'Ada', familyName: 'Byron' });
      }
    };
    ws.writeRoster([row('E1', 'ada@example.com', 'Ada', 'Lovelace')]);

    // Single requests (the same with Bulk: 'interop with Bulk on' below).
    const { exitCode, report } = await runSync(ws.config(s.url, { target: { provider: 'generic', bulk: 'off' } }), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(0);
    // The list came in one answer, so it can't have moved under the read: no externalId lookup before the create.
    expect(s.requests.filter((r) => r.method !== 'GET' || r.path.includes('filter=')).map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /Users 409',
      `GET /Users?filter=${encodeURIComponent('userName eq "ada@example.com"')} 200`,
      `PATCH /Users/${s.users()[0]!.id} 200`,
    ]);
    expect(state(s)).toEqual(['ada@example.com|E1|Ada Lovelace|active']);
    expect(report.operations).toEqual([expect.objectContaining({ op: 'create', outcome: 'succeeded', adopted: true, id: s.users()[0]!.id })]);
  });

  it("the Postman profile's PatchOp without a path ({op: replace, value: {active}}) deactivates and reactivates on scimmy", async () => {
    const s = await start([
      { userName: 'carol@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E3', active: false },
      { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' },
    ]);
    ws.writeRoster([row('E3', 'carol@example.com', 'Carol', 'Chen')]);

    const { exitCode } = await runSync(ws.config(s.url, { target: { provider: 'postman' } }), { dryRun: false }, ws.logger);

    expect(failures(s)).toEqual([]);
    expect(exitCode).toBe(0);
    expect(writes(s).map((w) => w.body)).toEqual([
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: true } }] },
    ]);
    expect(state(s)).toEqual(['carol@example.com|E3|Carol Chen|active', 'dave@example.com|E4|Dave Diaz|inactive']);
  });

  it('a token scimmy does not know is refused with 401 and nothing is written', async () => {
    const s = (server = await startScimmyServer({
      token: 'a-different-token',
      users: [{ userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' }],
    }));
    ws.writeRoster([row('E1', 'ada@example.com', 'Ada', 'Lovelace')]);

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(1);
    expect(report.error).toContain('401');
    expect(s.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(['GET /ServiceProviderConfig 401']);
    expect(writes(s)).toEqual([]);
    expect(state(s)).toEqual(['dave@example.com|E4|Dave Diaz|active']);
    expect(JSON.stringify(report) + ws.logLines.join('\n')).not.toContain(TEST_TOKEN);
  });

  it('emails, title and an enterprise attribute are created, changed with RFC PATCH paths, and converge', async () => {
    const s = await start();
    const URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    const columns = {
      externalId: 'employee_id',
      userName: 'email',
      givenName: 'first_name',
      familyName: 'last_name',
      'emails[type eq "work"].value': 'email',
      title: 'title',
      [`${URN}:department`]: 'department',
    };
    const roster = (title: string, department: string, email = 'ada@example.com') =>
      ws.writeRosterText(`employee_id,email,first_name,last_name,title,department,status\nE1,${email},Ada,Lovelace,${title},${department},active\n`);
    const config = ws.config(s.url, { ...GENERIC, source: { columns } });

    roster('Analyst', 'Engines');
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    expect(failures(s)).toEqual([]);
    expect(s.users()[0]).toMatchObject({
      title: 'Analyst',
      emails: [expect.objectContaining({ value: 'ada@example.com', type: 'work' })],
      [URN]: { department: 'Engines' },
    });

    roster('Director', 'Looms', 'ada.king@example.com');
    const changed = await runSync(config, { dryRun: false }, ws.logger);
    expect(failures(s)).toEqual([]);
    expect(changed.exitCode).toBe(0);
    expect(changed.report.operations.map((o) => o.op)).toEqual(['update']);
    expect(s.users()).toHaveLength(1);
    expect(s.users()[0]).toMatchObject({
      userName: 'ada.king@example.com',
      title: 'Director',
      emails: [expect.objectContaining({ value: 'ada.king@example.com', type: 'work' })],
      [URN]: { department: 'Looms' },
    });

    const before = writes(s).length;
    const again = await runSync(config, { dryRun: false }, ws.logger);
    expect(again.report.operations).toEqual([]);
    expect(writes(s)).toHaveLength(before);
  });
});

describe('interop with Bulk at two operations per request: runSync against scimmy', () => {
  let ws: Workspace;
  let server: ScimmyServer | undefined;
  beforeEach(() => {
    ws = new Workspace();
    server = undefined;
  });
  afterEach(async () => {
    await server?.close();
    ws.cleanup();
  });
  // Two operations per request, so even these small teams need several Bulk requests.
  const start = async (users: SeedUser[] = []) => (server = await startScimmyServer({ token: TEST_TOKEN, users, bulk: { maxOperations: 2 } }));
  const bulkRequests = (s: ScimmyServer) => s.requests.filter((r) => r.method === 'POST' && r.path === '/Bulk');
  const state = (s: ScimmyServer) =>
    s
      .users()
      .map((u) => `${u.userName}|${u.externalId ?? '-'}|${u.name?.givenName} ${u.name?.familyName}|${u.active === false ? 'inactive' : 'active'}`)
      .sort();
  const failedOperations = (s: ScimmyServer) =>
    bulkRequests(s).flatMap((r) => (r.response as { Operations: { status: string }[] }).Operations.filter((o) => Number(o.status) >= 400));

  it('an initial load goes in Bulk requests of at most maxOperations, and every report id is the one scimmy assigned', async () => {
    const s = await start();
    ws.writeRoster([
      row('E1', 'ada@example.com', 'Ada', 'Lovelace'),
      row('E2', 'alan@example.com', 'Alan', 'Turing'),
      row('E3', 'grace@example.com', 'Grace', 'Hopper'),
    ]);

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    expect(failedOperations(s)).toEqual([]);
    expect(bulkRequests(s).map((r) => (r.body as { Operations: unknown[] }).Operations.length)).toEqual([2, 1]);
    expect(s.requests.filter((r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && r.path !== '/Bulk')).toEqual([]);
    expect(state(s)).toEqual(['ada@example.com|E1|Ada Lovelace|active', 'alan@example.com|E2|Alan Turing|active', 'grace@example.com|E3|Grace Hopper|active']);
    const idsByUserName = new Map(s.users().map((u) => [u.userName, u.id]));
    for (const o of report.operations) expect(o.id).toBe(idsByUserName.get(o.userName));
    expect(report.requests.bulk).toEqual({ requests: 2, operations: 3 });
  });

  it('mixed changes converge through Bulk: rename, leaver, returner with a new name, new rows', async () => {
    const s = await start([
      { userName: 'bob@example.com', givenName: 'Robert', familyName: 'Brown', externalId: 'E2' },
      { userName: 'carol@example.com', givenName: 'Carol', familyName: 'Chen', externalId: 'E3', active: false },
      { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Diaz', externalId: 'E4' },
    ]);
    ws.writeRoster([
      row('E1', 'ada@example.com', 'Ada', 'Lovelace'),
      row('E2', 'bob@example.com', 'Bob', 'Brown'),
      row('E3', 'carol@example.com', 'Carol', 'Chen-Li'),
      row('E6', 'frank@example.com', 'Frank', 'Fischer'),
    ]);

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    expect(failedOperations(s)).toEqual([]);
    expect(state(s)).toEqual([
      'ada@example.com|E1|Ada Lovelace|active',
      'bob@example.com|E2|Bob Brown|active',
      'carol@example.com|E3|Carol Chen-Li|active',
      'dave@example.com|E4|Dave Diaz|inactive',
      'frank@example.com|E6|Frank Fischer|active',
    ]);
    // The leaver's Bulk request comes first and holds only the deactivation.
    expect((bulkRequests(s)[0]!.body as { Operations: { data: unknown }[] }).Operations.map((o) => o.data)).toEqual([
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    ]);
    const second = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);
    expect(second.report.operations).toEqual([]);
  });

  it("an account someone creates meanwhile is adopted after the 409 inside scimmy's Bulk response, not duplicated", async () => {
    const s = await start();
    let staged = false;
    s.onRequest = ({ method, path }) => {
      if (method === 'POST' && path === '/Bulk' && !staged) {
        staged = true;
        s.addUser({ userName: 'ada@example.com', givenName: 'Ada', familyName: 'Byron' });
      }
    };
    ws.writeRoster([row('E1', 'ada@example.com', 'Ada', 'Lovelace'), row('E2', 'alan@example.com', 'Alan', 'Turing')]);

    const { exitCode, report } = await runSync(ws.config(s.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    expect(state(s)).toEqual(['ada@example.com|E1|Ada Lovelace|active', 'alan@example.com|E2|Alan Turing|active']);
    expect(report.operations.find((o) => o.userName === 'ada@example.com')).toMatchObject({ outcome: 'succeeded', adopted: true, id: s.users()[0]!.id });
    expect(failedOperations(s)).toEqual([expect.objectContaining({ status: '409' })]);
  });
});
