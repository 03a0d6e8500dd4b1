import { describe, expect, it } from 'vitest';

import type { EmulatorOptions, SeedUser } from '../../src/emulator/server.js';
import { UserStore } from '../../src/emulator/userStore.js';
import { ENTERPRISE, ERROR_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, call, closeEmulatorsAfterEach, filterQuery, start } from './support.js';

closeEmulatorsAfterEach();

const generic = (options: EmulatorOptions = {}) => start({ dialect: 'generic', ...options });

const fullUser = () => ({
  schemas: [USER_SCHEMA, ENTERPRISE],
  userName: 'ada@example.com',
  externalId: 'E1',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  displayName: 'Ada Lovelace',
  title: 'Engineer',
  preferredLanguage: 'en-GB',
  locale: 'en-GB',
  timezone: 'Europe/London',
  active: true,
  password: 'secret',
  emails: [
    { value: 'ada@work.example', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  roles: [{ value: 'dev', display: 'Developer' }],
  [ENTERPRISE]: { department: 'R&D', employeeNumber: '42', manager: { value: 'm1' } },
});

const seededAda: SeedUser = {
  id: 'u1',
  userName: 'ada@example.com',
  givenName: 'Ada',
  familyName: 'Lovelace',
  externalId: 'E1',
  title: 'Engineer',
  emails: [
    { value: 'ada@work.example', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  attributes: { [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } } },
};

const patchOps = (...Operations: unknown[]) => ({ schemas: [PATCH_SCHEMA], Operations });

describe('generic: create, read, replace, delete', () => {
  it('a generic create stores the whole resource, extension included, and never returns the password', async () => {
    const emulator = await generic();
    const { status, headers, body } = await call(emulator, 'POST', '/Users', fullUser());
    expect(status).toBe(201);
    const { password: _password, ...expected } = fullUser();
    expect(body).toEqual({
      ...expected,
      id: expect.any(String),
      meta: { resourceType: 'User', created: expect.any(String), lastModified: expect.any(String), location: `${emulator.url}/Users/${body.id}` },
    });
    expect(body.schemas).toEqual([USER_SCHEMA, ENTERPRISE]);
    expect(headers.get('location')).toBe(body.meta.location);
    expect((await call(emulator, 'GET', `/Users/${body.id}`)).body).toEqual(body);
    expect(emulator.store.resource(body.id)).toEqual(body);
    expect(emulator.store.get(body.id)).toMatchObject({
      userName: 'ada@example.com',
      givenName: 'Ada',
      familyName: 'Lovelace',
      externalId: 'E1',
      active: true,
      locale: 'en-GB',
      title: 'Engineer',
      roles: ['Developer'],
    });
  });

  it('a generic create of a taken userName (any case) answers 409 uniqueness', async () => {
    const emulator = await generic({ users: [seededAda] });
    const { status, body } = await call(emulator, 'POST', '/Users', { ...fullUser(), userName: 'ADA@example.com' });
    expect(status).toBe(409);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'uniqueness', status: '409' });
  });

  it.each([
    ['no core schema', { userName: 'a@x.io' }, 'invalidSyntax'],
    ['no userName', { schemas: [USER_SCHEMA], name: { givenName: 'A' } }, 'invalidValue'],
    ['a string active', { schemas: [USER_SCHEMA], userName: 'a@x.io', active: 'yes' }, 'invalidValue'],
    ['emails that are not a list', { schemas: [USER_SCHEMA], userName: 'a@x.io', emails: { value: 'a@x.io' } }, 'invalidValue'],
  ])('a generic create with %s answers 400 %s', async (_, payload, scimType) => {
    const emulator = await generic();
    const { status, body } = await call(emulator, 'POST', '/Users', payload);
    expect(status).toBe(400);
    expect(body.scimType).toBe(scimType);
    expect(emulator.store.size).toBe(0);
  });

  it('a generic PUT replaces the resource, keeping id, created and (when left out) active', async () => {
    const emulator = await generic({ users: [{ ...seededAda, active: false }] });
    const before = emulator.store.resource('u1') as { meta: { created: string } };
    const { status, body } = await call(emulator, 'PUT', '/Users/u1', {
      schemas: [USER_SCHEMA],
      id: 'ignored',
      userName: 'ada.king@example.com',
      name: { givenName: 'Augusta' },
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      schemas: [USER_SCHEMA],
      id: 'u1',
      userName: 'ada.king@example.com',
      name: { givenName: 'Augusta' },
      active: false,
      meta: expect.objectContaining({ created: before.meta.created }),
    });
    expect(emulator.store.findByUserName('ada@example.com')).toBeUndefined();
    expect(emulator.store.findByUserName('ada.king@example.com')?.id).toBe('u1');
  });

  it("a generic PUT onto another user's userName answers 409; to an unknown id 404", async () => {
    const emulator = await generic({ users: [seededAda, { id: 'u2', userName: 'bob@example.com' }] });
    expect((await call(emulator, 'PUT', '/Users/u2', { schemas: [USER_SCHEMA], userName: 'Ada@example.com' })).status).toBe(409);
    expect((await call(emulator, 'PUT', '/Users/nope', { schemas: [USER_SCHEMA], userName: 'x@example.com' })).status).toBe(404);
  });

  it('a generic DELETE removes the user: 204, then 404', async () => {
    const emulator = await generic({ users: [seededAda] });
    const deleted = await call(emulator, 'DELETE', '/Users/u1');
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    expect(emulator.store.size).toBe(0);
    expect((await call(emulator, 'GET', '/Users/u1')).status).toBe(404);
    expect((await call(emulator, 'DELETE', '/Users/u1')).status).toBe(404);
    // The userName is free again.
    expect((await call(emulator, 'POST', '/Users', fullUser())).status).toBe(201);
  });

  it('a generic list pages with startIndex/count and filters on userName, externalId or emails', async () => {
    const emulator = await generic({
      users: [seededAda, { userName: 'bob@example.com', externalId: 'E2' }, { userName: 'cy@example.com', externalId: 'E3' }],
      maxPageSize: 2,
    });
    const page = await call(emulator, 'GET', '/Users?startIndex=3&count=10');
    expect(page.body).toMatchObject({ totalResults: 3, startIndex: 3, itemsPerPage: 1, Resources: [{ userName: 'cy@example.com' }] });
    expect((await call(emulator, 'GET', filterQuery('userName eq "BOB@example.com"'))).body.Resources).toEqual([expect.objectContaining({ externalId: 'E2' })]);
    expect((await call(emulator, 'GET', filterQuery('externalId eq "E3"'))).body.totalResults).toBe(1);
    expect((await call(emulator, 'GET', filterQuery('emails[type eq "work" and value eq "ada@work.example"]'))).body.totalResults).toBe(1);
    const bad = await call(emulator, 'GET', filterQuery('userName eq "x" and'));
    expect(bad.status).toBe(400);
    expect(bad.body.scimType).toBe('invalidFilter');
  });

  it('an or-chain of eq on one attribute (many users in one ask) matches as each term would: externalId case-exact, userName not', async () => {
    const emulator = await generic({
      users: [seededAda, { userName: 'bob@example.com', externalId: 'E2' }, { userName: 'cy@example.com', externalId: 'E3' }],
    });
    const userNames = async (filter: string) =>
      ((await call(emulator, 'GET', filterQuery(filter))).body.Resources as { userName: string }[]).map((u) => u.userName).sort();
    expect(await userNames('externalId eq "E2" or externalId eq "e3" or externalId eq "E9"')).toEqual(['bob@example.com']);
    expect(await userNames('userName eq "BOB@example.com" or username eq "cy@EXAMPLE.com"')).toEqual(['bob@example.com', 'cy@example.com']);
    // Mixed attributes go term by term.
    expect(await userNames('userName eq "bob@example.com" or externalId eq "E3"')).toEqual(['bob@example.com', 'cy@example.com']);
  });
});

describe('generic: PATCH', () => {
  it('a generic PATCH replace on emails[type eq "work"].value changes only the work email', async () => {
    const emulator = await generic({ users: [seededAda] });
    const { status, body } = await call(
      emulator,
      'PATCH',
      '/Users/u1',
      patchOps({ op: 'replace', path: 'emails[type eq "work"].value', value: 'ada@new.example' }),
    );
    expect(status).toBe(200);
    expect(body.emails).toEqual([
      { value: 'ada@new.example', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ]);
  });

  it('a generic PATCH replace on a filter matching nothing adds the element', async () => {
    const emulator = await generic({ users: [{ id: 'u1', userName: 'bob@example.com' }] });
    const { body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'emails[type eq "work"].value', value: 'bob@work.example' }));
    expect(body.emails).toEqual([{ type: 'work', value: 'bob@work.example' }]);
  });

  it('a generic PATCH sets simple, sub-attribute and enterprise extension attributes, and the schemas follow', async () => {
    const emulator = await generic({ users: [{ id: 'u1', userName: 'bob@example.com', givenName: 'Bob', familyName: 'Brown' }] });
    const { body } = await call(
      emulator,
      'PATCH',
      '/Users/u1',
      patchOps(
        { op: 'replace', path: 'title', value: 'Manager' },
        { op: 'replace', path: 'name.givenName', value: 'Robert' },
        { op: 'add', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'replace', path: `${ENTERPRISE}:manager`, value: { value: 'm9' } },
      ),
    );
    expect(body).toMatchObject({
      schemas: [USER_SCHEMA, ENTERPRISE],
      title: 'Manager',
      name: { givenName: 'Robert', familyName: 'Brown' },
      [ENTERPRISE]: { department: 'Sales', manager: { value: 'm9' } },
    });
    expect(emulator.store.get('u1')).toMatchObject({ givenName: 'Robert', title: 'Manager' });
    const removed = await call(
      emulator,
      'PATCH',
      '/Users/u1',
      patchOps({ op: 'remove', path: `${ENTERPRISE}:department` }, { op: 'remove', path: `${ENTERPRISE}:manager.value` }),
    );
    expect(removed.body.schemas).toEqual([USER_SCHEMA]);
    expect(removed.body).not.toHaveProperty(ENTERPRISE);
  });

  it('a generic PATCH without a path merges the value object; Entra-style "False" deactivates', async () => {
    const emulator = await generic({ users: [seededAda] });
    const { body } = await call(emulator, 'PATCH', '/Users/u1', {
      schemas: [PATCH_SCHEMA],
      operations: [{ op: 'Replace', value: { active: 'False', displayName: 'Ada L.', [ENTERPRISE]: { department: 'Ops' } } }],
    });
    expect(body).toMatchObject({ active: false, displayName: 'Ada L.', [ENTERPRISE]: { department: 'Ops', manager: { value: 'm1' } } });
    expect(emulator.store.get('u1')?.active).toBe(false);
  });

  it('a generic PATCH renaming onto a taken userName answers 409 and changes nothing', async () => {
    const emulator = await generic({ users: [seededAda, { id: 'u2', userName: 'bob@example.com' }] });
    const { status } = await call(emulator, 'PATCH', '/Users/u2', patchOps({ op: 'replace', path: 'userName', value: 'ADA@example.com' }));
    expect(status).toBe(409);
    expect(emulator.store.get('u2')?.userName).toBe('bob@example.com');
  });

  it.each([
    ['a malformed path', { op: 'replace', path: 'emails[type eq "work"', value: 'x' }, 'invalidPath'],
    ['a malformed filter', { op: 'replace', path: 'emails[type zz "work"].value', value: 'x' }, 'invalidFilter'],
    ['a read-only attribute', { op: 'replace', path: 'id', value: 'x' }, 'mutability'],
    ['a remove without a path', { op: 'remove' }, 'noTarget'],
    ['an unknown op', { op: 'copy', path: 'title', value: 'x' }, 'invalidSyntax'],
  ])('a generic PATCH with %s answers 400 %s and applies nothing', async (_, operation, scimType) => {
    const emulator = await generic({ users: [seededAda] });
    const before = emulator.store.resource('u1');
    const { status, body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'title', value: 'Changed' }, operation));
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType, status: '400' });
    expect(emulator.store.resource('u1')).toEqual(before);
  });

  it('with patchSupported false a generic PATCH answers 501 and ServiceProviderConfig says so', async () => {
    const emulator = await generic({ users: [seededAda], patchSupported: false, maxPageSize: 20 });
    const config = await call(emulator, 'GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: false }, filter: { supported: true, maxResults: 20 } });
    const { status, body } = await call(emulator, 'PATCH', '/Users/u1', patchOps({ op: 'replace', path: 'active', value: false }));
    expect(status).toBe(501);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '501' });
    expect(emulator.store.get('u1')?.active).toBe(true);
  });

  it('generic ServiceProviderConfig reports PATCH by default; ResourceTypes declares the enterprise extension', async () => {
    const emulator = await generic({ maxPageSize: 30 });
    expect((await call(emulator, 'GET', '/ServiceProviderConfig')).body).toMatchObject({ patch: { supported: true }, filter: { maxResults: 30 } });
    const types = await call(emulator, 'GET', '/ResourceTypes/User');
    expect(types.body.schemaExtensions).toEqual([{ schema: ENTERPRISE, required: false }]);
  });
});

describe('every dialect: the shared pipeline', () => {
  it('faults, the request log and numeric-status quirk apply to the generic dialect too', async () => {
    const emulator = await generic({
      faults: { rules: [{ method: 'POST', times: 1, action: { type: 'status', status: 500 } }] },
      quirks: { numericStatusInErrors: true },
    });
    const failed = await call(emulator, 'POST', '/Users', fullUser());
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: 500 });
    expect((await call(emulator, 'POST', '/Users', fullUser())).status).toBe(201);
    expect(emulator.requestLog.map((e) => [e.method, e.status, e.fault])).toEqual([
      ['POST', 500, 'status'],
      ['POST', 201, undefined],
    ]);
    expect(emulator.writeCount()).toBe(2);
  });

  it('the rate limit answers 429 with Retry-After in the nintex dialect', async () => {
    const emulator = await start({ dialect: 'nintex', rateLimit: { max: 1, windowMs: 2000 } });
    await call(emulator, 'GET', '/Users');
    const limited = await call(emulator, 'GET', '/Users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '429' });
  });

  it('an unknown dialect is refused at start', async () => {
    await expect(start({ dialect: 'okta' as never })).rejects.toThrow(/dialect/);
  });
});

describe('user store resources', () => {
  it('the flat view stays correct whichever dialect wrote the user, and resource() renders per dialect', () => {
    const seed: SeedUser = { id: 'u1', userName: 'a@x.io', givenName: 'A', familyName: 'B', roles: ['Admin'], emails: [{ value: 'a@x.io' }] };
    const postman = new UserStore(undefined, { dialect: 'postman' });
    const nintex = new UserStore(undefined, { dialect: 'nintex' });
    postman.add(seed);
    nintex.add(seed);
    expect(postman.get('u1')).toMatchObject({ id: 'u1', userName: 'a@x.io', givenName: 'A', familyName: 'B', active: true, roles: ['Admin'] });
    expect(Object.keys(postman.resource('u1') ?? {})).toEqual(['schemas', 'id', 'userName', 'name', 'active', 'meta']);
    expect(nintex.resource('u1')).toMatchObject({ roles: [{ display: 'Admin' }], emails: [{ value: 'a@x.io' }] });
    expect(nintex.knownRoles()).toEqual(['Admin']);
  });

  it('replaceAttributes moves the userName index and lastModified only on real changes', () => {
    let clock = Date.parse('2024-01-01T00:00:00.000Z');
    const store = new UserStore(() => new Date(clock), { dialect: 'generic' });
    store.add({ id: 'u1', userName: 'a@x.io' });
    clock += 1000;
    const same = store.attributes('u1') ?? {};
    expect(store.replaceAttributes('u1', same)?.lastModified).toBe('2024-01-01T00:00:00.000Z');
    expect(store.replaceAttributes('u1', { ...same, userName: 'b@x.io' })?.lastModified).toBe('2024-01-01T00:00:01.000Z');
    expect(store.findByUserName('a@x.io')).toBeUndefined();
    expect(store.findByUserName('B@x.io')?.id).toBe('u1');
    expect(store.remove('u1')).toBe(true);
    expect(store.size).toBe(0);
  });
});
