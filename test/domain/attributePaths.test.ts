import { describe, expect, it } from 'vitest';
import { checkPath, ENTERPRISE_URN, readPath, sameValue, writePath } from '../../src/domain/attributePaths.js';

describe('attribute paths', () => {
  const resource = {
    userName: 'Ada@Example.com',
    name: { givenName: 'Ada' },
    emails: [
      { value: 'home@example.com', type: 'home' },
      { value: 'ada@example.com', type: 'Work' },
    ],
    roles: [{ display: 'Author' }, { value: 'Accountant' }],
    [ENTERPRISE_URN]: { department: 'Engines', manager: { value: 'm-1' } },
  };

  it('reads simple, sub-attribute, filtered multi-valued, list and extension paths', () => {
    expect(readPath(resource, 'userName')).toBe('Ada@Example.com');
    expect(readPath(resource, 'name.givenName')).toBe('Ada');
    expect(readPath(resource, 'emails[type eq "work"].value')).toBe('ada@example.com');
    expect(readPath(resource, 'roles')).toEqual(['Author', 'Accountant']);
    expect(readPath(resource, `${ENTERPRISE_URN}:department`)).toBe('Engines');
    expect(readPath(resource, `${ENTERPRISE_URN}:manager`)).toBe('m-1');
    expect(readPath(resource, 'title')).toBeUndefined();
  });

  it('an untyped email list (Nintex) gives its primary or first entry for the work email', () => {
    expect(readPath({ emails: [{ value: 'a@x.io' }, { value: 'b@x.io', primary: true }] }, 'emails[type eq "work"].value')).toBe('b@x.io');
  });

  it('writes values back so that reading them gives the same', () => {
    const out: Record<string, unknown> = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] };
    writePath(out, 'emails[type eq "work"].value', 'ada@example.com');
    writePath(out, `${ENTERPRISE_URN}:manager`, 'm-2');
    writePath(out, 'name.familyName', 'Lovelace');
    expect(readPath(out, 'emails[type eq "work"].value')).toBe('ada@example.com');
    expect(readPath(out, `${ENTERPRISE_URN}:manager`)).toBe('m-2');
    expect(out.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_URN]);
  });

  it('a new work email replaces one stored with type "Work" and keeps its primary flag, so nothing is left to flap', () => {
    const current: Record<string, unknown> = {
      emails: [
        { type: 'Work', value: 'old@example.com', primary: true },
        { type: 'home', value: 'me@home.example' },
      ],
    };
    writePath(current, 'emails[type eq "work"].value', 'new@example.com');
    expect(current.emails).toEqual([
      { type: 'home', value: 'me@home.example' },
      { type: 'work', value: 'new@example.com', primary: true },
    ]);
    expect(readPath(current, 'emails[type eq "work"].value')).toBe('new@example.com');
  });

  it('compares case-insensitively where RFC 7643 says caseExact is false, but names and externalId exactly', () => {
    expect(sameValue('userName', 'Ada@Example.com', 'ada@example.com')).toBe(true);
    expect(sameValue('title', 'Senior  Analyst ', 'senior analyst')).toBe(true);
    expect(sameValue('name.familyName', 'Mcdonald', 'McDonald')).toBe(false);
    expect(sameValue('externalId', 'e1', 'E1')).toBe(false);
    expect(sameValue('roles', ['Author', 'accountant'], ['Accountant', 'author', 'Author'])).toBe(true);
  });

  it('refuses an unknown path with the supported ones listed', () => {
    expect(checkPath('title')).toBeUndefined();
    expect(checkPath('givenName')).toBeUndefined();
    expect(checkPath('emails[type eq "work"].value')).toBeUndefined();
    expect(checkPath('favouriteColour')).toMatch(/^"favouriteColour" is not a supported SCIM attribute path; use one of externalId, userName/);
  });
});
