/**
 * The SCIM attribute paths a roster column can be mapped to, and how values at those paths are
 * read from and written into a SCIM User resource (RFC 7643 §4.1, §4.3). One place, so the
 * reader, the planner and the request builders agree on what a path means.
 */

export const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const CORE_USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';

/** A mapped value: most attributes are strings; `roles` is a list; `active`-like flags may be booleans. */
export type AttrValue = string | boolean | readonly string[];

/** Short names accepted in `source.columns` for the common name parts. */
const ALIASES: Record<string, string> = { givenName: 'name.givenName', familyName: 'name.familyName' };

const SIMPLE = ['externalId', 'userName', 'displayName', 'nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone', 'profileUrl'];
const NAME_PARTS = ['givenName', 'familyName', 'middleName', 'honorificPrefix', 'honorificSuffix', 'formatted'];
const ENTERPRISE = ['employeeNumber', 'costCenter', 'organization', 'division', 'department', 'manager'];
const MULTI_VALUE_FILTER = /^(emails|phoneNumbers)\[type eq "([a-z]+)"\]\.value$/;

/**
 * RFC 7643 marks these caseExact: only ids and references. Everything else compares
 * case-insensitively — except the name parts: a capitalisation fix in HR ("Mcdonald" →
 * "McDonald") is a real change that services store as sent, so it must reach them.
 */
const CASE_EXACT = new Set(['externalId', 'profileUrl', 'name.givenName', 'name.familyName', 'name.middleName', 'name.formatted']);

export function canonicalPath(path: string): string {
  return ALIASES[path] ?? path;
}

/** Why a path is not one scim-sync can map, or undefined when it is fine. */
export function checkPath(path: string): string | undefined {
  const p = canonicalPath(path);
  if (SIMPLE.includes(p) || p === 'roles') return undefined;
  if (p.startsWith('name.') && NAME_PARTS.includes(p.slice(5))) return undefined;
  if (MULTI_VALUE_FILTER.test(p)) return undefined;
  if (p.startsWith(`${ENTERPRISE_URN}:`) && ENTERPRISE.includes(p.slice(ENTERPRISE_URN.length + 1))) return undefined;
  return (
    `"${path}" is not a supported SCIM attribute path; use one of ${SIMPLE.join(', ')}, givenName, familyName, name.<part>, roles, ` +
    `emails[type eq "work"].value, phoneNumbers[type eq "work"].value, or ${ENTERPRISE_URN}:<${ENTERPRISE.join('|')}>`
  );
}

/** A path as a person reads it: the enterprise extension's attributes by their short name (`department`). */
export function shortPath(path: string): string {
  return path.startsWith(`${ENTERPRISE_URN}:`) ? path.slice(ENTERPRISE_URN.length + 1) : path;
}

export function isMultiValued(path: string): boolean {
  return path === 'roles';
}

export function isCaseExact(path: string): boolean {
  return CASE_EXACT.has(path);
}

type Resource = Record<string, unknown>;

/**
 * A value as a list: a multi-valued attribute's items, or a single value as one item.
 * (`Array.isArray` would widen a readonly string[] to any[].)
 */
export function asList(value: AttrValue): readonly string[] {
  return typeof value === 'string' || typeof value === 'boolean' ? [String(value)] : value;
}

/** A role's text as a service gave it: a string or a number; anything else is no role. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** Reads the value at `path` from a SCIM resource, or undefined when absent. */
export function readPath(resource: Resource, path: string): AttrValue | undefined {
  if (path === 'roles') {
    const roles = resource.roles;
    if (!Array.isArray(roles)) return undefined;
    return roles.map((r: { display?: unknown; value?: unknown }) => textOf(r?.display ?? r?.value)).filter((r) => r !== '');
  }
  if (path.startsWith('name.')) return asValue((resource.name as Resource | undefined)?.[path.slice(5)]);
  const multi = MULTI_VALUE_FILTER.exec(path);
  if (multi) return asValue(findTyped(resource[multi[1]!], multi[2]!)?.value);
  if (path.startsWith(`${ENTERPRISE_URN}:`)) {
    const ext = resource[ENTERPRISE_URN] as Resource | undefined;
    const attr = path.slice(ENTERPRISE_URN.length + 1);
    return attr === 'manager' ? asValue((ext?.manager as Resource | undefined)?.value) : asValue(ext?.[attr]);
  }
  return asValue(resource[path]);
}

/** Writes `value` at `path` into a resource being built (create and PUT bodies). */
export function writePath(resource: Resource, path: string, value: AttrValue, roleShape: 'display' | 'value-and-display' = 'value-and-display'): void {
  if (path === 'roles') {
    resource.roles = asList(value).map((r) => (roleShape === 'display' ? { display: r } : { value: r, display: r }));
  } else if (path.startsWith('name.')) {
    resource.name = { ...(resource.name ?? {}), [path.slice(5)]: value };
  } else if (MULTI_VALUE_FILTER.test(path)) {
    const [, attr, type] = MULTI_VALUE_FILTER.exec(path)!;
    const list = (resource[attr!] as Resource[] | undefined) ?? [];
    // Types compare without case (a service may store "Work"; reading does the same), and the
    // replaced entry passes its primary flag on, so a new work email stays the primary one.
    const sameType = (e: Resource) => typeof e.type === 'string' && e.type.toLowerCase() === type!.toLowerCase();
    const replaced = list.find(sameType);
    const primary = replaced ? replaced.primary === true : list.length === 0;
    resource[attr!] = [...list.filter((e) => !sameType(e)), { value, type: type!, primary }];
  } else if (path.startsWith(`${ENTERPRISE_URN}:`)) {
    const attr = path.slice(ENTERPRISE_URN.length + 1);
    const ext = { ...((resource[ENTERPRISE_URN] as Resource | undefined) ?? {}), [attr]: attr === 'manager' ? { value } : value };
    resource[ENTERPRISE_URN] = ext;
    const schemas = (resource.schemas as string[] | undefined) ?? [CORE_USER_URN];
    if (!schemas.includes(ENTERPRISE_URN)) resource.schemas = [...schemas, ENTERPRISE_URN];
  } else {
    resource[path] = value;
  }
}

/**
 * Equal the way the service means it: whitespace and Unicode form never count; case counts only
 * for caseExact attributes; lists (roles) compare as sets.
 */
export function sameValue(path: string, a: AttrValue | undefined, b: AttrValue | undefined): boolean {
  if (a === b) return true; // the unchanged majority: skip normalising both sides
  const norm = (v: AttrValue | undefined): string => {
    if (v === undefined || v === '') return '';
    if (typeof v !== 'string' && typeof v !== 'boolean') return [...new Set(v.map((x) => canonical(path, x)).filter((x) => x !== ''))].sort().join('\u0000');
    return canonical(path, String(v));
  };
  return norm(a) === norm(b);
}

function canonical(path: string, value: string): string {
  const folded = value.normalize('NFC').replace(/\s+/g, ' ').trim();
  return isCaseExact(path) ? folded : folded.toLowerCase();
}

function findTyped(list: unknown, type: string): Resource | undefined {
  if (!Array.isArray(list)) return undefined;
  const items = list as Resource[];
  const typed = items.find((e) => typeof e?.type === 'string' && e.type.toLowerCase() === type);
  if (typed) return typed;
  // Services that don't type their emails (Nintex) hold one: take the primary, else the first.
  if (items.every((e) => e?.type === undefined)) return items.find((e) => e?.primary === true) ?? items[0];
  return undefined;
}

function asValue(v: unknown): AttrValue | undefined {
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}
