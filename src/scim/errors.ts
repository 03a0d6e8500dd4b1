import { ScimSyncError } from '../domain/scimSyncError.js';
/**
 * Every failed SCIM request becomes exactly one of these, decided once by `classifyFailure`.
 * The class tells the executor what to do next, so no caller has to re-read status codes:
 *
 *   TransientError  → retry through the same rate gate, with backoff
 *   ConflictError   → the user already exists: look it up and adopt it
 *   GoneError       → the user is not on the service (any more): record, don't retry
 *   RejectedError   → the service refused this one request: record the SCIM detail, go on
 *   NoSlotsError    → the team is full: stop sending creates, keep everything else going
 *   RunFatalError   → nothing else can succeed (bad key, team gone, plan): stop the run now
 *
 * Errors carry the HTTP status and the service's SCIM `detail`, never request headers, so the
 * token cannot leak through an error message or a report.
 */

export type FailureKind = 'transient' | 'conflict' | 'gone' | 'rejected' | 'no-slots' | 'run-fatal';

export interface RequestIdentity {
  method: string;
  /** Path relative to the base URL, e.g. `/Users/abc`. Never contains credentials. */
  path: string;
}

export interface FailureFacts extends RequestIdentity {
  httpStatus?: number;
  detail?: string;
  scimType?: string;
  /**
   * Network error code (ECONNRESET, UND_ERR_HEADERS_TIMEOUT, …) when there was no complete HTTP
   * answer, or one of scim-sync's own limits on an answer (see responseLimits.ts).
   */
  networkCode?: string;
  /** The underlying error (undici's), kept for debugging; not enumerable, so never in a report. */
  cause?: unknown;
}

export abstract class ScimRequestError extends ScimSyncError {
  abstract readonly kind: FailureKind;
  readonly method: string;
  readonly path: string;
  readonly httpStatus?: number;
  readonly detail?: string;
  readonly scimType?: string;
  readonly networkCode?: string;

  constructor(facts: FailureFacts) {
    super(describe(facts), facts.cause === undefined ? undefined : { cause: facts.cause });
    this.method = facts.method;
    this.path = facts.path;
    this.httpStatus = facts.httpStatus;
    this.detail = facts.detail;
    this.scimType = facts.scimType;
    this.networkCode = facts.networkCode;
  }

  override get name(): string {
    return this.constructor.name;
  }
}

export class TransientError extends ScimRequestError {
  readonly kind = 'transient';
  /** Set when the service said how long to wait (429 Retry-After and friends). */
  readonly retryAfterMs?: number;
  constructor(facts: FailureFacts, retryAfterMs?: number) {
    super(facts);
    this.retryAfterMs = retryAfterMs;
  }
  /** 429: the whole gate must pause, not just this request. */
  get throttled(): boolean {
    return this.httpStatus === 429;
  }
}

export class ConflictError extends ScimRequestError {
  readonly kind = 'conflict';
}

export class GoneError extends ScimRequestError {
  readonly kind = 'gone';
}

export class RejectedError extends ScimRequestError {
  readonly kind = 'rejected';
}

export class NoSlotsError extends ScimRequestError {
  readonly kind = 'no-slots';
}

export class RunFatalError extends ScimRequestError {
  readonly kind = 'run-fatal';
}

function describe(f: FailureFacts): string {
  const what = `${f.method} ${f.path}`;
  // No complete answer: the detail, when there is one, is scim-sync's own explanation (which
  // limit was hit, which key raises it), not the service's words.
  if (f.networkCode !== undefined || f.httpStatus === undefined) {
    const answered = f.httpStatus === undefined ? '' : ` (status ${f.httpStatus})`;
    return `${what} failed${answered}: ${f.detail ?? f.networkCode ?? 'network error'}`;
  }
  return `${what} answered ${f.httpStatus}${f.detail ? `: ${f.detail}` : ''}`;
}
