/**
 * /Groups as Postman documents it (seed 002: getScimGroupResources with startIndex, count and a
 * case-sensitive `displayName eq "…"` filter; createScimGroup; getScimGroupResource;
 * scimUpdateGroup with a PatchOp under `operations`; deleteScimGroup) and, for the generic
 * dialect, as RFC 7644 has it (any filter, names compared ignoring case). Both PatchOp spellings
 * (`Operations`, `operations`) are accepted, as for users. Members must be users of the team.
 */
import { listResponse } from './discovery.js';
import type { ErrorSpec } from './errorBodies.js';
import { GROUP_SCHEMA, type GroupStore, type StoredGroup } from './groupStore.js';
import type { Reply } from './httpIo.js';
import { pageOf, parsePaging } from './listQuery.js';
import { FilterError, matchesFilter, parseFilter } from './scimFilter.js';
import { errorReply, type UsersContext } from './usersContext.js';

export interface GroupsContext extends UsersContext {
  groups: GroupStore;
  /** postman: only `displayName eq "…"`, case-sensitive; generic: the whole filter grammar. */
  dialect: 'postman' | 'generic';
  /** List responses leave `members` out (the `omitGroupMembersInLists` quirk); a single group still has them. */
  omitMembersInLists: boolean;
}

/** Worded by us: Postman publishes no error bodies for /Groups. Shaped like its user errors. */
export const GROUP_ERRORS = {
  notFound: { status: 404, detail: 'This group doesn’t exist.' },
  alreadyExists: { status: 409, scimType: 'uniqueness', detail: 'A group with this name already exists.' },
  invalidSyntax: { status: 400, scimType: 'invalidSyntax', detail: 'The request body isn’t a valid SCIM group request.' },
  unknownMember: { status: 400, scimType: 'invalidValue', detail: 'A member isn’t a user of this team.' },
  invalidFilter: { status: 400, scimType: 'invalidFilter', detail: 'The filter is not supported. Only displayName eq "value" can be used.' },
  invalidPaging: { status: 400, scimType: 'invalidValue', detail: 'startIndex and count must be integers.' },
} as const satisfies Record<string, ErrorSpec>;

export function renderGroup(ctx: GroupsContext, group: StoredGroup): Record<string, unknown> {
  return {
    schemas: [GROUP_SCHEMA],
    id: group.id,
    displayName: group.displayName,
    members: group.members.map((id) => ({ value: id, display: ctx.store.get(id)?.userName ?? id, type: 'User' })),
    meta: {
      resourceType: 'Group',
      created: group.created,
      lastModified: group.lastModified,
      ...(ctx.baseUrl !== '' && { location: `${ctx.baseUrl}/Groups/${encodeURIComponent(group.id)}` }),
    },
  };
}

export interface GroupsHandlers {
  list(params: URLSearchParams): Reply;
  get(id: string): Reply;
  create(body: unknown): Reply;
  patch(id: string, body: unknown): Reply;
  remove(id: string): Reply;
}

export function groupsHandlers(ctx: GroupsContext): GroupsHandlers {
  const fail = (spec: ErrorSpec) => errorReply(ctx, spec);
  const found = (id: string) => ctx.groups.get(id);
  return {
    list(params) {
      const paging = parsePaging(params, ctx.maxPageSize);
      if (!paging) return fail(GROUP_ERRORS.invalidPaging);
      const filter = params.get('filter');
      let matching = ctx.groups.list();
      if (filter !== null && filter.trim() !== '') {
        const selected = selectByFilter(ctx, matching, filter);
        if (!selected) return fail(GROUP_ERRORS.invalidFilter);
        matching = selected;
      }
      const page = pageOf(matching, paging.startIndex, paging.count, ctx.repeatFirstPageBeyondEnd);
      return {
        status: 200,
        body: listResponse(
          page.map((g) => (ctx.omitMembersInLists ? withoutMembers(renderGroup(ctx, g)) : renderGroup(ctx, g))),
          matching.length,
          paging.startIndex,
          ctx.omitItemsPerPage,
        ),
      };
    },
    get(id) {
      const group = found(id);
      return group ? { status: 200, body: renderGroup(ctx, group) } : fail(GROUP_ERRORS.notFound);
    },
    create(body) {
      if (!isRecord(body) || typeof body.displayName !== 'string' || body.displayName.trim() === '') return fail(GROUP_ERRORS.invalidSyntax);
      const members = memberIds(body.members);
      if (!members) return fail(GROUP_ERRORS.invalidSyntax);
      if (members.some((id) => !ctx.store.get(id))) return fail(GROUP_ERRORS.unknownMember);
      if (ctx.groups.findByName(body.displayName)) return fail(GROUP_ERRORS.alreadyExists);
      const group = ctx.groups.add(body.displayName, members);
      return { status: 201, body: renderGroup(ctx, group), headers: { Location: `${ctx.baseUrl}/Groups/${encodeURIComponent(group.id)}` } };
    },
    patch(id, body) {
      const group = found(id);
      if (!group) return fail(GROUP_ERRORS.notFound);
      const operations = isRecord(body) ? (body.Operations ?? body.operations) : undefined;
      if (!Array.isArray(operations) || operations.length === 0) return fail(GROUP_ERRORS.invalidSyntax);
      // All or nothing (RFC 7644 §3.5.2): worked out on a copy, stored only if every operation applies.
      const next = { displayName: group.displayName, members: [...group.members] };
      for (const operation of operations) {
        const problem = applyOperation(ctx, next, operation);
        if (problem) return fail(problem);
      }
      if (next.displayName !== group.displayName) {
        const taken = ctx.groups.findByName(next.displayName);
        if (taken && taken.id !== id) return fail(GROUP_ERRORS.alreadyExists);
      }
      group.displayName = next.displayName;
      group.members = [...new Set(next.members)];
      ctx.groups.touch(group);
      return { status: 200, body: renderGroup(ctx, group) };
    },
    remove(id) {
      return ctx.groups.remove(id) ? { status: 204 } : fail(GROUP_ERRORS.notFound);
    },
  };
}

function withoutMembers({ members: _members, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}

function selectByFilter(ctx: GroupsContext, groups: StoredGroup[], filter: string): StoredGroup[] | undefined {
  if (ctx.dialect === 'postman') {
    // Seed 002: "only supports the displayName filter … Filter values are case-sensitive."
    const match = /^\s*displayName\s+eq\s+("(?:[^"\\]|\\.)*")\s*$/i.exec(filter);
    if (!match?.[1]) return undefined;
    const name = JSON.parse(match[1]) as string;
    return groups.filter((g) => g.displayName === name);
  }
  try {
    const node = parseFilter(filter);
    return groups.filter((g) => matchesFilter(node, renderGroup(ctx, g)));
  } catch (error) {
    if (error instanceof FilterError) return undefined;
    throw error;
  }
}

/** `[{ value: id }, …]` → the ids; undefined when it isn't that shape. Absent: no members. */
function memberIds(value: unknown): string[] | undefined {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return undefined;
  const ids: string[] = [];
  for (const m of value) {
    if (!isRecord(m) || typeof m.value !== 'string') return undefined;
    ids.push(m.value);
  }
  return ids;
}

/** One PatchOp operation on a group's name and members; an error spec when it can't apply. */
function applyOperation(ctx: GroupsContext, group: { displayName: string; members: string[] }, operation: unknown): ErrorSpec | undefined {
  if (!isRecord(operation) || typeof operation.op !== 'string') return GROUP_ERRORS.invalidSyntax;
  const op = operation.op.toLowerCase();
  const path = typeof operation.path === 'string' ? operation.path.trim() : undefined;
  const value = operation.value;
  const known = (ids: string[]) => ids.every((id) => ctx.store.get(id) !== undefined);
  if (path === undefined) {
    // No path: the value is a partial resource (`{ displayName }`, `{ members: [...] }`).
    if (!isRecord(value) || (op !== 'add' && op !== 'replace')) return GROUP_ERRORS.invalidSyntax;
    if (typeof value.displayName === 'string') group.displayName = value.displayName;
    if (value.members !== undefined) {
      const ids = memberIds(value.members);
      if (!ids) return GROUP_ERRORS.invalidSyntax;
      if (!known(ids)) return GROUP_ERRORS.unknownMember;
      group.members = op === 'add' ? [...group.members, ...ids] : ids;
    }
    return undefined;
  }
  if (path.toLowerCase() === 'displayname') {
    if (op === 'remove' || typeof value !== 'string') return GROUP_ERRORS.invalidSyntax;
    group.displayName = value;
    return undefined;
  }
  const filtered = /^members\s*\[\s*value\s+eq\s+("(?:[^"\\]|\\.)*")\s*\]$/i.exec(path);
  if (filtered?.[1] && op === 'remove') {
    const id = JSON.parse(filtered[1]) as string;
    group.members = group.members.filter((m) => m !== id);
    return undefined;
  }
  if (path.toLowerCase() !== 'members') return GROUP_ERRORS.invalidSyntax;
  if (op === 'remove' && value === undefined) {
    group.members = [];
    return undefined;
  }
  const ids = memberIds(value);
  if (!ids) return GROUP_ERRORS.invalidSyntax;
  if (op === 'remove') {
    group.members = group.members.filter((m) => !ids.includes(m));
    return undefined;
  }
  if (!known(ids)) return GROUP_ERRORS.unknownMember;
  group.members = op === 'add' ? [...group.members, ...ids] : ids;
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
