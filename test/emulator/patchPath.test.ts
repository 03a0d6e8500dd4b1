import { describe, expect, it } from 'vitest';

import { PatchError, applyPatchOperation, parsePatchPath, type PatchOpName } from '../../src/emulator/patchPath.js';
import { FilterError, matchesFilter, parseFilter } from '../../src/emulator/scimFilter.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type Json = Record<string, unknown>;

function patched(resource: Json, op: PatchOpName, path: string | undefined, value?: unknown): Json {
  const copy = structuredClone(resource);
  applyPatchOperation(copy, op, path, value);
  return copy;
}

function patchError(resource: Json, op: PatchOpName, path: string | undefined, value?: unknown): PatchError {
  try {
    applyPatchOperation(structuredClone(resource), op, path, value);
  } catch (error) {
    if (error instanceof PatchError) return error;
    throw error;
  }
  throw new Error('expected a PatchError');
}

const ada = (): Json => ({
  userName: 'ada@example.com',
  name: { givenName: 'Ada', familyName: 'Lovelace' },
  title: 'Engineer',
  active: true,
  emails: [
    { value: 'ada@work.example', type: 'work', primary: true },
    { value: 'ada@home.example', type: 'home' },
  ],
  [ENTERPRISE]: { department: 'R&D', manager: { value: 'm1' } },
});

describe('filter expressions', () => {
  it('parses attribute names and operators in any case, and and/or/not with precedence', () => {
    const user = { userName: 'Jo', title: 'Intern', userType: 'Employee', emails: [{ value: 'jo@x.io', type: 'work' }] };
    expect(matchesFilter(parseFilter('username EQ "jo"'), user)).toBe(true);
    expect(matchesFilter(parseFilter('title pr and userType eq "Employee"'), user)).toBe(true);
    expect(matchesFilter(parseFilter('title eq "x" or userType eq "Employee" and userName eq "jo"'), user)).toBe(true);
    expect(matchesFilter(parseFilter('not (userName eq "jo")'), user)).toBe(false);
    expect(matchesFilter(parseFilter('emails[type eq "work" and value co "@x.io"]'), user)).toBe(true);
    expect(matchesFilter(parseFilter('emails.value ew "x.io"'), user)).toBe(true);
    expect(matchesFilter(parseFilter('userName ne "doe"'), user)).toBe(true);
  });

  it('compares timestamps in order and keeps externalId case-exact', () => {
    const user = { externalId: 'E1', meta: { created: '2012-09-18T03:56:54.000Z' } };
    expect(matchesFilter(parseFilter('meta.created gt "2011-05-13T04:42:34Z"'), user)).toBe(true);
    expect(matchesFilter(parseFilter('meta.created lt "2011-05-13T04:42:34Z"'), user)).toBe(false);
    expect(matchesFilter(parseFilter('externalId eq "e1"'), user)).toBe(false);
    expect(matchesFilter(parseFilter(`${ENTERPRISE}:department eq "r&d"`), { [ENTERPRISE]: { department: 'R&D' } })).toBe(true);
  });

  it.each(['userName eq', 'userName xx "a"', 'userName eq "a" and', '(userName eq "a"', 'userName eq "unterminated', ''])(
    'rejects the malformed filter %j',
    (text) => {
      expect(() => parseFilter(text)).toThrow(FilterError);
    },
  );
});

describe('PATCH paths', () => {
  it('parses simple, sub-attribute, value-filter and URN-prefixed paths', () => {
    expect(parsePatchPath('title')).toEqual({ attribute: 'title' });
    expect(parsePatchPath('name.givenName')).toEqual({ attribute: 'name', subAttribute: 'givenName' });
    expect(parsePatchPath('emails[type eq "work"].value')).toMatchObject({ attribute: 'emails', subAttribute: 'value', filter: { kind: 'compare' } });
    expect(parsePatchPath(`${ENTERPRISE}:manager.value`)).toEqual({ schema: ENTERPRISE, attribute: 'manager', subAttribute: 'value' });
    expect(parsePatchPath('urn:ietf:params:scim:schemas:core:2.0:User:userName')).toEqual({ attribute: 'userName' });
  });

  it.each([
    ['a.b.c', 'invalidPath'],
    ['emails[type eq "work"', 'invalidPath'],
    ['emails[type eq "work"]value', 'invalidPath'],
    ['name.givenName[type eq "x"]', 'invalidPath'],
    ['9lives', 'invalidPath'],
    ['emails[type zz "work"]', 'invalidFilter'],
  ])('the path %j is rejected with %s', (path, scimType) => {
    expect(() => parsePatchPath(path)).toThrow(expect.objectContaining({ scimType }));
  });
});

describe('PATCH operations', () => {
  it('a replace on a simple attribute or a sub-attribute changes only that', () => {
    expect(patched(ada(), 'replace', 'title', 'CTO')).toMatchObject({ title: 'CTO', name: { givenName: 'Ada' } });
    expect(patched(ada(), 'replace', 'name.givenName', 'Augusta').name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
    expect(patched(ada(), 'replace', 'NAME.GIVENNAME', 'Augusta').name).toEqual({ givenName: 'Augusta', familyName: 'Lovelace' });
  });

  it('a replace on emails[type eq "work"].value changes only the work email', () => {
    const result = patched(ada(), 'replace', 'emails[type eq "work"].value', 'ada@new.example');
    expect(result.emails).toEqual([
      { value: 'ada@new.example', type: 'work', primary: true },
      { value: 'ada@home.example', type: 'home' },
    ]);
  });

  it('a replace whose value filter matches nothing adds the element (not RFC noTarget)', () => {
    const result = patched({ userName: 'a', emails: [{ value: 'h@x', type: 'home' }] }, 'replace', 'emails[type eq "work"].value', 'w@x');
    expect(result.emails).toEqual([
      { value: 'h@x', type: 'home' },
      { type: 'work', value: 'w@x' },
    ]);
    const none = patched({ userName: 'a' }, 'replace', 'emails[type eq "work"]', { value: 'w@x', primary: true });
    expect(none.emails).toEqual([{ type: 'work', value: 'w@x', primary: true }]);
    expect(patchError({ userName: 'a' }, 'replace', 'emails[value co "x"].value', 'w@x').scimType).toBe('noTarget');
  });

  it('a replace on emails[type eq "work"] replaces the element and keeps its type', () => {
    const result = patched(ada(), 'replace', 'emails[type eq "work"]', { value: 'w@x' });
    expect(result.emails).toEqual([
      { type: 'work', value: 'w@x' },
      { value: 'ada@home.example', type: 'home' },
    ]);
  });

  it('a remove with a value filter drops the matching elements only', () => {
    expect(patched(ada(), 'remove', 'emails[type eq "home"]').emails).toEqual([{ value: 'ada@work.example', type: 'work', primary: true }]);
    expect(patched(ada(), 'remove', 'emails[type eq "nope"]').emails).toHaveLength(2);
  });

  it('an add on a multi-valued attribute appends without duplicating; a replace swaps the list', () => {
    const roles = { userName: 'a', roles: [{ value: 'admin' }] };
    expect(patched(roles, 'add', 'roles', [{ value: 'ADMIN' }, { value: 'dev' }]).roles).toEqual([{ value: 'ADMIN' }, { value: 'dev' }]);
    expect(patched(roles, 'replace', 'roles', [{ value: 'dev' }]).roles).toEqual([{ value: 'dev' }]);
    expect(patched(roles, 'remove', 'roles', [{ value: 'admin' }])).not.toHaveProperty('roles');
  });

  it('extension attributes are addressed with their URN prefix and the extension object follows', () => {
    expect(patched(ada(), 'replace', `${ENTERPRISE}:department`, 'Ops')[ENTERPRISE]).toEqual({ department: 'Ops', manager: { value: 'm1' } });
    expect(patched(ada(), 'replace', `${ENTERPRISE}:manager.value`, 'm2')[ENTERPRISE]).toEqual({ department: 'R&D', manager: { value: 'm2' } });
    expect(patched({ userName: 'a' }, 'add', `${ENTERPRISE}:employeeNumber`, '42')).toEqual({ userName: 'a', [ENTERPRISE]: { employeeNumber: '42' } });
    const stripped = patched(patched(ada(), 'remove', `${ENTERPRISE}:department`), 'remove', `${ENTERPRISE}:manager`);
    expect(stripped).not.toHaveProperty(ENTERPRISE);
  });

  it('an operation without a path merges its value object, extension objects and dotted keys included', () => {
    const result = patched(ada(), 'replace', undefined, {
      active: false,
      name: { givenName: 'Augusta' },
      'name.familyName': 'King',
      [ENTERPRISE]: { department: 'Ops' },
    });
    expect(result).toMatchObject({
      active: false,
      name: { givenName: 'Augusta', familyName: 'King' },
      [ENTERPRISE]: { department: 'Ops', manager: { value: 'm1' } },
    });
  });

  it('read-only and required attributes are protected; a remove without a path has no target', () => {
    expect(patchError(ada(), 'replace', 'id', 'x').scimType).toBe('mutability');
    expect(patchError(ada(), 'remove', 'userName').scimType).toBe('mutability');
    expect(patchError(ada(), 'replace', 'userName', null).scimType).toBe('mutability');
    expect(patchError(ada(), 'remove', undefined).scimType).toBe('noTarget');
    expect(patchError(ada(), 'replace', 'title').scimType).toBe('invalidValue');
    expect(patchError(ada(), 'replace', 'title[type eq "x"]', {}).scimType).toBe('invalidPath');
  });

  it('a new attribute takes its RFC spelling; an existing one keeps its own', () => {
    expect(patched({ userName: 'a' }, 'add', 'DISPLAYNAME', 'A')).toEqual({ userName: 'a', displayName: 'A' });
    expect(patched({ userName: 'a', custom_Attr: 1 }, 'replace', 'CUSTOM_attr', 2)).toEqual({ userName: 'a', custom_Attr: 2 });
  });
});
