/**
 * SCIM Bulk messages (RFC 7644 §3.7) as data: the request envelope, the exact size of a body
 * before it is serialised as a whole, and a BulkResponse read back into one result per
 * operation. Pure, so the splitting rules can be tested without a server.
 */

export const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

/** One operation of a Bulk request. */
export interface BulkOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Relative to the base URL, e.g. `/Users` or `/Users/abc`. */
  path: string;
  /** Unique within the request; maps the operation's result back to its roster row. */
  bulkId: string;
  data?: Record<string, unknown>;
}

/** One operation's result, as the service reported it. */
export interface BulkOperationResult {
  status: number;
  /** The resource's URL (for a created user: where to find its id). */
  location?: string;
  /** The resource (some services) or, for a failure, the SCIM error body. */
  response?: unknown;
}

/**
 * The request body. `failOnErrors` is left out on purpose: unset, the service goes on after a
 * failed operation, so one bad row doesn't stop the others (RFC 7644 §3.7.3).
 */
export function bulkRequestBody(operations: readonly BulkOperation[]): { schemas: string[]; Operations: readonly BulkOperation[] } {
  return { schemas: [BULK_REQUEST_URN], Operations: operations };
}

/** Bytes of the envelope with no operation in it. */
const ENVELOPE_BYTES = Buffer.byteLength(JSON.stringify(bulkRequestBody([])));

/** Bytes one operation adds to the serialised body (UTF-8), not counting the comma before it. */
export function operationBytes(operation: BulkOperation): number {
  return Buffer.byteLength(JSON.stringify(operation));
}

/** Bytes of the body holding operations of these sizes: exactly `Buffer.byteLength(JSON.stringify(bulkRequestBody(ops)))`. */
export function bulkBodyBytes(sizes: readonly number[]): number {
  return sizes.reduce((sum, size, i) => sum + size + (i > 0 ? 1 : 0), ENVELOPE_BYTES);
}

/**
 * Each operation's result, by bulkId. Services echo the bulkId (RFC 7644 requires it back when
 * sent); one that leaves it out but answers every operation in order is matched by position.
 * An operation with no result is missing from the map: the caller can't know whether it was applied.
 */
export function readBulkResponse(body: unknown, sent: readonly BulkOperation[]): Map<string, BulkOperationResult> {
  const results = new Map<string, BulkOperationResult>();
  const listed = (body as { Operations?: unknown } | undefined)?.Operations;
  if (!Array.isArray(listed)) return results;
  const sentIds = new Set(sent.map((op) => op.bulkId));
  const byPosition = listed.length === sent.length;
  listed.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) return;
    const e = entry as { bulkId?: unknown; status?: unknown; location?: unknown; response?: unknown };
    const status = Number(typeof e.status === 'object' && e.status !== null ? (e.status as { code?: unknown }).code : e.status);
    if (!Number.isInteger(status)) return;
    const bulkId = typeof e.bulkId === 'string' && sentIds.has(e.bulkId) ? e.bulkId : byPosition ? sent[i]!.bulkId : undefined;
    if (bulkId === undefined || results.has(bulkId)) return;
    results.set(bulkId, { status, location: typeof e.location === 'string' ? e.location : undefined, response: e.response });
  });
  return results;
}

/** The id at the end of a resource URL (`…/Users/abc` → `abc`). */
export function idFromLocation(location: string | undefined): string | undefined {
  if (location === undefined) return undefined;
  const last = location.replace(/\/+$/, '').split('/').pop();
  if (last === undefined || last === '') return undefined;
  try {
    return decodeURIComponent(last.split('?')[0]!);
  } catch {
    return undefined;
  }
}
