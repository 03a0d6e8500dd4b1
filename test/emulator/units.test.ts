import { describe, expect, it } from 'vitest';

import { POSTMAN_ERRORS, renderError } from '../../src/emulator/errorBodies.js';
import { FaultInjector } from '../../src/emulator/faults.js';
import { pageOf, parseListQuery, parseUserNameFilter } from '../../src/emulator/listQuery.js';
import { SlidingWindowLimiter } from '../../src/emulator/slidingWindowLimiter.js';
import { parsePostmanPatch } from '../../src/emulator/userPayloads.js';
import { UserStore } from '../../src/emulator/userStore.js';

describe('sliding window limiter', () => {
  it('admits max requests per rolling window and tells when the oldest slot frees', () => {
    let now = 1_000;
    const limiter = new SlidingWindowLimiter(3, 1_000, () => now);
    expect(limiter.tryAcquire()).toEqual({ allowed: true }); // t=1000
    now = 1_400;
    expect(limiter.tryAcquire()).toEqual({ allowed: true });
    expect(limiter.tryAcquire()).toEqual({ allowed: true });
    now = 1_600;
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 400 });
    // Rolling, not fixed buckets: at t=2000 only the first request has left the window.
    now = 2_000;
    expect(limiter.tryAcquire()).toEqual({ allowed: true });
    expect(limiter.tryAcquire()).toEqual({ allowed: false, retryAfterMs: 400 });
  });

  it('does not let rejected attempts keep the window full', () => {
    let now = 0;
    const limiter = new SlidingWindowLimiter(1, 100, () => now);
    limiter.tryAcquire();
    for (now = 10; now < 100; now += 10) expect(limiter.tryAcquire().allowed).toBe(false);
    now = 100;
    expect(limiter.tryAcquire().allowed).toBe(true);
  });
});

describe('fault injector', () => {
  it('fires on every Nth matching request, at most `times` times', () => {
    const faults = new FaultInjector({ rules: [{ method: 'post', every: 2, times: 2, action: { type: 'drop' } }] });
    const fired = Array.from({ length: 8 }, () => faults.pick('POST', '/scim/v2/Users')?.type ?? '-');
    expect(fired).toEqual(['-', 'drop', '-', 'drop', '-', '-', '-', '-']);
    expect(faults.pick('GET', '/scim/v2/Users')).toBeUndefined();
  });

  it('matches pathPattern as a regular expression', () => {
    const faults = new FaultInjector({ rules: [{ pathPattern: '/Users/[^/]+$', action: { type: 'drop' } }] });
    expect(faults.pick('GET', '/scim/v2/Users')).toBeUndefined();
    expect(faults.pick('GET', '/scim/v2/Users/abc')).toEqual({ type: 'drop' });
  });

  it('random rules replay identically from the same seed', () => {
    const run = (seed: number) => {
      const faults = new FaultInjector({ seed, rules: [{ rate: 0.5, action: { type: 'drop' } }] });
      return Array.from({ length: 40 }, () => (faults.pick('GET', '/x') ? 1 : 0)).join('');
    };
    expect(run(42)).toBe(run(42));
    expect(run(42)).not.toBe(run(7));
    expect(run(42)).toMatch(/1/);
    expect(run(42)).toMatch(/0/);
  });

  it('the first firing rule wins but every matching rule counts the request', () => {
    const faults = new FaultInjector({
      rules: [
        { every: 3, action: { type: 'status', status: 500 } },
        { every: 2, action: { type: 'drop' } },
      ],
    });
    const fired = Array.from({ length: 6 }, () => faults.pick('GET', '/x')?.type ?? '-');
    expect(fired).toEqual(['-', 'drop', 'status', 'drop', '-', 'status']);
  });
});

describe('list query', () => {
  const params = (q: string) => new URLSearchParams(q);

  it('defaults to the max page size and caps count at it', () => {
    expect(parseListQuery(params(''), 50)).toEqual({ ok: true, query: { startIndex: 1, count: 50 } });
    expect(parseListQuery(params('startIndex=3&count=500'), 50)).toEqual({ ok: true, query: { startIndex: 3, count: 50 } });
  });

  it('reads startIndex < 1 as 1 and a negative count as 0 (RFC 7644)', () => {
    expect(parseListQuery(params('startIndex=0&count=-4'), 50)).toEqual({ ok: true, query: { startIndex: 1, count: 0 } });
  });

  it('rejects non-integer paging and unsupported filters', () => {
    expect(parseListQuery(params('count=ten'), 50)).toEqual({ ok: false, problem: 'paging' });
    expect(parseListQuery(params('filter=displayName eq "x"'), 50)).toEqual({ ok: false, problem: 'filter' });
  });

  it('parses userName eq with any case and JSON escapes', () => {
    expect(parseUserNameFilter('USERNAME EQ "a\\"b@x.io"')).toBe('a"b@x.io');
    expect(parseUserNameFilter('userName eq "a" and active eq true')).toBeUndefined();
    expect(parseUserNameFilter('userName co "a"')).toBeUndefined();
  });

  it('pages past the end are empty unless the repeat quirk is on', () => {
    expect(pageOf([1, 2, 3], 4, 2)).toEqual([]);
    expect(pageOf([1, 2, 3], 4, 2, true)).toEqual([1, 2]);
    expect(pageOf([1, 2, 3], 2, 2, true)).toEqual([2, 3]);
  });
});

describe('patch bodies', () => {
  it('accepts both value and path forms, either spelling of Operations, any case of op', () => {
    expect(parsePostmanPatch({ Operations: [{ op: 'replace', value: { active: false } }] })).toEqual({ active: false });
    expect(parsePostmanPatch({ operations: [{ op: 'Replace', path: 'active', value: true }] })).toEqual({ active: true });
    expect(parsePostmanPatch({ Operations: [{ op: 'replace', path: 'userName', value: 'b@x.io' }] })).toEqual({ userName: 'b@x.io' });
  });

  it('rejects anything but replacing active with a boolean or userName with a string', () => {
    expect(parsePostmanPatch({ Operations: [{ op: 'add', path: 'active', value: true }] })).toBeUndefined();
    expect(parsePostmanPatch({ Operations: [{ op: 'replace', path: 'active', value: 'False' }] })).toBeUndefined();
    expect(parsePostmanPatch({ Operations: [{ op: 'replace', value: { active: true, displayName: 'x' } }] })).toBeUndefined();
    expect(parsePostmanPatch({ Operations: [] })).toBeUndefined();
    expect(parsePostmanPatch({ schemas: ['wrong'], Operations: [{ op: 'replace', path: 'active', value: true }] })).toBeUndefined();
  });
});

describe('user store', () => {
  it('generates 48-hex ids and rejects a second userName in another case', () => {
    const store = new UserStore();
    const user = store.add({ userName: 'Ada@Example.com' });
    expect(user.id).toMatch(/^[0-9a-f]{48}$/);
    expect(() => store.add({ userName: 'ada@example.com' })).toThrow(/already exists/);
    expect(store.findByUserName('ADA@EXAMPLE.COM')?.id).toBe(user.id);
  });

  it('moves lastModified only on real changes and hands out copies', () => {
    let clock = Date.parse('2024-01-01T00:00:00.000Z');
    const store = new UserStore(() => new Date(clock));
    const { id } = store.add({ userName: 'a@x.io', givenName: 'A', familyName: 'B' });
    clock += 1000;
    expect(store.updateName(id, 'A', 'B')?.lastModified).toBe('2024-01-01T00:00:00.000Z');
    expect(store.setActive(id, false)?.lastModified).toBe('2024-01-01T00:00:01.000Z');
    const copy = store.get(id);
    if (copy) copy.active = true;
    expect(store.get(id)?.active).toBe(false);
  });
});

describe('error bodies', () => {
  it('renders Postman bodies with string status, except 429 which is numeric', () => {
    expect(renderError(POSTMAN_ERRORS.userAlreadyExists)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      scimType: 'uniqueness',
      detail: 'This person is already a member of the team.',
      status: '409',
    });
    expect(renderError(POSTMAN_ERRORS.rateLimited).status).toBe(429);
    expect(renderError(POSTMAN_ERRORS.userNotFound, true).status).toBe(404);
  });
});
