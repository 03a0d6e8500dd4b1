import { describe, expect, it } from 'vitest';

import { call, closeEmulatorsAfterEach, PATCH_SCHEMA, start } from './support.js';

closeEmulatorsAfterEach();

const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const team = ['ada', 'bob', 'cy'].map((n) => ({ userName: `${n}@example.com`, givenName: n, familyName: 'Seed', id: `id-${n}` }));
const byName = (filter: string) => `/Groups?filter=${encodeURIComponent(filter)}`;

describe('the emulator’s /Groups (Postman, seed 002)', () => {
  it('creates a group with its members, pages the listing and finds it by displayName, case-sensitively', async () => {
    const emulator = await start({ users: team, groups: [{ displayName: 'Hand-made', members: ['ada@example.com'] }] });
    const created = await call(emulator, 'POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: 'Test-API',
      members: [{ value: 'id-ada', display: 'Ada' }, { value: 'id-bob' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ schemas: [GROUP_SCHEMA], displayName: 'Test-API', members: [{ value: 'id-ada' }, { value: 'id-bob' }] });
    expect(created.headers.get('location')).toBe(`${emulator.url}/Groups/${created.body.id}`);

    const page1 = await call(emulator, 'GET', '/Groups?startIndex=1&count=1');
    const page2 = await call(emulator, 'GET', '/Groups?startIndex=2&count=1');
    expect([page1.body.totalResults, page1.body.Resources[0].displayName, page2.body.Resources[0].displayName]).toEqual([2, 'Hand-made', 'Test-API']);
    expect((await call(emulator, 'GET', byName('displayName eq "Test-API"'))).body.Resources.map((g: { id: string }) => g.id)).toEqual([created.body.id]);
    expect((await call(emulator, 'GET', byName('displayName eq "test-api"'))).body.totalResults).toBe(0);
    expect((await call(emulator, 'GET', byName('members.value eq "id-ada"'))).status).toBe(400); // only displayName, as documented
  });

  it('a second create with the same name is a 409; one that differs in case is another group', async () => {
    const emulator = await start({ users: team, groups: [{ displayName: 'Dept - Sales' }] });
    expect((await call(emulator, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Dept - Sales' })).status).toBe(409);
    expect((await call(emulator, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Dept - sales' })).status).toBe(201);
  });

  it('PATCH adds members and removes them by members[value eq "…"], under either PatchOp spelling; all or nothing', async () => {
    const emulator = await start({ users: team, groups: [{ displayName: 'G', id: 'g1', members: ['ada@example.com'] }] });
    const add = await call(emulator, 'PATCH', '/Groups/g1', {
      schemas: [PATCH_SCHEMA],
      operations: [{ op: 'add', path: 'members', value: [{ value: 'id-bob' }, { value: 'id-cy' }] }],
    });
    expect(add.status).toBe(200);
    const remove = await call(emulator, 'PATCH', '/Groups/g1', {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'remove', path: 'members[value eq "id-ada"]' },
        { op: 'remove', path: 'members[value eq "id-cy"]' },
      ],
    });
    expect(remove.body.members.map((m: { value: string }) => m.value)).toEqual(['id-bob']);
    const unknown = await call(emulator, 'PATCH', '/Groups/g1', {
      schemas: [PATCH_SCHEMA],
      operations: [
        { op: 'remove', path: 'members[value eq "id-bob"]' },
        { op: 'add', path: 'members', value: [{ value: 'nobody' }] },
      ],
    });
    expect(unknown.status).toBe(400);
    expect(emulator.groups.get('g1')?.members).toEqual(['id-bob']);
  });

  it('DELETE removes the group; a PATCH to it afterwards is a 404', async () => {
    const emulator = await start({ users: team, groups: [{ displayName: 'G', id: 'g1' }] });
    expect((await call(emulator, 'DELETE', '/Groups/g1')).status).toBe(204);
    const patch = await call(emulator, 'PATCH', '/Groups/g1', {
      schemas: [PATCH_SCHEMA],
      operations: [{ op: 'add', path: 'members', value: [{ value: 'id-ada' }] }],
    });
    expect(patch.status).toBe(404);
  });

  it('/ResourceTypes lists Group for postman and generic, not for nintex, whose /Groups is no route', async () => {
    for (const dialect of ['postman', 'generic'] as const) {
      const emulator = await start({ dialect });
      expect((await call(emulator, 'GET', '/ResourceTypes')).body.Resources.map((t: { endpoint: string }) => t.endpoint)).toEqual(['/Users', '/Groups']);
    }
    const nintex = await start({ dialect: 'nintex' });
    expect((await call(nintex, 'GET', '/ResourceTypes')).body.Resources.map((t: { endpoint: string }) => t.endpoint)).toEqual(['/Users']);
    expect((await call(nintex, 'GET', '/Groups')).status).toBe(404);
  });

  it('generic: names are compared ignoring case (RFC 7643 displayName is not caseExact)', async () => {
    const emulator = await start({ dialect: 'generic', users: team, groups: [{ displayName: 'Dept - Sales' }] });
    expect((await call(emulator, 'POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'dept - sales' })).status).toBe(409);
    expect((await call(emulator, 'GET', byName('displayName eq "DEPT - SALES"'))).body.totalResults).toBe(1);
  });
});
