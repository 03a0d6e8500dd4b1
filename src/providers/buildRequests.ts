import type { FieldChange, Operation } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { RosterUser } from '../domain/roster.js';
import { rosterValue } from '../domain/attributeValues.js';
import { asList, type AttrValue, CORE_USER_URN, writePath } from '../domain/attributePaths.js';
import { canCreateWith, type TargetProfile, updateMethod } from './targetProfile.js';

export const PATCH_OP_URN = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

/** One HTTP request of an operation, as data: built here, sent by the executor. */
export interface ScimRequest {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  body?: Record<string, unknown>;
  /**
   * PUT to a service without PATCH: the executor GETs the resource, writes these values at
   * their paths into it (so sibling sub-attributes and unmapped attributes survive) and PUTs it.
   */
  applyToCurrent?: ReadonlyArray<readonly [path: string, value: AttrValue]>;
}

export interface RequestContext {
  profile: TargetProfile;
  /** Mapped attribute paths (canonical). */
  mapped: readonly string[];
  /** From /ServiceProviderConfig; without PATCH, a generic service is updated with PUT. */
  patchSupported: boolean;
}

/**
 * The requests that carry out one planned operation on this kind of service, in order. Pure:
 * the profile decides the shapes (see targetProfile.ts), so tests can check every body against
 * the SCIM schema without a server.
 */
export function buildRequests(op: Operation, ctx: RequestContext): ScimRequest[] {
  switch (op.kind) {
    case 'create':
      return [{ method: 'POST', path: '/Users', body: createBody(op.user, ctx) }];
    case 'deactivate':
      return ctx.profile.deactivateWith === 'delete' ? [{ method: 'DELETE', path: userPath(op.remote) }] : [setActive(op.remote, false, ctx)];
    case 'reactivate':
      return [setActive(op.remote, true, ctx), ...changeRequests(op.user, op.remote, op.changes, ctx)];
    case 'update':
      return changeRequests(op.user, op.remote, op.changes, ctx);
  }
}

export function createBody(user: RosterUser, ctx: RequestContext): Record<string, unknown> {
  const body: Record<string, unknown> = { schemas: [CORE_USER_URN] };
  for (const path of ['userName', 'name.givenName', 'name.familyName', 'externalId', ...ctx.mapped]) {
    const value = rosterValue(user, path);
    if (value === undefined || value === '' || !canCreateWith(ctx.profile, path)) continue;
    write(body, path, value, ctx);
  }
  Object.assign(body, ctx.profile.createExtras ?? {});
  body.active = true;
  return body;
}

function changeRequests(user: RosterUser, remote: RemoteUser, changes: readonly FieldChange[], ctx: RequestContext): ScimRequest[] {
  if (changes.length === 0) return [];
  const byMethod = (m: string) => changes.filter((c) => effectiveMethod(c.field, ctx) === m);
  const requests: ScimRequest[] = [];

  const names = byMethod('put-name');
  if (names.length > 0) {
    // Postman applies only name changes from a PUT; it is sent with the *current* userName
    // (a rename, if any, follows as its own PATCH), and, as in seed 000, with externalId and
    // active, so that a server which does replace the whole resource doesn't lose them.
    requests.push({
      method: 'PUT',
      path: userPath(remote),
      body: {
        schemas: [CORE_USER_URN],
        userName: remote.userName,
        name: { givenName: user.givenName, familyName: user.familyName },
        externalId: remote.externalId ?? user.externalId,
        active: true,
      },
    });
  }

  const puts = byMethod('put');
  if (puts.length > 0) {
    if (!ctx.patchSupported && ctx.profile.name === 'generic') {
      requests.push({ method: 'PUT', path: userPath(remote), applyToCurrent: puts.map((c) => [c.field, c.to!] as const) });
    } else {
      // Nintex: userName and timezone change only by PUT. The PUT carries what the user should
      // have, but never `roles`: "PUT requests that do not include a roles attribute … leave the
      // roles unchanged", while a PUT with roles would drop the person from unlisted roles.
      const body: Record<string, unknown> = { schemas: [CORE_USER_URN] };
      for (const path of ['userName', 'name.givenName', 'name.familyName', ...ctx.mapped]) {
        if (path === 'roles' || path === 'externalId' || !canCreateWith(ctx.profile, path)) continue;
        const value = rosterValue(user, path);
        if (value !== undefined && value !== '') write(body, path, value, ctx);
      }
      body.active = true;
      requests.push({ method: 'PUT', path: userPath(remote), body });
    }
  }

  const patches = byMethod('patch');
  if (patches.length > 0) {
    requests.push({
      method: 'PATCH',
      path: userPath(remote),
      body: { schemas: [PATCH_OP_URN], [ctx.profile.patchOperationsKey]: patches.map((c) => patchReplace(c.field, c.to!, ctx)) },
    });
  }
  return requests;
}

function effectiveMethod(field: string, ctx: RequestContext): string {
  const method = updateMethod(ctx.profile, field);
  return method === 'patch' && !ctx.patchSupported ? 'put' : method;
}

function setActive(remote: RemoteUser, active: boolean, ctx: RequestContext): ScimRequest {
  if (!ctx.patchSupported) return { method: 'PUT', path: userPath(remote), applyToCurrent: [['active', active]] };
  const operation = ctx.profile.activePatch === 'value-object' ? { op: 'replace', value: { active } } : { op: 'replace', path: 'active', value: active };
  return { method: 'PATCH', path: userPath(remote), body: { schemas: [PATCH_OP_URN], [ctx.profile.patchOperationsKey]: [operation] } };
}

/** A PATCH replace for one attribute, with the path spelling the service documents. */
function patchReplace(path: string, value: AttrValue, ctx: RequestContext): Record<string, unknown> {
  if (path === 'roles') {
    return { op: 'replace', path: 'roles', value: asList(value).map((r) => (ctx.profile.roleShape === 'display' ? { display: r } : { value: r, display: r })) };
  }
  if (ctx.profile.name === 'nintex' && path === 'emails[type eq "work"].value') {
    // Nintex patches the whole `emails` collection (seed 003) and keeps untyped entries.
    return { op: 'replace', path: 'emails', value: [{ value }] };
  }
  if (path.endsWith(':manager')) return { op: 'replace', path, value: { value } };
  return { op: 'replace', path, value };
}

function write(body: Record<string, unknown>, path: string, value: AttrValue, ctx: RequestContext): void {
  if (ctx.profile.name === 'nintex' && path === 'emails[type eq "work"].value') {
    body.emails = [{ value }]; // Nintex's documented shape: untyped
    return;
  }
  writePath(body, path, value, ctx.profile.roleShape);
}

function userPath(remote: RemoteUser): string {
  return `/Users/${encodeURIComponent(remote.id)}`;
}

/**
 * PATCHes of one resource that follow each other, as one PATCH whose operations run in the same
 * order (RFC 7644 §3.5.2 applies them in sequence, all or none). Used when writes travel in Bulk,
 * where a reactivation with a changed name is then one operation rather than two Bulk rounds.
 */
export function mergeConsecutivePatches(requests: readonly ScimRequest[], ctx: RequestContext): ScimRequest[] {
  const key = ctx.profile.patchOperationsKey;
  const merged: ScimRequest[] = [];
  for (const request of requests) {
    const previous = merged.at(-1);
    if (previous?.method === 'PATCH' && request.method === 'PATCH' && previous.path === request.path && previous.body && request.body) {
      const operations = [...(previous.body[key] as unknown[]), ...(request.body[key] as unknown[])];
      merged[merged.length - 1] = { ...previous, body: { ...previous.body, [key]: operations } };
    } else {
      merged.push(request);
    }
  }
  return merged;
}
