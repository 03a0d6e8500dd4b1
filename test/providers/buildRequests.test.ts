import SCIMMY from 'scimmy';
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../src/domain/plan.js';
import type { RemoteUser } from '../../src/domain/remoteUser.js';
import type { RosterUser } from '../../src/domain/roster.js';
import { ENTERPRISE_URN } from '../../src/domain/attributePaths.js';
import { buildRequests, type RequestContext, type ScimRequest } from '../../src/providers/buildRequests.js';
import { PROFILES } from '../../src/providers/targetProfile.js';

// scimmy's typings want an instance; at run time it takes the schema class, as its docs show.
SCIMMY.Schemas.User.extend(SCIMMY.Schemas.EnterpriseUser as unknown as Parameters<typeof SCIMMY.Schemas.User.extend>[0]);

/** Every outgoing body must be valid against RFC 7643's User schema (or be a valid PatchOp). */
function expectValidScim(request: ScimRequest): void {
  if (!request.body) return;
  if (request.method === 'PATCH') {
    const { operations, ...body } = request.body;
    // scimmy knows only the RFC spelling; Nintex documents `operations`.
    const rfc = operations === undefined ? body : { ...body, Operations: operations };
    expect(() => new SCIMMY.Messages.PatchOp(rfc as ConstructorParameters<typeof SCIMMY.Messages.PatchOp>[0])).not.toThrow();
  } else {
    expect(() => SCIMMY.Schemas.User.definition.coerce(request.body, 'in')).not.toThrow();
  }
}

const ada: RosterUser = {
  line: 2,
  externalId: 'E1',
  userName: 'ada@example.com',
  givenName: 'Ada',
  familyName: 'Lovelace',
  locale: 'en-GB',
  active: true,
  attributes: {
    'emails[type eq "work"].value': 'ada@example.com',
    title: 'Analyst',
    roles: ['Author', 'Accountant'],
    timezone: 'Europe/London',
    [`${ENTERPRISE_URN}:department`]: 'Engines',
  },
};
const remote: RemoteUser = { id: 'r1', userName: 'ada.old@example.com', externalId: 'E1', givenName: 'Ada', familyName: 'Byron', active: true };
const mapped = [
  'externalId',
  'userName',
  'name.givenName',
  'name.familyName',
  'locale',
  'emails[type eq "work"].value',
  'title',
  'roles',
  'timezone',
  `${ENTERPRISE_URN}:department`,
];
const ctx = (name: keyof typeof PROFILES, patchSupported = true): RequestContext => ({ profile: PROFILES[name], mapped, patchSupported });
const all = (ops: Operation[], c: RequestContext) => ops.flatMap((op) => buildRequests(op, c));

describe('buildRequests for Postman (seeds 000–002)', () => {
  it('a create carries exactly what Postman documents: schemas, userName, name, externalId, locale, groups, active', () => {
    const [post] = buildRequests({ kind: 'create', user: ada }, ctx('postman'));
    expect(post).toEqual({
      method: 'POST',
      path: '/Users',
      body: {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
        userName: 'ada@example.com',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        externalId: 'E1',
        locale: 'en-GB',
        groups: [],
        active: true,
      },
    });
    expectValidScim(post!);
  });

  it('a name change is a PUT with the current userName; an email change is a PATCH replace of userName on the same id', () => {
    const requests = buildRequests(
      {
        kind: 'update',
        user: ada,
        remote,
        changes: [
          { field: 'name.familyName', from: 'Byron', to: 'Lovelace' },
          { field: 'userName', from: 'ada.old@example.com', to: 'ada@example.com' },
        ],
      },
      ctx('postman'),
    );
    expect(requests).toEqual([
      {
        method: 'PUT',
        path: '/Users/r1',
        body: {
          schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
          userName: 'ada.old@example.com',
          name: { givenName: 'Ada', familyName: 'Lovelace' },
          externalId: 'E1',
          active: true,
        },
      },
      {
        method: 'PATCH',
        path: '/Users/r1',
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'userName', value: 'ada@example.com' }] },
      },
    ]);
    requests.forEach(expectValidScim);
  });

  it('deactivation and reactivation are PATCH replace with a value object, as updateScimUserState shows', () => {
    const requests = all(
      [
        { kind: 'deactivate', remote, reason: 'missing-from-roster' },
        { kind: 'reactivate', user: ada, remote, changes: [] },
      ],
      ctx('postman'),
    );
    expect(requests.map((r) => r.body)).toEqual([
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
      { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: true } }] },
    ]);
    requests.forEach(expectValidScim);
  });
});

describe('buildRequests for Nintex Process Manager (seed 003)', () => {
  it('a create carries userName, name, active, untyped emails, roles by display, timezone — and no externalId or title', () => {
    const [post] = buildRequests({ kind: 'create', user: ada }, ctx('nintex'));
    expect(post!.body).toEqual({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'ada@example.com',
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: 'ada@example.com' }],
      roles: [{ display: 'Author' }, { display: 'Accountant' }],
      timezone: 'Europe/London',
      active: true,
    });
    expectValidScim(post!);
  });

  it('name, email and roles changes are one PATCH with paths, spelled `operations` as the doc shows', () => {
    const [patch, ...rest] = buildRequests(
      {
        kind: 'update',
        user: ada,
        remote,
        changes: [
          { field: 'name.familyName', from: 'Byron', to: 'Lovelace' },
          { field: 'emails[type eq "work"].value', from: 'old@example.com', to: 'ada@example.com' },
          { field: 'roles', from: ['Author'], to: ['Author', 'Accountant'] },
        ],
      },
      ctx('nintex'),
    );
    expect(rest).toEqual([]);
    expect(patch).toEqual({
      method: 'PATCH',
      path: '/Users/r1',
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        operations: [
          { op: 'replace', path: 'name.familyName', value: 'Lovelace' },
          { op: 'replace', path: 'emails', value: [{ value: 'ada@example.com' }] },
          { op: 'replace', path: 'roles', value: [{ display: 'Author' }, { display: 'Accountant' }] },
        ],
      },
    });
    expectValidScim(patch!);
  });

  it('a userName change is a PUT that never carries roles, so nobody is dropped from a role', () => {
    const [put] = buildRequests(
      { kind: 'update', user: ada, remote, changes: [{ field: 'userName', from: 'ada.old@example.com', to: 'ada@example.com' }] },
      ctx('nintex'),
    );
    expect(put!.method).toBe('PUT');
    expect(put!.body).not.toHaveProperty('roles');
    expect(put!.body).toMatchObject({ userName: 'ada@example.com', name: { givenName: 'Ada', familyName: 'Lovelace' }, active: true });
    expectValidScim(put!);
  });

  it('deactivation is DELETE /Users/{id}, reactivation a PATCH of active', () => {
    const requests = all(
      [
        { kind: 'deactivate', remote, reason: 'missing-from-roster' },
        { kind: 'reactivate', user: ada, remote, changes: [] },
      ],
      ctx('nintex'),
    );
    expect(requests).toEqual([
      { method: 'DELETE', path: '/Users/r1' },
      {
        method: 'PATCH',
        path: '/Users/r1',
        body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], operations: [{ op: 'replace', path: 'active', value: true }] },
      },
    ]);
  });
});

describe('buildRequests for a generic RFC 7644 service', () => {
  it('a create carries every mapped attribute, the enterprise extension with its schema', () => {
    const [post] = buildRequests({ kind: 'create', user: ada }, ctx('generic'));
    expect(post!.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE_URN],
      externalId: 'E1',
      title: 'Analyst',
      emails: [{ value: 'ada@example.com', type: 'work', primary: true }],
      roles: [
        { value: 'Author', display: 'Author' },
        { value: 'Accountant', display: 'Accountant' },
      ],
      [ENTERPRISE_URN]: { department: 'Engines' },
    });
    expectValidScim(post!);
  });

  it('every change is one PATCH with RFC paths: filters for emails, the URN prefix for extension attributes', () => {
    const [patch] = buildRequests(
      {
        kind: 'update',
        user: ada,
        remote,
        changes: [
          { field: 'userName', from: 'ada.old@example.com', to: 'ada@example.com' },
          { field: 'emails[type eq "work"].value', from: 'x@example.com', to: 'ada@example.com' },
          { field: 'title', from: undefined, to: 'Analyst' },
          { field: `${ENTERPRISE_URN}:department`, from: 'Looms', to: 'Engines' },
        ],
      },
      ctx('generic'),
    );
    expect(patch!.body).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'userName', value: 'ada@example.com' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ada@example.com' },
        { op: 'replace', path: 'title', value: 'Analyst' },
        { op: 'replace', path: `${ENTERPRISE_URN}:department`, value: 'Engines' },
      ],
    });
    expectValidScim(patch!);
  });

  it('without PATCH support, changes and deactivation become PUTs of the current resource with the changed paths written in', () => {
    const requests = all(
      [
        { kind: 'update', user: ada, remote, changes: [{ field: 'title', from: undefined, to: 'Analyst' }] },
        { kind: 'deactivate', remote, reason: 'missing-from-roster' },
      ],
      ctx('generic', false),
    );
    expect(requests).toEqual([
      { method: 'PUT', path: '/Users/r1', applyToCurrent: [['title', 'Analyst']] },
      { method: 'PUT', path: '/Users/r1', applyToCurrent: [['active', false]] },
    ]);
  });
});
