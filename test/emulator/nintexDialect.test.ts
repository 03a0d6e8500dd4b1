import { describe, expect, it } from 'vitest';

import type { EmulatorOptions, SeedUser } from '../../src/emulator/server.js';
import { ERROR_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, call, closeEmulatorsAfterEach, filterQuery, start } from './support.js';

closeEmulatorsAfterEach();

const nintex = (options: EmulatorOptions = {}) => start({ dialect: 'nintex', ...options });

/** The doc's "all attributes" create example (seed 003), as valid JSON. */
const joeBloggs = () => ({
  userName: 'joe.bloggs',
  name: { familyName: 'Bloggs', givenName: 'Joe' },
  active: true,
  password: 't1meMa$heen',
  preferredLanguage: 'en_US',
  timezone: 'America/Los_Angeles',
  emails: [{ value: 'j.bloggs@example.com' }],
  roles: [{ display: 'Author' }, { display: 'Accountant' }],
});

const seededJoe: SeedUser = {
  id: 'u1',
  userName: 'joe.bloggs',
  givenName: 'Joe',
  familyName: 'Bloggs',
  emails: [{ value: 'j.bloggs@example.com' }],
  roles: ['Author', 'Accountant'],
  attributes: { timezone: 'America/Los_Angeles' },
};

const patchOps = (...operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], operations });

describe('Nintex: creating users', () => {
  it('a Nintex create with every documented attribute answers 201, stores them and never returns the password', async () => {
    const emulator = await nintex();
    const { status, headers, body } = await call(emulator, 'POST', '/Users', joeBloggs(), { 'Content-Type': 'application/json-patch+json' });
    expect(status).toBe(201);
    expect(body).toEqual({
      schemas: [USER_SCHEMA],
      id: expect.any(String),
      userName: 'joe.bloggs',
      name: { givenName: 'Joe', familyName: 'Bloggs' },
      active: true,
      emails: [{ value: 'j.bloggs@example.com' }],
      roles: [{ display: 'Author' }, { display: 'Accountant' }],
      timezone: 'America/Los_Angeles',
      preferredLanguage: 'en_US',
      meta: { resourceType: 'User', created: expect.any(String), lastModified: body.meta.created, location: `${emulator.url}/Users/${body.id}` },
    });
    expect(headers.get('location')).toBe(`${emulator.url}/Users/${body.id}`);
    expect(JSON.stringify(emulator.store.resource(body.id))).not.toContain('t1meMa');
    expect(emulator.store.get(body.id)).toMatchObject({
      userName: 'joe.bloggs',
      givenName: 'Joe',
      familyName: 'Bloggs',
      active: true,
      roles: ['Author', 'Accountant'],
      timezone: 'America/Los_Angeles',
    });
    expect(emulator.store.knownRoles()).toEqual(['Author', 'Accountant']);
  });

  it('a Nintex create needs no schemas, keeps an externalId when sent and honours active=false', async () => {
    const emulator = await nintex();
    const { status, body } = await call(emulator, 'POST', '/Users', {
      userName: 'ann',
      name: { givenName: 'Ann', familyName: 'Lee' },
      externalId: 'E7',
      active: false,
    });
    expect(status).toBe(201);
    expect(body).toMatchObject({ userName: 'ann', externalId: 'E7', active: false });
    expect(emulator.store.findByUserName('ann')).toMatchObject({ externalId: 'E7', active: false });
  });

  it('a Nintex create with a duplicate userName answers 400 uniqueness, not 409', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { status, body } = await call(emulator, 'POST', '/Users', { ...joeBloggs(), userName: 'JOE.BLOGGS' });
    expect(status).toBe(400);
    expect(body).toEqual({ schemas: [ERROR_SCHEMA], scimType: 'uniqueness', detail: 'A user with this userName already exists.', status: '400' });
    expect(emulator.store.size).toBe(1);
  });

  it.each([
    ['no userName', { name: { givenName: 'A', familyName: 'B' } }],
    ['no name', { userName: 'a' }],
    ['a numeric givenName', { userName: 'a', name: { givenName: 1, familyName: 'B' } }],
    ['emails that are strings', { userName: 'a', name: { givenName: 'A', familyName: 'B' }, emails: ['a@x.io'] }],
    ['active "maybe"', { userName: 'a', name: { givenName: 'A', familyName: 'B' }, active: 'maybe' }],
  ])('a Nintex create with %s answers 400 with a SCIM error body and creates nothing', async (_, payload) => {
    const emulator = await nintex();
    const { status, body } = await call(emulator, 'POST', '/Users', payload);
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: expect.any(String), status: '400' });
    expect(emulator.store.size).toBe(0);
  });

  it('a Nintex create with a role that does not exist creates the role', async () => {
    const emulator = await nintex({ roles: ['Author'] });
    await call(emulator, 'POST', '/Users', { ...joeBloggs(), roles: [{ display: 'author' }, { display: 'Auditor' }] });
    expect(emulator.store.knownRoles()).toEqual(['Author', 'Auditor']);
    expect(emulator.store.findByUserName('joe.bloggs')?.roles).toEqual(['Author', 'Auditor']);
  });

  it('a Nintex request body in text/plain answers 415', async () => {
    const emulator = await nintex();
    const { status, body } = await call(emulator, 'POST', '/Users', joeBloggs(), { 'Content-Type': 'text/plain' });
    expect(status).toBe(415);
    expect(body.schemas).toEqual([ERROR_SCHEMA]);
  });
});

describe('Nintex: PUT', () => {
  it('a Nintex PUT without roles leaves roles unchanged', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { status, body } = await call(emulator, 'PUT', '/Users/u1', {
      userName: 'joe.bloggs2',
      name: { familyName: 'Bloggs', givenName: 'Joseph' },
      active: true,
      timezone: 'Europe/London',
      emails: [{ value: 'joe@example.com' }],
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      userName: 'joe.bloggs2',
      name: { givenName: 'Joseph', familyName: 'Bloggs' },
      timezone: 'Europe/London',
      emails: [{ value: 'joe@example.com' }],
      roles: [{ display: 'Author' }, { display: 'Accountant' }],
    });
    expect(emulator.store.findByUserName('joe.bloggs2')?.roles).toEqual(['Author', 'Accountant']);
  });

  it('a Nintex PUT with roles removes the user from unlisted roles and creates unknown ones', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { body } = await call(emulator, 'PUT', '/Users/u1', { userName: 'joe.bloggs', roles: [{ display: 'Author' }, { display: 'Reviewer' }] });
    expect(body.roles).toEqual([{ display: 'Author' }, { display: 'Reviewer' }]);
    expect(emulator.store.knownRoles()).toEqual(['Author', 'Accountant', 'Reviewer']);
    const cleared = await call(emulator, 'PUT', '/Users/u1', { roles: [] });
    expect(cleared.body).not.toHaveProperty('roles');
  });

  it('a Nintex PUT leaves out attributes unchanged and ignores preferredLanguage and password', async () => {
    const emulator = await nintex({ users: [{ ...seededJoe, attributes: { ...seededJoe.attributes, preferredLanguage: 'en_US' } }] });
    const { body } = await call(emulator, 'PUT', '/Users/u1', { active: 'False', preferredLanguage: 'fr_FR', password: 'x' });
    expect(body).toMatchObject({
      userName: 'joe.bloggs',
      name: { givenName: 'Joe' },
      active: false,
      preferredLanguage: 'en_US',
      timezone: 'America/Los_Angeles',
    });
  });

  it('a Nintex PUT to an unknown id answers 404 "User Not Found"; one taking another user\'s userName answers 400', async () => {
    const emulator = await nintex({ users: [seededJoe, { id: 'u2', userName: 'ann', givenName: 'Ann', familyName: 'Lee' }] });
    const missing = await call(emulator, 'PUT', '/Users/nope', { userName: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ schemas: [ERROR_SCHEMA], detail: 'User Not Found', status: '404' });
    const taken = await call(emulator, 'PUT', '/Users/u2', { userName: 'Joe.Bloggs' });
    expect(taken.status).toBe(400);
    expect(taken.body.scimType).toBe('uniqueness');
    expect(emulator.store.get('u2')?.userName).toBe('ann');
  });
});

describe('Nintex: PATCH', () => {
  it("a Nintex PATCH with the doc's minimal model (lower-case operations) replaces the family name", async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { status, body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'name.familyName', value: 'BloggsPatched' }), {
      'Content-Type': 'application/json-patch+json',
    });
    expect(status).toBe(200);
    expect(body.name).toEqual({ givenName: 'Joe', familyName: 'BloggsPatched' });
  });

  it('a Nintex PATCH in RFC spelling (Operations, Replace) changes givenName, active and emails at once', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { body } = await call(emulator, 'PATCH', '/Users/u1', {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'Replace', path: 'name.givenName', value: 'Joseph' },
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'emails', value: [{ value: 'joseph@example.com' }] },
      ],
    });
    expect(body).toMatchObject({ name: { givenName: 'Joseph' }, active: false, emails: [{ value: 'joseph@example.com' }] });
  });

  it('a Nintex PATCH add on roles appends without duplicates and creates unknown roles', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'add', path: 'roles', value: [{ display: 'author' }, { display: 'Auditor' }] }));
    expect(body.roles).toEqual([{ display: 'Author' }, { display: 'Accountant' }, { display: 'Auditor' }]);
    expect(emulator.store.knownRoles()).toContain('Auditor');
  });

  it('a Nintex PATCH replace on roles replaces the list', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'roles', value: [{ display: 'Viewer' }] }));
    expect(body.roles).toEqual([{ display: 'Viewer' }]);
  });

  it('a Nintex PATCH remove on roles[display eq "X"] removes only that role; remove roles removes them all', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const one = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'remove', path: 'roles[display eq "author"]' }));
    expect(one.body.roles).toEqual([{ display: 'Accountant' }]);
    const all = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'remove', path: 'roles' }));
    expect(all.body).not.toHaveProperty('roles');
    expect(emulator.store.knownRoles()).toEqual(['Author', 'Accountant']); // roles outlive their members
  });

  it('a Nintex PATCH refuses userName, timezone and preferredLanguage (PUT-only in the doc) and takes a no-path value object of names', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    for (const path of ['userName', 'TIMEZONE', 'preferredLanguage']) {
      const { status, body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path, value: 'x' }));
      expect(status, path).toBe(400);
      expect(body).toMatchObject({ scimType: 'invalidPath' });
    }
    const { body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'add', value: { name: { givenName: 'Jo' } } }));
    expect(body).toMatchObject({ userName: 'joe.bloggs', name: { givenName: 'Jo', familyName: 'Bloggs' } });
  });

  it('a Nintex PATCH with an unknown path answers 400 invalidPath and applies none of its operations', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { status, body } = await call(
      emulator,
      'PATCH',
      '/Users/u1',
      patchOps({ op: 'replace', path: 'active', value: false }, { op: 'replace', path: 'title', value: 'Boss' }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidPath', status: '400' });
    expect(emulator.store.get('u1')?.active).toBe(true);
  });

  it('a Nintex PATCH with a bad op or no operations answers 400; an unknown id 404', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    expect((await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'move', path: 'active', value: false }))).status).toBe(400);
    expect((await call(emulator, 'PATCH', '/Users/u1', patchOps())).status).toBe(400);
    expect((await call(emulator, 'PATCH', '/Users/nope', patchOps({ op: 'replace', path: 'active', value: false }))).status).toBe(404);
  });
});

describe('Nintex: DELETE and reads', () => {
  it('a Nintex DELETE deactivates and the user stays listed', async () => {
    const emulator = await nintex({ users: [seededJoe] });
    const { status, body } = await call(emulator, 'DELETE', '/Users/u1');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'u1', active: false, roles: [{ display: 'Author' }, { display: 'Accountant' }] });
    const list = await call(emulator, 'GET', '/Users');
    expect(list.body.totalResults).toBe(1);
    expect(list.body.Resources[0]).toMatchObject({ id: 'u1', active: false });
    expect(emulator.store.get('u1')?.active).toBe(false);
    // Reactivation is a PATCH.
    const back = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'active', value: true }));
    expect(back.body.active).toBe(true);
  });

  it('a Nintex DELETE of an unknown id answers 404', async () => {
    const emulator = await nintex();
    const { status, body } = await call(emulator, 'DELETE', '/Users/nope');
    expect(status).toBe(404);
    expect(body.detail).toBe('User Not Found');
  });

  it('a Nintex list filter accepts the doc\'s lower-case "username eq" and pages with startIndex/count', async () => {
    const emulator = await nintex({
      users: ['jo', 'jon', 'joanna'].map((userName) => ({ userName, givenName: userName, familyName: 'X' })),
      maxPageSize: 2,
    });
    const found = await call(emulator, 'GET', filterQuery('username eq "JO"'));
    expect(found.body).toMatchObject({ totalResults: 1, Resources: [{ userName: 'jo' }] });
    const page = await call(emulator, 'GET', '/Users?startIndex=2&count=5');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 2, itemsPerPage: 2 });
    expect(page.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['jon', 'joanna']);
    const ne = await call(emulator, 'GET', filterQuery('userName ne "jo" and userName sw "jo"'));
    expect(ne.body.totalResults).toBe(2);
    const bad = await call(emulator, 'GET', filterQuery('userName eq'));
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidFilter');
  });

  it('Nintex ServiceProviderConfig reports patch and filter support; errors are Nintex-worded', async () => {
    const emulator = await nintex({ maxPageSize: 50 });
    const { body } = await call(emulator, 'GET', '/ServiceProviderConfig');
    expect(body).toMatchObject({ patch: { supported: true }, filter: { supported: true, maxResults: 50 } });
    const unauthorized = await call(emulator, 'GET', '/Users', undefined, { Authorization: 'Bearer wrong' });
    expect(unauthorized.body).toEqual({ schemas: [ERROR_SCHEMA], detail: 'Unauthorized', status: '401' });
  });
});
