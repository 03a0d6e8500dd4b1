/**
 * `POST /Bulk` (RFC 7644 §3.7) for the generic dialect: the request's operations applied in
 * order through the same /Users (and /Groups) routes a single request takes, each answered in the
 * BulkResponse with its own status (a string, as in the RFC's examples), `location` and, for a
 * failure, the SCIM error as `response`. Limits as advertised in /ServiceProviderConfig: more
 * than `maxOperations` operations or a body over `maxPayloadSize` bytes is a 413. `failOnErrors`
 * stops after that many failed operations; unset, every operation is tried.
 */
import type { ErrorSpec } from './errorBodies.js';
import type { Reply } from './httpIo.js';
import { badRequest, isRecord } from './scimRoutes.js';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export interface BulkSupport {
  maxOperations: number;
  /** Bytes; at most the emulator's own body cap (1 MiB). */
  maxPayloadSize: number;
}

export interface BulkRouting {
  /** Answers one operation as the single request would be answered (faults included). */
  apply: (method: string, path: string, data: unknown) => Reply;
  /** An error answer of this dialect. */
  fail: (spec: ErrorSpec) => Reply;
  /** e.g. http://127.0.0.1:PORT/scim/v2, for `location`. */
  baseUrl: string;
}

const METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function bulkReply(body: unknown, bytes: number, support: BulkSupport, routing: BulkRouting): Reply {
  const { fail } = routing;
  if (bytes > support.maxPayloadSize) {
    return fail({ status: 413, detail: `The size of the bulk operation exceeds the maxPayloadSize (${support.maxPayloadSize}).` });
  }
  if (!isRecord(body) || !Array.isArray(body.schemas) || !body.schemas.includes(BULK_REQUEST_SCHEMA)) {
    return fail(badRequest('invalidSyntax', `schemas must include ${BULK_REQUEST_SCHEMA}.`));
  }
  const operations = body.Operations;
  if (!Array.isArray(operations) || operations.length === 0) return fail(badRequest('invalidSyntax', 'Operations must be a non-empty array.'));
  if (operations.length > support.maxOperations) {
    return fail({ status: 413, detail: `The number of operations (${operations.length}) exceeds the maxOperations (${support.maxOperations}).` });
  }
  const failOnErrors = body.failOnErrors;
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    return fail(badRequest('invalidValue', 'failOnErrors must be a positive integer.'));
  }
  const results: Record<string, unknown>[] = [];
  let errors = 0;
  for (const operation of operations) {
    if (failOnErrors !== undefined && errors >= failOnErrors) break;
    const result = applyOne(operation, routing);
    if (Number(result.status) >= 400) errors++;
    results.push(result);
  }
  return { status: 200, body: { schemas: [BULK_RESPONSE_SCHEMA], Operations: results } };
}

function applyOne(operation: unknown, { apply, fail, baseUrl }: BulkRouting): Record<string, unknown> {
  const op = isRecord(operation) ? operation : {};
  const method = typeof op.method === 'string' ? op.method.toUpperCase() : undefined;
  const bulkId = typeof op.bulkId === 'string' ? op.bulkId : undefined;
  const path = typeof op.path === 'string' ? op.path : undefined;
  const answer = (reply: Reply, location?: string) => ({
    ...(method !== undefined && { method }),
    ...(bulkId !== undefined && { bulkId }),
    ...(location !== undefined && { location }),
    status: String(reply.status),
    // Like the RFC's examples: a failure carries its error, a success only its location.
    ...(reply.status >= 400 && { response: reply.body }),
  });
  if (method === undefined || !METHODS.has(method)) return answer(fail(badRequest('invalidValue', 'method must be POST, PUT, PATCH or DELETE.')));
  const resource = path === undefined ? undefined : /^\/(Users|Groups)(\/[^/?]+)?$/.exec(path)?.[1];
  if (path === undefined || resource === undefined)
    return answer(fail(badRequest('invalidPath', 'path must be /Users, /Users/{id}, /Groups or /Groups/{id}.')));
  if (method === 'POST' && bulkId === undefined) return answer(fail(badRequest('invalidSyntax', 'a POST operation needs a bulkId.')));
  if ((method === 'POST') !== (path === `/${resource}`))
    return answer(fail(badRequest('invalidPath', `${method} needs ${method === 'POST' ? `/${resource}` : `/${resource}/{id}`}.`)));
  const reply = apply(method, path, op.data);
  if (reply.status >= 400) return answer(reply);
  const id = method === 'POST' && isRecord(reply.body) && typeof reply.body.id === 'string' ? reply.body.id : undefined;
  return answer(reply, id === undefined ? `${baseUrl}${path}` : `${baseUrl}/${resource}/${encodeURIComponent(id)}`);
}
