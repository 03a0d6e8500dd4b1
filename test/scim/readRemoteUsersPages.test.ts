import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IncompleteReadError, readRemoteUsers } from '../../src/scim/readRemoteUsers.js';
import { gatedClient } from '../support/gatedClient.js';

/**
 * The pages a service answers are served as written here by a real HTTP server, so each test
 * says exactly which ids come on which page: how repeated ids are told apart — the same id twice
 * on one page (kept once, its last value) from an id met on an earlier page (the list moved).
 */
describe('reading users: ids met twice', () => {
  let server: Server | undefined;
  let connection: ReturnType<typeof gatedClient> | undefined;
  afterEach(async () => {
    await connection?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = connection = undefined;
  });

  const user = (id: string, givenName = 'Ann') => ({ id, userName: `${id}@example.com`, name: { givenName, familyName: 'Test' } });
  type User = ReturnType<typeof user>;

  /** Serves `pages` by startIndex (1-based, as SCIM pages), each with totalResults `total`; past them, an empty page. */
  async function read(pages: Record<number, User[]>, total: number, pageSize: number, maxRereads = 0) {
    server = createServer((request, response) => {
      const startIndex = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('startIndex'));
      const resources = pages[startIndex] ?? [];
      response.setHeader('content-type', 'application/scim+json');
      response.end(JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: total, Resources: resources }));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    connection = gatedClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`, 'token', { maxAttempts: 1 });
    return readRemoteUsers(connection.client, pageSize, [], { maxRereads });
  }

  it('the same id twice on one page is one user: it keeps its first place and its last value', async () => {
    const read1 = await read({ 1: [user('a'), user('b', 'Old'), user('c'), user('b', 'New')], 5: [user('d')] }, 4, 4);
    expect(read1.users.map((u) => [u.id, u.givenName])).toEqual([
      ['a', 'Ann'],
      ['b', 'New'],
      ['c', 'Ann'],
      ['d', 'Ann'],
    ]);
  });

  it('a service announcing a trillion users with two on its page is told apart, without a table sized for the trillion', async () => {
    const error = await read({ 1: [user('a'), user('b')] }, 1e12, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect((error as Error).message).not.toMatch(/RangeError|Invalid typed array length/);
  });

  it('a page mixing new users with one already read on an earlier page means the list moved: named, with where it was first read', async () => {
    const error = await read({ 1: [user('a'), user('b')], 3: [user('c'), user('a')], 5: [user('d')] }, 5, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect((error as Error).message).toContain(
      '(page 2) holds 1 user(s) already read on an earlier page (e.g. id a, a@example.com, first read at startIndex 1)',
    );
    expect((error as Error).message).toContain('target.maxRereads: 0');
  });

  it('an earlier user twice on a later page counts twice, and is still a moved list (not the same-page case)', async () => {
    const error = await read({ 1: [user('a'), user('b')], 3: [user('b'), user('b')], 5: [user('c')] }, 5, 2).catch((e: unknown) => e);
    expect((error as Error).message).toContain(
      '(page 2) holds 2 user(s) already read on an earlier page (e.g. id b, b@example.com, first read at startIndex 1)',
    );
  });

  it('a moved list is read again from page 1 (ListMovedError is what triggers it), and a consistent second pass is used', async () => {
    let served = 0;
    const pages = { 1: [user('a'), user('b')], 3: [user('c')] };
    // The second page repeats `a` the first time it is asked for, then answers properly.
    const moving = new Proxy(pages, {
      get: (target, key) => (key === '3' && served++ === 0 ? [user('a')] : target[key as unknown as keyof typeof target]),
    });
    const read1 = await read(moving, 3, 2, 1);
    expect(read1.users.map((u) => u.id)).toEqual(['a', 'b', 'c']);
  });

  it('a service answering page 1 again past the end is the end, when every user was read', async () => {
    const read1 = await read({ 1: [user('a'), user('b')], 3: [user('a'), user('b')] }, 2, 2);
    expect(read1.users.map((u) => u.id)).toEqual(['a', 'b']);
  });
});
