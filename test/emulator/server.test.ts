import { describe, expect, it } from 'vitest';

import { startEmulator } from '../../src/emulator/server.js';
import { call, closeEmulatorsAfterEach, ERROR_SCHEMA, PATCH_SCHEMA, start, TOKEN, USER_SCHEMA } from './support.js';

closeEmulatorsAfterEach();

function newUser(userName: string, givenName = 'Test', familyName = 'User') {
  return { schemas: [USER_SCHEMA], userName, name: { givenName, familyName }, externalId: '23123123', locale: 'en-US', groups: [], active: true };
}

const patchActive = (active: boolean) => ({
  schemas: [PATCH_SCHEMA],
  Operations: [{ op: 'replace', value: { active } }],
});

const seedUsers = (n: number) => Array.from({ length: n }, (_, i) => ({ userName: `user${i + 1}@example.com`, givenName: `U${i + 1}`, familyName: 'Seed' }));

describe('creating users', () => {
  it('a create answers 201 with the user shaped exactly like Postman’s example', async () => {
    const emulator = await start();
    const { status, headers, body } = await call(emulator, 'POST', '/Users', newUser('test.user@okta.local'));
    expect(status).toBe(201);
    expect(headers.get('content-type')).toBe('application/scim+json');
    expect(Object.keys(body)).toEqual(['schemas', 'id', 'userName', 'name', 'externalId', 'active', 'meta']);
    expect(body).toEqual({
      schemas: [USER_SCHEMA],
      id: expect.stringMatching(/^[0-9a-f]{48}$/),
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      externalId: '23123123',
      active: true,
      meta: { resourceType: 'User', created: expect.any(String), lastModified: body.meta.created },
    });
    expect(body.meta.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(headers.get('location')).toBe(`${emulator.url}/Users/${body.id}`);
    expect(emulator.store.get(body.id)?.userName).toBe('test.user@okta.local');
  });

  it('a create always activates the user, as Postman does', async () => {
    const emulator = await start();
    const { body } = await call(emulator, 'POST', '/Users', { ...newUser('a@x.io'), active: false });
    expect(body.active).toBe(true);
  });

  it('a create with an existing userName answers 409 with Postman’s body', async () => {
    const emulator = await start({ users: [{ userName: 'Taylor.Lee@example.com', givenName: 'Taylor', familyName: 'Lee' }] });
    const { status, body } = await call(emulator, 'POST', '/Users', newUser('taylor.lee@EXAMPLE.com'));
    expect(status).toBe(409);
    expect(body).toEqual({
      schemas: [ERROR_SCHEMA],
      scimType: 'uniqueness',
      detail: 'This person is already a member of the team.',
      status: '409',
    });
    expect(emulator.store.size).toBe(1);
  });

  it.each([
    ['no core User schema', { userName: 'a@x.io', name: { givenName: 'A', familyName: 'B' } }],
    ['a blank userName', { ...newUser('a@x.io'), userName: '  ' }],
    ['no name', { schemas: [USER_SCHEMA], userName: 'a@x.io' }],
    ['a numeric familyName', { ...newUser('a@x.io'), name: { givenName: 'A', familyName: 7 } }],
    ['invalid JSON', '{"schemas": ['],
    ['an empty body', ''],
  ])('a create with %s answers 400 invalidSyntax with Postman’s body', async (_, payload) => {
    const emulator = await start();
    const { status, body } = await call(emulator, 'POST', '/Users', payload);
    expect(status).toBe(400);
    expect(body).toEqual({
      schemas: [ERROR_SCHEMA],
      scimType: 'invalidSyntax',
      detail: 'The request body seems to be incomplete or have unsupported characters.',
      status: '400',
    });
    expect(emulator.store.size).toBe(0);
  });

  it('a create sent as application/json is accepted; one sent as text/plain gets 415', async () => {
    const emulator = await start();
    const json = await call(emulator, 'POST', '/Users', newUser('a@x.io'), { 'Content-Type': 'application/json' });
    expect(json.status).toBe(201);
    const text = await call(emulator, 'POST', '/Users', newUser('b@x.io'), { 'Content-Type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.schemas).toEqual([ERROR_SCHEMA]);
  });
});

describe('authentication', () => {
  it('a request without a valid token answers 401 with Postman’s body', async () => {
    const emulator = await start();
    for (const authorization of ['', 'Bearer wrong', 'wrong']) {
      const { status, body } = await call(emulator, 'GET', '/Users', undefined, { Authorization: authorization });
      expect(status).toBe(401);
      expect(body).toEqual({
        schemas: [ERROR_SCHEMA],
        detail: 'Unable to access the team. Check if you have entered a valid API key.',
        status: '401',
      });
    }
  });

  it('the raw token without "Bearer" works, as in Postman’s examples', async () => {
    const emulator = await start();
    expect((await call(emulator, 'GET', '/Users', undefined, { Authorization: TOKEN })).status).toBe(200);
    expect((await call(emulator, 'GET', '/Users', undefined, { Authorization: `bearer ${TOKEN}` })).status).toBe(200);
  });

  it('without a configured token every request is let in', async () => {
    const emulator = await start({ token: undefined });
    expect((await call(emulator, 'GET', '/Users', undefined, { Authorization: '' })).status).toBe(200);
  });
});

describe('reading users', () => {
  it('an unknown id answers 404 with Postman’s “isn’t a member” body', async () => {
    const emulator = await start();
    const { status, body } = await call(emulator, 'GET', '/Users/405775fe15ed41872a8eea4c8aa2b38cda9749812cc55c99');
    expect(status).toBe(404);
    expect(body).toEqual({ schemas: [ERROR_SCHEMA], detail: 'This person isn’t a member of the team.', status: '404' });
  });

  it('a seeded user is served with its fixed id, and locale when it has one', async () => {
    const emulator = await start({ users: [{ id: 'fixed-id', userName: 'a@x.io', givenName: 'A', familyName: 'B', locale: 'en-US', active: false }] });
    const { status, body } = await call(emulator, 'GET', '/Users/fixed-id');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: 'fixed-id', userName: 'a@x.io', locale: 'en-US', active: false });
  });

  it('pages walk the users in creation order with count capped at maxPageSize', async () => {
    const emulator = await start({ users: seedUsers(7), maxPageSize: 3 });
    const first = await call(emulator, 'GET', '/Users?startIndex=1&count=50');
    expect(first.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 7,
      startIndex: 1,
      itemsPerPage: 3,
    });
    const names: string[] = [];
    for (let startIndex = 1; startIndex <= 7; startIndex += 3) {
      const { body } = await call(emulator, 'GET', `/Users?startIndex=${startIndex}`);
      names.push(...body.Resources.map((u: { userName: string }) => u.userName));
    }
    expect(names).toEqual(seedUsers(7).map((u) => u.userName));
  });

  it('a page past the end is empty', async () => {
    const emulator = await start({ users: seedUsers(3) });
    const { body } = await call(emulator, 'GET', '/Users?startIndex=4&count=2');
    expect(body).toMatchObject({ totalResults: 3, startIndex: 4, itemsPerPage: 0, Resources: [] });
  });

  it('a page past the end with the repeat quirk returns page 1 again', async () => {
    const emulator = await start({ users: seedUsers(3), quirks: { repeatFirstPageBeyondEnd: true } });
    const { body } = await call(emulator, 'GET', '/Users?startIndex=4&count=2');
    expect(body.totalResults).toBe(3);
    expect(body.startIndex).toBe(4);
    expect(body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['user1@example.com', 'user2@example.com']);
  });

  it('the omitItemsPerPage quirk leaves itemsPerPage out of list responses', async () => {
    const emulator = await start({ users: seedUsers(2), quirks: { omitItemsPerPage: true } });
    const { body } = await call(emulator, 'GET', '/Users');
    expect(body).not.toHaveProperty('itemsPerPage');
    expect(body.Resources).toHaveLength(2);
  });

  it('a userName eq filter finds the user whatever the case', async () => {
    const emulator = await start({ users: seedUsers(3) });
    const filter = encodeURIComponent('userName eq "USER2@example.com"');
    const { status, body } = await call(emulator, 'GET', `/Users?filter=${filter}`);
    expect(status).toBe(200);
    expect(body.totalResults).toBe(1);
    expect(body.Resources[0].userName).toBe('user2@example.com');
    const none = await call(emulator, 'GET', `/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`);
    expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });
  });

  it('any other filter answers 400 invalidFilter', async () => {
    const emulator = await start();
    const { status, body } = await call(emulator, 'GET', `/Users?filter=${encodeURIComponent('externalId eq "1"')}`);
    expect(status).toBe(400);
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], scimType: 'invalidFilter', status: '400' });
  });
});

describe('updating users', () => {
  it('a PUT changes only the name; userName, externalId and active are ignored', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io', givenName: 'Old', familyName: 'Name', externalId: 'e1' }] });
    const before = emulator.store.get('u1');
    await new Promise((r) => setTimeout(r, 5));
    const { status, body } = await call(emulator, 'PUT', '/Users/u1', {
      ...newUser('changed@x.io', 'New', 'Person'),
      externalId: 'e2',
      active: false,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ userName: 'a@x.io', name: { givenName: 'New', familyName: 'Person' }, externalId: 'e1', active: true });
    expect(body.meta.lastModified > (before?.lastModified ?? '')).toBe(true);
    expect(body.meta.created).toBe(before?.created);
  });

  it('a PUT to an unknown id answers 404; one without a name answers 400 invalidSyntax', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io' }] });
    expect((await call(emulator, 'PUT', '/Users/nope', newUser('a@x.io'))).status).toBe(404);
    const noName = await call(emulator, 'PUT', '/Users/u1', { schemas: [USER_SCHEMA], userName: 'a@x.io' });
    expect(noName.status).toBe(400);
    expect(noName.body.scimType).toBe('invalidSyntax');
  });

  it('a PATCH deactivates and reactivates, in either Operations spelling', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io' }] });
    const off = await call(emulator, 'PATCH', '/Users/u1', patchActive(false));
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    const on = await call(emulator, 'PATCH', '/Users/u1', {
      schemas: [PATCH_SCHEMA],
      operations: [{ op: 'Replace', path: 'active', value: true }],
    });
    expect(on.body.active).toBe(true);
    expect(emulator.store.get('u1')?.active).toBe(true);
  });

  it('a PATCH replace of userName renames the member (same id)', async () => {
    const emulator = await start({
      users: [
        { id: 'u1', userName: 'a@x.io', givenName: 'A', familyName: 'B' },
        { id: 'u2', userName: 'taken@x.io' },
      ],
    });
    const rename = (userName: string) =>
      call(emulator, 'PATCH', '/Users/u1', { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: userName }] });
    expect((await rename('new@x.io')).status).toBe(200);
    expect(emulator.store.get('u1')).toMatchObject({ userName: 'new@x.io', givenName: 'A' });
    expect((await rename('TAKEN@x.io')).status).toBe(409);
  });

  it('a PATCH of anything but active or userName answers 400 invalidSyntax and changes nothing', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io', givenName: 'A', familyName: 'B' }] });
    const { status, body } = await call(emulator, 'PATCH', '/Users/u1', {
      schemas: [PATCH_SCHEMA],
      Operations: [
        { op: 'replace', path: 'active', value: false },
        { op: 'replace', path: 'name.givenName', value: 'Z' },
      ],
    });
    expect(status).toBe(400);
    expect(body.scimType).toBe('invalidSyntax');
    expect(emulator.store.get('u1')).toMatchObject({ active: true, givenName: 'A' });
  });

  it('a PATCH to an unknown id answers 404', async () => {
    const emulator = await start();
    expect((await call(emulator, 'PATCH', '/Users/nope', patchActive(false))).status).toBe(404);
  });

  it('a DELETE answers 405 with a SCIM error: Postman deprovisions by deactivating', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io' }] });
    const { status, headers, body } = await call(emulator, 'DELETE', '/Users/u1');
    expect(status).toBe(405);
    expect(headers.get('allow')).toBe('GET, PUT, PATCH');
    expect(body).toMatchObject({ schemas: [ERROR_SCHEMA], status: '405' });
    expect(emulator.store.get('u1')).toBeDefined();
  });
});

describe('discovery and routing', () => {
  it('ServiceProviderConfig reports patch and filter support with maxResults = maxPageSize', async () => {
    const emulator = await start({ maxPageSize: 25 });
    const { status, body } = await call(emulator, 'GET', '/ServiceProviderConfig');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: false },
      filter: { supported: true, maxResults: 25 },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: false },
      authenticationSchemes: [expect.objectContaining({ type: 'oauthbearertoken' })],
    });
  });

  it('ResourceTypes lists the User and Group types', async () => {
    const emulator = await start();
    const { body } = await call(emulator, 'GET', '/ResourceTypes');
    expect(body.Resources).toEqual([
      expect.objectContaining({ id: 'User', endpoint: '/Users', schema: USER_SCHEMA }),
      expect.objectContaining({ id: 'Group', endpoint: '/Groups' }),
    ]);
  });

  it('an unknown route answers 404 with a SCIM error body', async () => {
    const emulator = await start();
    for (const path of ['/Teams', '/Users/a/b']) {
      const { status, body } = await call(emulator, 'GET', path);
      expect(status).toBe(404);
      expect(body.schemas).toEqual([ERROR_SCHEMA]);
    }
    const outside = await fetch(emulator.url.replace('/scim/v2', '/other'), { headers: { Authorization: TOKEN } });
    expect(outside.status).toBe(404);
    await outside.text();
  });

  it('the numericStatusInErrors quirk sends status as a number', async () => {
    const emulator = await start({ quirks: { numericStatusInErrors: true } });
    expect((await call(emulator, 'GET', '/Users/nope')).body.status).toBe(404);
  });
});

describe('rate limiting', () => {
  it('the 181st request within the default window gets 429 with Retry-After and Postman’s body', async () => {
    const emulator = await start({ rateLimit: undefined });
    for (let batch = 0; batch < 9; batch += 1) {
      const statuses = await Promise.all(Array.from({ length: 20 }, () => call(emulator, 'GET', '/ServiceProviderConfig').then((a) => a.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
    }
    const { status, headers, body } = await call(emulator, 'GET', '/Users');
    expect(status).toBe(429);
    expect(body).toEqual({
      schemas: [ERROR_SCHEMA],
      detail: 'That’s 180 attempts in less than a minute. Wait for a minute and then try again.',
      status: 429,
    });
    const retryAfter = Number(headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(59);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('the window rolls: once the oldest requests age out, requests are admitted again', async () => {
    const emulator = await start({ rateLimit: { max: 5, windowMs: 300 } });
    for (let i = 0; i < 5; i += 1) expect((await call(emulator, 'GET', '/Users')).status).toBe(200);
    const limited = await call(emulator, 'GET', '/Users');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    await new Promise((r) => setTimeout(r, 320));
    expect((await call(emulator, 'GET', '/Users')).status).toBe(200);
  });

  it('unauthenticated requests use up the budget too', async () => {
    const emulator = await start({ rateLimit: { max: 2, windowMs: 1000 } });
    await call(emulator, 'GET', '/Users', undefined, { Authorization: 'wrong' });
    await call(emulator, 'GET', '/Users', undefined, { Authorization: 'wrong' });
    expect((await call(emulator, 'GET', '/Users')).status).toBe(429);
  });

  it('retryAfter "postman" sends X-RateLimit-RetryAfter instead; "none" sends no hint', async () => {
    const postman = await start({ rateLimit: { max: 1, windowMs: 2000, retryAfter: 'postman' } });
    await call(postman, 'GET', '/Users');
    const a = await call(postman, 'GET', '/Users');
    expect(a.status).toBe(429);
    expect(a.headers.get('x-ratelimit-retryafter')).toBe('2');
    expect(a.headers.get('retry-after')).toBeNull();

    const none = await start({ rateLimit: { max: 1, windowMs: 2000, retryAfter: 'none' } });
    await call(none, 'GET', '/Users');
    const b = await call(none, 'GET', '/Users');
    expect(b.status).toBe(429);
    expect(b.headers.get('x-ratelimit-retryafter')).toBeNull();
    expect(b.headers.get('retry-after')).toBeNull();
  });

  it('429s are logged and count as writes received, but apply nothing', async () => {
    const emulator = await start({ rateLimit: { max: 1, windowMs: 5000 } });
    await call(emulator, 'GET', '/Users');
    const { status } = await call(emulator, 'POST', '/Users', newUser('a@x.io'));
    expect(status).toBe(429);
    expect(emulator.store.size).toBe(0);
    expect(emulator.writeCount()).toBe(1);
    expect(emulator.requestLog.map((e) => [e.method, e.status])).toEqual([
      ['GET', 200],
      ['POST', 429],
    ]);
    expect(emulator.requestLog[1]?.body).toMatchObject({ userName: 'a@x.io' });
  });
});

describe('fault injection', () => {
  it('a status fault on every 2nd POST answers Postman’s 500 body and creates nothing', async () => {
    const emulator = await start({ faults: { rules: [{ method: 'POST', every: 2, action: { type: 'status', status: 500 } }] } });
    expect((await call(emulator, 'POST', '/Users', newUser('a@x.io'))).status).toBe(201);
    const failed = await call(emulator, 'POST', '/Users', newUser('b@x.io'));
    expect(failed.status).toBe(500);
    expect(failed.body).toEqual({
      schemas: [ERROR_SCHEMA],
      detail: 'Unable to add members to the team. Try again — it should work next time around.',
      status: '500',
    });
    expect(emulator.store.findByUserName('b@x.io')).toBeUndefined();
    expect(emulator.requestLog[1]).toMatchObject({ status: 500, fault: 'status' });
  });

  it('an injected 429 carries the Postman body and the headers the rule names', async () => {
    const emulator = await start({
      faults: { rules: [{ times: 1, action: { type: 'status', status: 429, headers: { 'Retry-After': '3' } } }] },
    });
    const first = await call(emulator, 'GET', '/Users');
    expect(first.status).toBe(429);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body.status).toBe(429);
    expect((await call(emulator, 'GET', '/Users')).status).toBe(200);
  });

  it('a status fault with a detail uses that detail', async () => {
    const emulator = await start({ faults: { rules: [{ action: { type: 'status', status: 503, detail: 'Down for maintenance' } }] } });
    const { status, body } = await call(emulator, 'GET', '/Users');
    expect(status).toBe(503);
    expect(body).toEqual({ schemas: [ERROR_SCHEMA], detail: 'Down for maintenance', status: '503' });
  });

  it('drop destroys the socket and does not apply the write', async () => {
    const emulator = await start({ faults: { rules: [{ method: 'POST', times: 1, action: { type: 'drop' } }] } });
    await expect(call(emulator, 'POST', '/Users', newUser('a@x.io'))).rejects.toThrow();
    expect(emulator.store.size).toBe(0);
    expect(emulator.requestLog[0]).toMatchObject({ method: 'POST', status: 0, fault: 'drop' });
    // The retry goes through.
    expect((await call(emulator, 'POST', '/Users', newUser('a@x.io'))).status).toBe(201);
  });

  it('commitThenDrop creates the user but the client sees a socket error', async () => {
    const emulator = await start({ faults: { rules: [{ method: 'POST', pathPattern: '/Users$', times: 1, action: { type: 'commitThenDrop' } }] } });
    await expect(call(emulator, 'POST', '/Users', newUser('a@x.io'))).rejects.toThrow();
    expect(emulator.store.findByUserName('a@x.io')).toBeDefined();
    expect(emulator.requestLog[0]).toMatchObject({ status: 0, fault: 'commitThenDrop' });
    // A naive retry now collides with the user it created.
    expect((await call(emulator, 'POST', '/Users', newUser('a@x.io'))).status).toBe(409);
  });

  it('delay answers normally, only later', async () => {
    const emulator = await start({ faults: { rules: [{ method: 'GET', action: { type: 'delay', ms: 150 } }] } });
    const started = Date.now();
    expect((await call(emulator, 'GET', '/Users')).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('setFaults replaces the plan at runtime and undefined clears it', async () => {
    const emulator = await start();
    emulator.setFaults({ rules: [{ action: { type: 'status', status: 500 } }] });
    expect((await call(emulator, 'GET', '/Users')).status).toBe(500);
    emulator.setFaults(undefined);
    expect((await call(emulator, 'GET', '/Users')).status).toBe(200);
  });

  it('random faults hit the same requests on every run with the same seed', async () => {
    const run = async () => {
      const emulator = await start({ faults: { seed: 1234, rules: [{ rate: 0.4, action: { type: 'status', status: 500 } }] } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await call(emulator, 'GET', '/Users')).status);
      return statuses;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
  });
});

describe('plumbing', () => {
  it('latencyMs delays every response', async () => {
    const emulator = await start({ latencyMs: 100 });
    const started = Date.now();
    await call(emulator, 'GET', '/Users');
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it('the request log records every request in order with query and write bodies', async () => {
    const emulator = await start({ users: [{ id: 'u1', userName: 'a@x.io' }] });
    await call(emulator, 'GET', '/Users?startIndex=1&count=10');
    await call(emulator, 'PATCH', '/Users/u1', patchActive(false));
    await call(emulator, 'POST', '/Users', '{oops');
    expect(emulator.requestLog).toEqual([
      { at: expect.any(Number), method: 'GET', path: '/scim/v2/Users', query: { startIndex: '1', count: '10' }, status: 200 },
      { at: expect.any(Number), method: 'PATCH', path: '/scim/v2/Users/u1', query: {}, status: 200, body: patchActive(false) },
      { at: expect.any(Number), method: 'POST', path: '/scim/v2/Users', query: {}, status: 400, body: '{oops' },
    ]);
    expect(emulator.writeCount()).toBe(2);
  });

  it('close() returns promptly even while a client holds keep-alive sockets and a response is pending', async () => {
    const emulator = await startEmulator({ rateLimit: false, latencyMs: 5_000 });
    await fetch(`${emulator.url}/Users`, { signal: AbortSignal.timeout(10) }).catch(() => undefined);
    const pending = fetch(`${emulator.url}/ServiceProviderConfig`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await emulator.close();
    expect(Date.now() - started).toBeLessThan(500);
    expect(await pending).toBeInstanceOf(Error);
    await emulator.close(); // idempotent
  });

  it('listens on 127.0.0.1 with an ephemeral port and the /scim/v2 base path by default', async () => {
    const emulator = await start();
    expect(emulator.url).toBe(`http://127.0.0.1:${emulator.port}/scim/v2`);
    expect(emulator.port).toBeGreaterThan(0);
  });

  it('duplicate seed users are refused at start', async () => {
    await expect(startEmulator({ users: [{ userName: 'a@x.io' }, { userName: 'A@x.io' }] })).rejects.toThrow(/already exists/);
  });
});
