import type { GroupDialect } from './targetProfile.js';
import { PATCH_OP_URN, type ScimRequest } from './buildRequests.js';

export const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';

/**
 * The requests of group operations, as data (pure): `POST /Groups` with the displayName and the
 * first members (seed 002's createScimGroup), and `PATCH /Groups/{id}` with a PatchOp `add` on
 * `members`, or one `remove` per member with `members[value eq "…"]` (RFC 7644 §3.5.2.2), under the
 * key the service's documentation spells. Member values are account ids.
 */
export function createGroupRequest(displayName: string, memberIds: readonly string[]): ScimRequest {
  return { method: 'POST', path: '/Groups', body: { schemas: [GROUP_URN], displayName, members: memberIds.map((value) => ({ value })) } };
}

export function addMembersRequest(groupId: string, memberIds: readonly string[], dialect: GroupDialect): ScimRequest {
  return patch(groupId, [{ op: 'add', path: 'members', value: memberIds.map((value) => ({ value })) }], dialect);
}

export function removeMembersRequest(groupId: string, memberIds: readonly string[], dialect: GroupDialect): ScimRequest {
  return patch(
    groupId,
    memberIds.map((id) => ({ op: 'remove', path: `members[value eq ${JSON.stringify(id)}]` })),
    dialect,
  );
}

export function deleteGroupRequest(groupId: string): ScimRequest {
  return { method: 'DELETE', path: groupPath(groupId) };
}

/** `GET /Groups?filter=displayName eq "…"`: the lookup after a 409 on create. */
export function displayNameFilterPath(displayName: string): string {
  return `/Groups?filter=${encodeURIComponent(`displayName eq ${JSON.stringify(displayName)}`)}`;
}

function patch(groupId: string, operations: Record<string, unknown>[], dialect: GroupDialect): ScimRequest {
  return { method: 'PATCH', path: groupPath(groupId), body: { schemas: [PATCH_OP_URN], [dialect.patchOperationsKey]: operations } };
}

function groupPath(groupId: string): string {
  return `/Groups/${encodeURIComponent(groupId)}`;
}
