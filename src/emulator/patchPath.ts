/**
 * The PATCH engine of the generic dialect: RFC 7644 §3.5.2 paths and operations over a schema-less
 * JSON resource (the stored attributes of a user: everything but id, schemas and meta).
 *
 * Paths (RFC 7644 §3.5.2, figure 1):
 *   title                                    simple attribute
 *   name.givenName                           sub-attribute
 *   emails[type eq "work"]                   value filter on a multi-valued attribute
 *   emails[type eq "work"].value             … and one sub-attribute of the matching elements
 *   urn:…:enterprise:2.0:User:department     extension attribute (URN prefix); also `…:manager.value`
 *   (no path)                                the value is an object of attributes to merge
 * Attribute names are matched case-insensitively (RFC 7643 §2.1); new attributes take the
 * RFC spelling when we know it (`username` → `userName`), else the spelling sent.
 */
import { CORE_USER_URN, FilterError, type FilterNode, equalities, findKey, matchesFilter, parseFilter, splitUrn } from './scimFilter.js';

export type PatchOpName = 'add' | 'replace' | 'remove';
export type PatchErrorType = 'invalidPath' | 'invalidFilter' | 'noTarget' | 'invalidValue' | 'mutability';

/** A PATCH that can't be applied; `scimType` is the RFC 7644 §3.12 error type to answer with. */
export class PatchError extends Error {
  constructor(
    readonly scimType: PatchErrorType,
    message: string,
  ) {
    super(message);
    this.name = 'PatchError';
  }
}

export interface PatchPath {
  /** Extension schema URN when the path is prefixed with one (the core User URN is dropped). */
  schema?: string;
  attribute: string;
  /** Value selection filter (`emails[type eq "work"]`). */
  filter?: FilterNode;
  subAttribute?: string;
}

type Json = Record<string, unknown>;

const ATTR_NAME = /^[A-Za-z$][\w$-]*$/;

/** Known RFC 7643 spellings, so `username` creates `userName`. */
const CANONICAL = new Map(
  [
    'userName',
    'name',
    'displayName',
    'nickName',
    'profileUrl',
    'title',
    'userType',
    'preferredLanguage',
    'locale',
    'timezone',
    'active',
    'password',
    'emails',
    'phoneNumbers',
    'ims',
    'photos',
    'addresses',
    'groups',
    'entitlements',
    'roles',
    'x509Certificates',
    'externalId',
    'givenName',
    'familyName',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
    'formatted',
    'value',
    'display',
    'type',
    'primary',
    'employeeNumber',
    'costCenter',
    'organization',
    'division',
    'department',
    'manager',
    'streetAddress',
    'locality',
    'region',
    'postalCode',
    'country',
  ].map((name) => [name.toLowerCase(), name]),
);

/** RFC 7643 §4.1.2 multi-valued attributes: a PATCH on these without a filter acts on the list. */
export const MULTI_VALUED = new Set(['emails', 'phonenumbers', 'ims', 'photos', 'addresses', 'groups', 'entitlements', 'roles', 'x509certificates']);

/** Attributes a PATCH may not touch: the server owns them (RFC 7643 §3.1), or they are required. */
const READ_ONLY = new Set(['id', 'meta', 'schemas', 'groups']);
const REQUIRED = new Set(['username']);

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key to use for `name` in `object`: the existing one in any case, else the RFC spelling. */
export function keyFor(object: Json, name: string): string {
  return findKey(object, name) ?? CANONICAL.get(name.toLowerCase()) ?? name;
}

/** Parses a PATCH path; throws PatchError invalidPath (syntax) or invalidFilter (bad filter). */
export function parsePatchPath(path: string): PatchPath {
  const text = path.trim();
  if (text === '') throw new PatchError('invalidPath', 'The path is empty.');
  const open = text.indexOf('[');
  let head = text;
  let filter: FilterNode | undefined;
  let tail: string | undefined;
  if (open !== -1) {
    head = text.slice(0, open);
    const close = closingBracket(text, open);
    if (close === -1) throw new PatchError('invalidPath', `The path "${path}" has an unclosed "[".`);
    try {
      filter = parseFilter(text.slice(open + 1, close));
    } catch (error) {
      if (error instanceof FilterError) throw new PatchError('invalidFilter', `The filter in "${path}" is invalid: ${error.message}.`);
      throw error;
    }
    const after = text.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith('.')) throw new PatchError('invalidPath', `Unexpected "${after}" after the filter in "${path}".`);
      tail = after.slice(1);
      if (!ATTR_NAME.test(tail)) throw new PatchError('invalidPath', `"${tail}" is not a valid sub-attribute name.`);
    }
  }
  const { urn, rest } = splitUrn(head);
  if (urn !== undefined && !/^urn:[A-Za-z0-9.:_-]+$/i.test(urn)) throw new PatchError('invalidPath', `"${urn}" is not a valid schema URN.`);
  const parts = rest.split('.');
  if (parts.length > 2 || parts.some((p) => !ATTR_NAME.test(p))) throw new PatchError('invalidPath', `"${path}" is not a valid attribute path.`);
  const [attribute = '', sub] = parts;
  if (filter !== undefined && sub !== undefined) {
    throw new PatchError('invalidPath', `"${path}": a value filter must follow the attribute, not a sub-attribute.`);
  }
  return {
    ...(urn !== undefined && { schema: urn }),
    attribute,
    ...(filter !== undefined && { filter }),
    ...((sub ?? tail) !== undefined && { subAttribute: sub ?? tail }),
  };
}

/** Index of the "]" closing the "[" at `open`, skipping quoted strings; -1 when there is none. */
function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i += 1) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i += 1;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === ']') return i;
  }
  return -1;
}

/** Normalises an op name ("Replace" → "replace"); undefined when it isn't one. */
export function patchOpName(op: unknown): PatchOpName | undefined {
  if (typeof op !== 'string') return undefined;
  const lower = op.toLowerCase();
  return lower === 'add' || lower === 'replace' || lower === 'remove' ? lower : undefined;
}

/**
 * Applies one operation to `resource`, in place. Callers work on a copy and keep it only when
 * every operation of the request succeeded (RFC 7644 §3.5.2: a PATCH is atomic).
 */
export function applyPatchOperation(resource: Json, op: PatchOpName, path: string | undefined, value?: unknown): void {
  if (path === undefined || path.trim() === '') {
    applyWithoutPath(resource, op, value);
    return;
  }
  const target = parsePatchPath(path);
  if (op !== 'remove' && value === undefined) throw new PatchError('invalidValue', `The ${op} operation on "${path}" has no value.`);
  // RFC 7643 §2.5: null is "unassigned", so adding or replacing null removes.
  if (op !== 'remove' && value === null) {
    op = 'remove';
    value = undefined;
  }
  if (target.schema === undefined) {
    const name = target.attribute.toLowerCase();
    if (READ_ONLY.has(name)) throw new PatchError('mutability', `"${target.attribute}" is read-only.`);
    if (op === 'remove' && REQUIRED.has(name) && target.subAttribute === undefined) {
      throw new PatchError('mutability', `"${target.attribute}" is required and can't be removed.`);
    }
  }

  const holder = container(resource, target.schema, op !== 'remove');
  if (holder === undefined) return; // removing from an extension the user doesn't have: nothing to do
  const key = keyFor(holder, target.attribute);
  if (target.filter) applyFiltered(holder, key, target.filter, target.subAttribute, op, value, path);
  else if (target.subAttribute !== undefined) applySubAttribute(holder, key, target.subAttribute, op, value);
  else applyAttribute(holder, key, op, value);
  if (target.schema !== undefined) dropEmptyExtension(resource, target.schema);
}

/** No path: the value is a set of attributes (RFC 7644 §3.5.2.1, §3.5.2.3). */
function applyWithoutPath(resource: Json, op: PatchOpName, value: unknown): void {
  if (op === 'remove') throw new PatchError('noTarget', 'A remove operation needs a path.');
  if (!isRecord(value)) throw new PatchError('invalidValue', `A ${op} operation without a path needs an object value.`);
  for (const [name, attributeValue] of Object.entries(value)) {
    // Clients echo these from the resource they read (Okta sends `id`); the server owns them.
    if (['schemas', 'id', 'meta'].includes(name.toLowerCase())) continue;
    if (isRecord(attributeValue) && isSchemaUrn(name)) {
      // An extension (or core) object: merge its attributes one by one.
      const prefix = splitUrn(`${name}:x`).urn;
      for (const [sub, subValue] of Object.entries(attributeValue)) {
        applyPatchOperation(resource, op, prefix === undefined ? sub : `${prefix}:${sub}`, subValue);
      }
      continue;
    }
    // Keys may themselves be paths: Entra sends {"name.givenName": "Ada"} and URN-prefixed keys.
    applyPatchOperation(resource, op, name, attributeValue);
  }
}

/**
 * `urn:…:2.0:User` (a schema) as opposed to `urn:…:2.0:User:manager` (an attribute in one):
 * schema names are capitalised (User, EnterpriseUser…), attribute names are not.
 */
function isSchemaUrn(name: string): boolean {
  return /^urn:/i.test(name) && (name.toLowerCase() === CORE_USER_URN.toLowerCase() || /:[A-Z][\w$-]*$/.test(name));
}

function container(resource: Json, schema: string | undefined, create: boolean): Json | undefined {
  if (schema === undefined) return resource;
  const key = findKey(resource, schema) ?? schema;
  const current = resource[key];
  if (isRecord(current)) return current;
  if (!create) return undefined;
  const fresh: Json = {};
  resource[key] = fresh;
  return fresh;
}

function dropEmptyExtension(resource: Json, schema: string): void {
  const key = findKey(resource, schema);
  if (key !== undefined && isRecord(resource[key]) && Object.keys(resource[key]).length === 0) delete resource[key];
}

function isMultiValued(holder: Json, key: string, value: unknown): boolean {
  return Array.isArray(holder[key]) || Array.isArray(value) || MULTI_VALUED.has(key.toLowerCase());
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [value];
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Same element of a multi-valued attribute: equal, or the same `value` (emails, roles, groups). */
function sameElement(a: unknown, b: unknown): boolean {
  if (sameJson(a, b)) return true;
  if (isRecord(a) && isRecord(b) && a.value !== undefined && b.value !== undefined) {
    return typeof a.value === 'string' && typeof b.value === 'string' ? a.value.toLowerCase() === b.value.toLowerCase() : a.value === b.value;
  }
  return false;
}

/** Merges `value`'s sub-attributes into `target` (RFC: unspecified sub-attributes are left unchanged). */
function merge(target: Json, value: Json): void {
  for (const [name, sub] of Object.entries(value)) target[keyFor(target, name)] = sub;
}

function applyAttribute(holder: Json, key: string, op: PatchOpName, value: unknown): void {
  const current = holder[key];
  if (op === 'remove') {
    if (value !== undefined && Array.isArray(current)) {
      // Entra/Okta style: remove the listed values from a multi-valued attribute.
      const doomed = asList(value);
      holder[key] = current.filter((item) => !doomed.some((d) => sameElement(item, d)));
      if ((holder[key] as unknown[]).length === 0) delete holder[key];
    } else {
      delete holder[key];
    }
    return;
  }
  if (isMultiValued(holder, key, value)) {
    if (op === 'replace') {
      holder[key] = asList(value);
      return;
    }
    const list = Array.isArray(current) ? [...(current as unknown[])] : [];
    for (const item of asList(value)) {
      const index = list.findIndex((existing) => sameElement(existing, item));
      if (index === -1) list.push(item);
      else if (isRecord(list[index]) && isRecord(item)) list[index] = { ...list[index], ...item };
    }
    holder[key] = list;
    return;
  }
  if (isRecord(current) && isRecord(value)) {
    merge(current, value); // complex attribute: add and replace both merge (RFC 7644 §3.5.2.1, .3)
    return;
  }
  holder[key] = value;
}

function applySubAttribute(holder: Json, key: string, subAttribute: string, op: PatchOpName, value: unknown): void {
  const current = holder[key];
  if (Array.isArray(current)) {
    // `emails.value` without a filter: every element of the multi-valued attribute.
    for (const item of current) {
      if (!isRecord(item)) continue;
      const sub = keyFor(item, subAttribute);
      if (op === 'remove') delete item[sub];
      else item[sub] = value;
    }
    return;
  }
  if (op === 'remove') {
    if (!isRecord(current)) return;
    delete current[keyFor(current, subAttribute)];
    if (Object.keys(current).length === 0) delete holder[key];
    return;
  }
  if (current !== undefined && !isRecord(current)) {
    throw new PatchError('invalidPath', `"${key}" has no sub-attributes.`);
  }
  const target = current ?? {};
  if (MULTI_VALUED.has(key.toLowerCase())) {
    holder[key] = [{ [keyFor({}, subAttribute)]: value }];
    return;
  }
  target[keyFor(target, subAttribute)] = value;
  holder[key] = target;
}

function applyFiltered(holder: Json, key: string, filter: FilterNode, subAttribute: string | undefined, op: PatchOpName, value: unknown, path: string): void {
  const current = holder[key];
  if (current !== undefined && !Array.isArray(current)) {
    throw new PatchError('invalidPath', `"${key}" is not multi-valued, so "${path}" can't select values of it.`);
  }
  const list = (current as unknown[] | undefined) ?? [];
  const matched = list.filter((item) => isRecord(item) && matchesFilter(filter, item)) as Json[];

  if (op === 'remove') {
    // No match is no change: the values the client wants gone are already gone.
    if (subAttribute === undefined) {
      const kept = list.filter((item) => !matched.includes(item as Json));
      if (kept.length === 0) delete holder[key];
      else holder[key] = kept;
    } else {
      for (const item of matched) delete item[keyFor(item, subAttribute)];
    }
    return;
  }

  if (subAttribute === undefined && !isRecord(value)) {
    throw new PatchError('invalidValue', `The value for "${path}" must be an object.`);
  }
  // Replaced elements keep satisfying the filter that selected them (type stays "work"):
  // the filter's `attr eq value` pairs are kept under the new value.
  const required = equalities(filter) ?? {};
  if (matched.length > 0) {
    const next = list.map((item) => {
      if (!matched.includes(item as Json)) return item;
      const element = item as Json;
      if (subAttribute !== undefined) return { ...element, [keyFor(element, subAttribute)]: value };
      return op === 'add' ? { ...element, ...(value as Json) } : { ...required, ...(value as Json) };
    });
    holder[key] = next;
    return;
  }
  // RFC 7644 §3.5.2.3 says a replace whose value filter matches nothing fails with 400 noTarget.
  // Real servers (Entra ID's own provisioning contract, Okta, scimmy) instead add the element —
  // Entra sends `replace emails[type eq "work"].value` for users that have no work email yet and
  // expects it to stick — so we do the same, for add and replace alike. Only a filter we can't
  // turn into an element (anything but `attr eq value` joined by `and`) still gets noTarget.
  const seed = equalities(filter);
  if (seed === undefined) throw new PatchError('noTarget', `No value of "${key}" matches "${path}".`);
  const element: Json = {};
  for (const [name, v] of Object.entries(seed)) element[keyFor(element, name)] = v;
  if (subAttribute !== undefined) element[keyFor(element, subAttribute)] = value;
  else merge(element, value as Json);
  holder[key] = [...list, element];
}
