import { afterEach, describe, expect, it } from 'vitest';
import type { FaultRule } from '../../src/emulator/faults.js';
import { type EmulatorOptions, type RunningEmulator, type SeedGroup, type SeedUser, startEmulator } from '../../src/emulator/server.js';
import { GroupListingError, GroupsForbiddenError, GroupsNotServedError, readRemoteGroups, type GroupReadOptions } from '../../src/scim/readRemoteGroups.js';
import { gatedClient } from '../support/gatedClient.js';
import { TEST_TOKEN } from '../support/workspace.js';

/**
 * The group listing is read as carefully as the users: a managed group missing from it would
 * leave the ledger for good, so a listing that can't be complete fails instead of being used.
 */
describe('reading the service’s groups', () => {
  let emulator: RunningEmulator;
  let connection: ReturnType<typeof gatedClient> | undefined;
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await emulator?.close();
  });

  const users: SeedUser[] = ['ann', 'bob'].map((n) => ({ id: `u-${n}`, userName: `${n}@corp.example`, givenName: n, familyName: 'Test' }));
  /** g0 … g(n-1), ann in each, with fixed ids. */
  const groups = (n: number): SeedGroup[] => Array.from({ length: n }, (_, i) => ({ id: `g${i}`, displayName: `Group ${i}`, members: ['ann@corp.example'] }));
  const listFault = (action: FaultRule['action'], rule: Partial<FaultRule> = {}): FaultRule => ({ method: 'GET', pathPattern: '/Groups$', ...rule, action });
  const options: GroupReadOptions = { maxPages: 100, maxRereads: 2 };

  async function read(emulatorOptions: EmulatorOptions, pageSize: number, more: Partial<GroupReadOptions> = {}) {
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false, users, ...emulatorOptions });
    connection = gatedClient(emulator.url, TEST_TOKEN, { maxAttempts: 1 });
    return readRemoteGroups(connection.client, pageSize, { ...options, ...more });
  }
  const groupGets = () => emulator.requestLog.filter((r) => r.method === 'GET' && /\/Groups\/[^/]+$/.test(r.path)).map((r) => r.path.split('/').pop());

  it('a full last page is followed by one more read, and the groups read must equal page 1’s totalResults: a count that lags fails the read', async () => {
    // 4 groups announced as 2, pages of 2: the old pager stopped after page 1 and lost g2 and g3.
    const error = await read({ groups: groups(4), faults: { rules: [listFault({ type: 'misreportTotal', totalResults: 2 })] } }, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupListingError);
    expect((error as Error).message).toContain('page 1 announced totalResults 2, but 4 groups were read in 3 pages');
    expect((error as Error).message).toContain('nothing was planned or sent');
  });

  it('a listing that moves once (totalResults changes on page 2) is read again from page 1 and comes back whole', async () => {
    const read1 = await read({ groups: groups(5), faults: { rules: [listFault({ type: 'misreportTotal', totalResults: 9 }, { every: 2, times: 1 })] } }, 2);
    expect(read1.groups.map((g) => g.id)).toEqual(['g0', 'g1', 'g2', 'g3', 'g4']);
    // Pass 1 stopped at page 2; pass 2 read 3 pages.
    expect(read1.pages).toBe(5);
  });

  it('a page holding a group already read (an order that shifted) re-reads, and a listing that keeps moving fails after target.maxRereads', async () => {
    const error = await read({ groups: groups(4), faults: { rules: [listFault({ type: 'shiftPage', by: 1 }, { every: 2 })] } }, 2, { maxRereads: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GroupListingError);
    expect((error as Error).message).toMatch(/holds 1 group\(s\) already read on an earlier page \(e\.g\. id g1, "Group 1"\)/);
    expect((error as Error).message).toContain('changed during 2 read(s) in a row (target.maxRereads: 1)');
  });

  it('a listed resource without id or displayName fails the read, naming the page and its index', async () => {
    const page = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 2,
      Resources: [{ id: 'g0', displayName: 'Group 0' }, { id: 'g1' }],
    };
    const error = await read({ groups: groups(2), faults: { rules: [listFault({ type: 'reply', status: 200, body: page })] } }, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupListingError);
    expect((error as Error).message).toContain('GET /Groups?startIndex=1 (page 1): Resources[1] has no displayName (id "g1")');
  });

  it('a listing without members: only the groups this run may manage are read one by one, and their members are the real ones', async () => {
    const seeded: SeedGroup[] = [
      { id: 'g-sales', displayName: 'Dept - Sales', members: ['ann@corp.example', 'bob@corp.example'] },
      { id: 'g-old', displayName: 'Dept - Old', members: ['bob@corp.example'] },
      { id: 'g-glass', displayName: 'Break-glass', members: ['ann@corp.example'] },
      { id: 'g-empty', displayName: 'Dept - Empty', members: [] },
    ];
    const managed = new Set(['Dept - Sales', 'Dept - Empty']);
    const result = await read({ groups: seeded, quirks: { omitGroupMembersInLists: true } }, 10, {
      mayManage: (g) => managed.has(g.displayName) || g.id === 'g-old',
    });
    expect(Object.fromEntries(result.groups.map((g) => [g.displayName, g.members]))).toEqual({
      'Dept - Sales': ['u-ann', 'u-bob'],
      'Dept - Old': ['u-bob'],
      'Dept - Empty': [],
      'Break-glass': [], // never read: not this run's
    });
    expect(groupGets().sort()).toEqual(['g-empty', 'g-old', 'g-sales']);
    expect({ pages: result.pages, memberReads: result.memberReads }).toEqual({ pages: 1, memberReads: 3 });
  });

  it('a managed group whose own GET answers 404 (deleted after it was listed) means the listing moved: it is read again from page 1', async () => {
    const seeded: SeedGroup[] = [
      { id: 'g-a', displayName: 'A', members: ['ann@corp.example'] },
      { id: 'g-b', displayName: 'B', members: ['bob@corp.example'] },
    ];
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false, users, groups: seeded, quirks: { omitGroupMembersInLists: true } });
    connection = gatedClient(emulator.url, TEST_TOKEN, { maxAttempts: 1 });
    // B's first GET answers 404, as if B had been deleted after the listing; the fresh pass finds it whole.
    emulator.setFaults({
      rules: [{ method: 'GET', pathPattern: '/Groups/g-b$', times: 1, action: { type: 'status', status: 404, detail: 'This group doesn’t exist.' } }],
    });
    const result = await readRemoteGroups(connection.client, 10, { ...options, mayManage: () => true });
    expect(result.groups).toEqual([
      { id: 'g-a', displayName: 'A', members: ['u-ann'] },
      { id: 'g-b', displayName: 'B', members: ['u-bob'] },
    ]);
    expect({ pages: result.pages, memberReads: result.memberReads }).toEqual({ pages: 2, memberReads: 2 + 2 });
  });

  it('a listing with members reads no group on its own', async () => {
    const result = await read({ groups: groups(3) }, 10, { mayManage: () => true });
    expect(result.memberReads).toBe(0);
    expect(groupGets()).toEqual([]);
    expect(result.groups.every((g) => g.members.length === 1)).toBe(true);
  });

  it('a managed group without members in the listing and in its own GET fails the read; `members: []` there is an explicit empty', async () => {
    const bare = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g0', displayName: 'Group 0' };
    const error = await read(
      {
        groups: groups(1),
        quirks: { omitGroupMembersInLists: true },
        faults: { rules: [{ method: 'GET', pathPattern: '/Groups/g0$', action: { type: 'reply', status: 200, body: bare } }] },
      },
      10,
      { mayManage: () => true },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupListingError);
    expect((error as Error).message).toContain('GET /Groups/g0 ("Group 0") has no members attribute either');

    await connection?.close();
    await emulator.close();
    const empty = await read(
      {
        groups: groups(1),
        quirks: { omitGroupMembersInLists: true },
        faults: { rules: [{ method: 'GET', pathPattern: '/Groups/g0$', action: { type: 'reply', status: 200, body: { ...bare, members: [] } } }] },
      },
      10,
      { mayManage: () => true },
    );
    expect(empty.groups).toEqual([{ id: 'g0', displayName: 'Group 0', members: [] }]);
  });

  for (const [status, scimType] of [
    [501, undefined],
    [404, undefined],
    [405, undefined],
    [400, 'invalidPath'],
  ] as const) {
    it(`a first /Groups page answered ${status} is a service without groups, not a failed read`, async () => {
      const action = {
        type: 'reply',
        status,
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), scimType, detail: 'No groups here.' },
      } as const;
      const error = await read({ groups: groups(1), faults: { rules: [listFault(action)] } }, 10).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(GroupsNotServedError);
      expect((error as GroupsNotServedError).request).toMatchObject({ httpStatus: status, detail: 'No groups here.', scimType });
    });
  }

  it('a first /Groups page answered 403 is a missing permission, kept apart from a service without groups', async () => {
    const action = { type: 'status', status: 403, detail: 'You are not permitted to manage groups.' } as const;
    const error = await read({ groups: groups(1), faults: { rules: [listFault(action)] } }, 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GroupsForbiddenError);
    expect((error as GroupsForbiddenError).request).toMatchObject({ httpStatus: 403, detail: 'You are not permitted to manage groups.' });
  });
});
