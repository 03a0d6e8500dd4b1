import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EmulatorOptions, type RequestLogEntry, type RunningEmulator, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import { runSync } from '../../src/run/runSync.js';
import { TEST_TOKEN, Workspace, type RosterRow } from '../support/workspace.js';

/**
 * Writes in SCIM Bulk requests, end to end: the real run against the emulator's generic dialect
 * with /Bulk on, judged by what the emulator received and holds afterwards.
 */

const GENERIC = { target: { provider: 'generic' } };

const person = (i: number, status = 'active'): RosterRow => ({
  employee_id: `E${i}`,
  email: `p${i}@example.com`,
  first_name: `First${i}`,
  last_name: `Last${i}`,
  status,
});
const seed = (i: number, more: Partial<SeedUser> = {}): SeedUser => ({
  userName: `p${i}@example.com`,
  givenName: `First${i}`,
  familyName: `Last${i}`,
  externalId: `E${i}`,
  ...more,
});
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

interface BulkOp {
  method: string;
  path: string;
  bulkId: string;
  data?: Record<string, unknown>;
}
const bulkRequests = (e: RunningEmulator) => e.requestLog.filter((r) => r.method === 'POST' && r.path.endsWith('/Bulk'));
const opsOf = (r: RequestLogEntry) => (r.body as { Operations: BulkOp[] }).Operations;
const singleWrites = (e: RunningEmulator) => e.requestLog.filter((r) => r.method !== 'GET' && !r.path.endsWith('/Bulk'));
const activeUsers = (e: RunningEmulator) =>
  e.store
    .list()
    .filter((u) => u.active)
    .map((u) => u.userName)
    .sort();

describe('SCIM Bulk: writes travel in Bulk requests where the service offers /Bulk', () => {
  let ws: Workspace;
  let emulator: RunningEmulator | undefined;
  beforeEach(() => {
    ws = new Workspace();
    emulator = undefined;
  });
  afterEach(async () => {
    await emulator?.close();
    ws.cleanup();
  });
  const start = async (options: EmulatorOptions) => {
    emulator = await startEmulator({ token: TEST_TOKEN, dialect: 'generic', rateLimit: false, ...options });
    return emulator;
  };

  it('an initial load of 25 people at maxOperations 10 is three Bulk requests (10, 10, 5 creates) and, where the list took pages, one externalId lookup', async () => {
    // 31 people the service already holds, read in pages of 30: a list read in several pages may have moved, so creates are checked.
    const e = await start({ bulk: { maxOperations: 10 }, maxPageSize: 30, users: range(100, 131).map((i) => seed(i)) });
    ws.writeRoster([...range(0, 25), ...range(100, 131)].map((i) => person(i)));

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations.filter((o) => o.outcome !== 'succeeded'))).toBe(0);
    expect(bulkRequests(e).map((r) => opsOf(r).length)).toEqual([10, 10, 5]);
    expect(singleWrites(e)).toEqual([]);
    // One GET asks for all 25 externalIds at once instead of 25 GETs.
    const lookups = e.requestLog.filter((r) => r.method === 'GET' && r.query.filter?.includes('externalId'));
    expect(lookups).toHaveLength(1);
    expect(activeUsers(e)).toEqual([...range(0, 25), ...range(100, 131)].map((i) => `p${i}@example.com`).sort());
    // Every POST carries a unique bulkId, and each report line has the id the emulator gave that person.
    const bulkIds = bulkRequests(e).flatMap((r) => opsOf(r).map((op) => op.bulkId));
    expect(new Set(bulkIds).size).toBe(25);
    const idOf = new Map(e.store.list().map((u) => [u.userName, u.id]));
    for (const o of report.operations) expect(o).toMatchObject({ op: 'create', outcome: 'succeeded', id: idOf.get(o.userName) });
    expect(report.requests.bulk).toEqual({ requests: 3, operations: 25 });
    expect(report.service).toMatchObject({ bulk: true, bulkLimits: { maxOperations: 10, maxPayloadSize: 1024 * 1024 } });
    expect((bulkRequests(e)[0]!.body as Record<string, unknown>).failOnErrors).toBeUndefined();

    const second = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);
    expect(second.report.operations).toEqual([]);
  });

  it('Bulk requests are split by size too: each body stays within the advertised maxPayloadSize, measured on the bytes sent', async () => {
    const maxPayloadSize = 1500;
    const e = await start({ bulk: { maxOperations: 100, maxPayloadSize } });
    ws.writeRoster(range(0, 20).map((i) => ({ ...person(i), first_name: `Zoë-Ærøskøbing-${i}` })));

    const { exitCode } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(0);
    const sizes = bulkRequests(e).map((r) => Buffer.byteLength(JSON.stringify(r.body)));
    expect(sizes.every((size) => size <= maxPayloadSize)).toBe(true);
    expect(sizes.length).toBeGreaterThan(2);
    // Packed greedily: no two neighbours would have fitted in one request.
    const counts = bulkRequests(e).map((r) => opsOf(r).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(20);
    for (let i = 1; i < sizes.length; i++) {
      const firstOfNext = Buffer.byteLength(JSON.stringify(opsOf(bulkRequests(e)[i]!)[0]));
      expect(sizes[i - 1]! + 1 + firstOfNext).toBeGreaterThan(maxPayloadSize);
    }
    expect(e.store.size).toBe(20);
  });

  it('target.bulk caps the operations per request below what the service advertises; target.bulk: off sends one request per write', async () => {
    const e = await start({ bulk: { maxOperations: 10 } });
    ws.writeRoster(range(0, 7).map((i) => person(i)));
    await runSync(ws.config(e.url, { target: { provider: 'generic', bulk: 3 } }), { dryRun: false }, ws.logger);
    expect(bulkRequests(e).map((r) => opsOf(r).length)).toEqual([3, 3, 1]);

    ws.writeRoster(range(0, 7).map((i) => ({ ...person(i), last_name: 'Renamed' })));
    const { report } = await runSync(ws.config(e.url, { target: { provider: 'generic', bulk: 'off' } }), { dryRun: false }, ws.logger);
    expect(bulkRequests(e)).toHaveLength(3);
    expect(singleWrites(e).map((r) => r.method)).toEqual(Array(7).fill('PATCH'));
    expect(report.requests.bulk).toBeUndefined();
  });

  it('deactivations go first, in Bulk requests of their own; then renames and reactivations (one PATCH each); creates last', async () => {
    const e = await start({
      bulk: { maxOperations: 50 },
      users: [...range(0, 4).map((i) => seed(i)), seed(4, { active: false }), ...range(5, 8).map((i) => seed(i))],
    });
    // 0,1 renamed; 4 returns with a new family name; 5,6,7 left; 8,9 are new.
    ws.writeRoster([
      { ...person(0), last_name: 'New0' },
      { ...person(1), last_name: 'New1' },
      person(2),
      person(3),
      { ...person(4), last_name: 'Back' },
      person(8),
      person(9),
    ]);

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    const batches = bulkRequests(e).map((r) => opsOf(r).map((op) => `${op.method} ${op.path === '/Users' ? String(op.data?.userName) : op.path}`));
    const idOf = (i: number) => `/Users/${e.store.list().find((u) => u.userName === `p${i}@example.com`)!.id}`;
    expect(batches).toHaveLength(3);
    expect(batches[0]!.sort()).toEqual([5, 6, 7].map((i) => `PATCH ${idOf(i)}`).sort());
    expect(batches[1]!.sort()).toEqual([0, 1, 4].map((i) => `PATCH ${idOf(i)}`).sort());
    expect(batches[2]!.sort()).toEqual(['POST p8@example.com', 'POST p9@example.com']);
    // The returner's reactivation and rename are one PATCH with both operations, in that order.
    const returner = opsOf(bulkRequests(e)[1]!).find((op) => op.path === idOf(4))!;
    expect(returner.data?.Operations).toEqual([
      { op: 'replace', path: 'active', value: true },
      { op: 'replace', path: 'name.familyName', value: 'Back' },
    ]);
    expect(activeUsers(e)).toEqual([0, 1, 2, 3, 4, 8, 9].map((i) => `p${i}@example.com`).sort());
    expect(e.store.list().find((u) => u.userName === 'p4@example.com')).toMatchObject({ familyName: 'Back', active: true });
  });

  it('one bad row inside a Bulk request fails alone, with the service’s detail; the others in the same request succeed', async () => {
    const e = await start({
      bulk: { maxOperations: 10 },
      faults: {
        rules: [{ method: 'POST', pathPattern: '/Users$', every: 2, times: 1, action: { type: 'status', status: 400, detail: 'name.familyName is too long' } }],
      },
    });
    ws.writeRoster(range(0, 4).map((i) => person(i)));

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).not.toBe(0);
    expect(bulkRequests(e)).toHaveLength(1);
    const failed = report.operations.filter((o) => o.outcome === 'failed');
    expect(failed).toEqual([
      expect.objectContaining({ userName: 'p1@example.com', httpStatus: 400, failureKind: 'rejected', detail: 'name.familyName is too long' }),
    ]);
    expect(report.operations.filter((o) => o.outcome === 'succeeded')).toHaveLength(3);
    expect(e.store.size).toBe(3);
  });

  it('a 409 inside a Bulk response adopts the account, as a 409 on a single POST does', async () => {
    // The account appears (made by hand, no externalId) after the list was read, just before the Bulk of creates.
    const e = await start({
      bulk: { maxOperations: 10 },
      faults: {
        rules: [
          {
            method: 'POST',
            pathPattern: '/Bulk$',
            times: 1,
            action: { type: 'changeTeam', add: [{ userName: 'P1@example.com', givenName: 'Old', familyName: 'Name', active: false }] },
          },
        ],
      },
    });
    ws.writeRoster(range(0, 3).map((i) => person(i)));

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode, JSON.stringify(report.operations)).toBe(0);
    const adopted = report.operations.find((o) => o.userName === 'p1@example.com')!;
    expect(adopted).toMatchObject({ op: 'create', outcome: 'succeeded', adopted: true });
    expect(e.store.size).toBe(3);
    expect(e.store.list().find((u) => u.userName.toLowerCase() === 'p1@example.com')).toMatchObject({ givenName: 'First1', familyName: 'Last1', active: true });
  });

  it('an operation answered 503 inside a Bulk response is retried alone, in a later Bulk request', async () => {
    const e = await start({
      bulk: { maxOperations: 10 },
      users: range(0, 5).map((i) => seed(i)),
      faults: { rules: [{ method: 'PATCH', pathPattern: '/Users/', every: 3, times: 1, action: { type: 'status', status: 503 } }] },
    });
    ws.writeRoster(range(0, 5).map((i) => ({ ...person(i), last_name: 'Renamed' })));

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(0);
    const counts = bulkRequests(e).map((r) => opsOf(r).length);
    expect(counts).toEqual([5, 1]);
    expect(opsOf(bulkRequests(e)[1]!)[0]!.path).toBe(opsOf(bulkRequests(e)[0]!)[2]!.path);
    expect(report.requests.retries).toBe(1);
    expect(report.summary.update).toEqual({ planned: 5, succeeded: 5 });
    expect(e.store.list().every((u) => u.familyName === 'Renamed')).toBe(true);
  });

  it('a 503 for the whole Bulk request retries it whole through the gate', async () => {
    const e = await start({
      bulk: { maxOperations: 10 },
      faults: { rules: [{ method: 'POST', pathPattern: '/Bulk$', times: 1, action: { type: 'status', status: 503 } }] },
    });
    ws.writeRoster(range(0, 4).map((i) => person(i)));

    const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(0);
    expect(bulkRequests(e).map((r) => [r.status, opsOf(r).length])).toEqual([
      [503, 4],
      [200, 4],
    ]);
    expect(report.requests.retries).toBe(1);
    expect(e.store.size).toBe(4);
  });

  it('a 413 halves the Bulk request and sends both halves', async () => {
    const e = await start({
      bulk: { maxOperations: 10 },
      faults: { rules: [{ method: 'POST', pathPattern: '/Bulk$', times: 1, action: { type: 'status', status: 413, detail: 'Payload too large' } }] },
    });
    ws.writeRoster(range(0, 10).map((i) => person(i)));

    const { exitCode } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

    expect(exitCode).toBe(0);
    expect(bulkRequests(e).map((r) => [r.status, opsOf(r).length])).toEqual([
      [413, 10],
      [200, 5],
      [200, 5],
    ]);
    expect(e.store.size).toBe(10);
  });

  for (const status of [501, 404]) {
    it(`a service that advertises Bulk but answers ${status} on /Bulk gets single requests for the rest of the run, logged once`, async () => {
      const e = await start({
        bulk: { maxOperations: 3 },
        users: range(0, 3).map((i) => seed(i)),
        faults: { rules: [{ method: 'POST', pathPattern: '/Bulk$', action: { type: 'status', status } }] },
      });
      // 3 leavers (their own Bulk request, refused) and 4 creates.
      ws.writeRoster(range(3, 7).map((i) => person(i)));

      const { exitCode, report } = await runSync(ws.config(e.url, GENERIC), { dryRun: false }, ws.logger);

      expect(exitCode, JSON.stringify(report.operations)).toBe(0);
      expect(bulkRequests(e)).toHaveLength(1);
      expect(singleWrites(e).map((r) => r.method)).toEqual(['PATCH', 'PATCH', 'PATCH', 'POST', 'POST', 'POST', 'POST']);
      expect(activeUsers(e)).toEqual(range(3, 7).map((i) => `p${i}@example.com`));
      expect(ws.logLines.filter((l) => l.includes('has no /Bulk endpoint'))).toHaveLength(1);
      expect(report.requests.bulk).toEqual({ requests: 0, operations: 0, fellBack: expect.stringContaining(`POST /Bulk answered ${status}`) });
    });
  }

  it('Postman advertises no Bulk: its writes are single requests, exactly as without this feature', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false });
    ws.writeRoster(range(0, 3).map((i) => person(i)));
    const { exitCode, report } = await runSync(ws.config(emulator.url), { dryRun: false }, ws.logger);
    expect(exitCode).toBe(0);
    expect(bulkRequests(emulator)).toEqual([]);
    expect(singleWrites(emulator).map((r) => r.method)).toEqual(['POST', 'POST', 'POST']);
    expect(report.requests.bulk).toBeUndefined();
  });
});
