import type { Logger } from 'pino';
import type { RateGate } from '../rateLimit/rateGate.js';
import { classifyHttpFailure } from './classifyFailure.js';
import {
  type BulkOperation,
  type BulkOperationResult,
  bulkBodyBytes,
  bulkRequestBody,
  idFromLocation,
  operationBytes,
  readBulkResponse,
} from './bulkMessages.js';
import { ScimRequestError, TransientError } from './errors.js';
import { MAX_THROTTLE_PAUSE_MS, type ScimClient } from './scimClient.js';
import type { BulkLimits } from './serviceProviderConfig.js';

/** One write, as the executor would send it on its own. */
export interface BulkableRequest {
  method: BulkOperation['method'];
  path: string;
  body?: Record<string, unknown>;
}

export interface BulkBatcherOptions {
  client: ScimClient;
  /** Paused after an operation inside a Bulk answer is throttled (429), like after a whole 429. */
  gate: RateGate;
  limits: BulkLimits;
  logger: Logger;
  /**
   * Lanes in the order their Bulk requests go out: a batch never mixes lanes, so deactivations
   * travel in Bulk requests of their own, ahead of the others.
   */
  lanes: readonly string[];
}

interface Pending {
  operation: BulkOperation;
  bytes: number;
  lane: string;
  attempts: number;
  lastFailure?: ScimRequestError;
  resolve: (body: unknown) => void;
  reject: (error: unknown) => void;
}

interface Batch {
  items: Pending[];
  bytes: number;
}

/** /Bulk answers that mean the service doesn't have it after all (RFC 7644 §3.7: 501 when unsupported). */
const NO_BULK_STATUSES = new Set([404, 405, 501]);
const PAYLOAD_TOO_LARGE = 413;

/**
 * Carries single writes in SCIM Bulk requests (RFC 7644 §3.7), transparently: `send` takes one
 * write and settles with that write's own answer — its body, or the classified error it would
 * have met on its own — so the executor decides every outcome exactly as without Bulk (a 409
 * still leads to the lookup and adoption).
 *
 * Writes that arrive in the same turn of the event loop are collected per lane and sent, once
 * the turn is over, in as few Bulk requests as `maxOperations` and `maxPayloadSize` (measured on
 * the serialised body) allow; each carries a `bulkId` that maps its result back. The Bulk request
 * itself goes through the client, so a 429, a 5xx or a dropped connection retries it through the
 * gate. Inside an answer, an operation that failed transiently (429, 5xx) is retried alone, in a
 * later Bulk request; a 413 halves the batch; a 501 or 404 on /Bulk gives Bulk up for the rest of
 * the run (logged once) and every write goes on as a request of its own.
 */
export class BulkBatcher {
  private readonly open = new Map<string, Batch[]>();
  private flushScheduled = false;
  private nextBulkId = 1;
  private gaveUp = false;

  constructor(private readonly options: BulkBatcherOptions) {
    for (const lane of options.lanes) this.open.set(lane, []);
  }

  /** Whether writes still go in Bulk requests (false after a 501 or 404 on /Bulk). */
  get active(): boolean {
    return !this.gaveUp;
  }

  send(request: BulkableRequest, lane: string): Promise<unknown> {
    if (!this.open.has(lane)) throw new RangeError(`unknown Bulk lane "${lane}"`);
    const operation: BulkOperation = {
      method: request.method,
      path: request.path,
      bulkId: `op${this.nextBulkId++}`,
      ...(request.body !== undefined && { data: request.body }),
    };
    const bytes = operationBytes(operation);
    // A write too big for any Bulk request still goes, on its own.
    if (this.gaveUp || bulkBodyBytes([bytes]) > this.options.limits.maxPayloadSize) return this.single(operation);
    return new Promise((resolve, reject) => this.enqueue({ operation, bytes, lane, attempts: 0, resolve, reject }));
  }

  private enqueue(item: Pending): void {
    const batches = this.open.get(item.lane)!;
    const { maxOperations, maxPayloadSize } = this.options.limits;
    const last = batches.at(-1);
    if (last && last.items.length < maxOperations && last.bytes + 1 + item.bytes <= maxPayloadSize) {
      last.items.push(item);
      last.bytes += 1 + item.bytes;
    } else {
      batches.push({ items: [item], bytes: bulkBodyBytes([item.bytes]) });
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Once every write this turn has arrived, so batches are as full as the limits allow.
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const lane of this.options.lanes) {
      const batches = this.open.get(lane)!;
      this.open.set(lane, []);
      for (const batch of batches) void this.dispatch(batch.items);
    }
  }

  private async dispatch(items: Pending[]): Promise<void> {
    if (this.gaveUp) {
      for (const item of items) this.settleSingly(item);
      return;
    }
    const operations = items.map((i) => i.operation);
    let body: unknown;
    try {
      ({ body } = await this.options.client.send('POST', '/Bulk', bulkRequestBody(operations)));
    } catch (error) {
      this.dispatchFailed(items, error);
      return;
    }
    this.options.client.stats.countBulk(items.length);
    const results = readBulkResponse(body, operations);
    for (const item of items) this.settle(item, results.get(item.operation.bulkId));
  }

  private dispatchFailed(items: Pending[], error: unknown): void {
    if (!(error instanceof ScimRequestError)) {
      // The gate refused (the run is stopping): an operation that already had an answer ends with it.
      for (const item of items) item.reject(item.lastFailure ?? error);
      return;
    }
    if (error.httpStatus === PAYLOAD_TOO_LARGE) {
      if (items.length === 1) return this.settleSingly(items[0]!);
      const half = Math.ceil(items.length / 2);
      this.options.logger.info(
        { operations: items.length, detail: error.detail },
        'the service found a Bulk request too large (413): sending it as two halves',
      );
      void this.dispatch(items.slice(0, half));
      void this.dispatch(items.slice(half));
      return;
    }
    if (error.httpStatus !== undefined && NO_BULK_STATUSES.has(error.httpStatus)) {
      this.giveUp(error);
      for (const item of items) this.settleSingly(item);
      return;
    }
    for (const item of items) item.reject(error);
  }

  private giveUp(error: ScimRequestError): void {
    if (this.gaveUp) return;
    this.gaveUp = true;
    const why = `POST /Bulk answered ${error.httpStatus}${error.detail ? `: ${error.detail}` : ''}`;
    this.options.client.stats.bulkGivenUp(why);
    this.options.logger.warn(
      { httpStatus: error.httpStatus, detail: error.detail },
      'the service advertises Bulk but has no /Bulk endpoint: every write of this run goes as a request of its own (set target.bulk: off to skip the attempt)',
    );
  }

  /** One operation's part of the answer: its body, or the failure it stands for (retried when transient). */
  private settle(item: Pending, result: BulkOperationResult | undefined): void {
    const { method, path } = item.operation;
    if (result && result.status >= 200 && result.status < 300) {
      item.resolve(resultBody(result));
      return;
    }
    const failure = result ? this.failureOf(item.operation, result) : missingResult(item.operation);
    if (!(failure instanceof TransientError)) {
      item.reject(failure);
      return;
    }
    item.attempts++;
    item.lastFailure = failure;
    const { client, gate, logger } = this.options;
    if (failure.throttled) client.stats.throttled++;
    if (item.attempts >= client.retryPolicy.maxAttempts) {
      item.reject(failure);
      return;
    }
    client.stats.retries++;
    logger.debug({ method, path, status: failure.httpStatus, attempt: item.attempts }, 'operation inside a Bulk answer failed transiently: retried alone');
    void (async () => {
      if (failure.throttled) {
        gate.pause(Math.min(client.retryPolicy.defaultRetryAfterMs, MAX_THROTTLE_PAUSE_MS));
      } else if (!(await client.backoff(item.attempts))) {
        item.reject(failure);
        return;
      }
      if (this.gaveUp) this.settleSingly(item);
      else this.enqueue(item);
    })();
  }

  private failureOf({ method, path }: BulkOperation, result: BulkOperationResult): ScimRequestError {
    const error = (typeof result.response === 'object' && result.response !== null ? result.response : {}) as { detail?: unknown; scimType?: unknown };
    return classifyHttpFailure({
      method,
      path,
      httpStatus: result.status,
      detail: typeof error.detail === 'string' ? this.options.client.redact(error.detail) : undefined,
      scimType: typeof error.scimType === 'string' ? error.scimType : undefined,
    });
  }

  private settleSingly(item: Pending): void {
    this.single(item.operation).then(item.resolve, item.reject);
  }

  private async single({ method, path, data }: BulkOperation): Promise<unknown> {
    return (await this.options.client.send(method, path, data)).body;
  }
}

/** A succeeded operation's body: the resource when the service sent it, with the id from `location` when not. */
function resultBody(result: BulkOperationResult): Record<string, unknown> {
  const resource = typeof result.response === 'object' && result.response !== null ? (result.response as Record<string, unknown>) : {};
  const id = typeof resource.id === 'string' ? resource.id : idFromLocation(result.location);
  return { ...resource, ...(id !== undefined && { id }) };
}

/** An operation the answer said nothing about: it may or may not have been applied, so it is tried again (a create then meets 409 and is adopted). */
function missingResult({ method, path }: BulkOperation): TransientError {
  return new TransientError({ method, path, detail: 'the Bulk answer has no result for this operation' });
}
