import { ConflictError, type FailureFacts, GoneError, NoSlotsError, RejectedError, RunFatalError, type ScimRequestError, TransientError } from './errors.js';
import { RESPONSE_TOO_LARGE } from './responseLimits.js';

/**
 * Phrases from Postman's documented error bodies (seeds 000/001) that change what a status
 * code means. Matched case-insensitively with typographic apostrophes folded to "'", because
 * Postman writes "doesn’t" and a proxy or a future API version may not.
 */
const RUN_FATAL_PHRASES = [
  'team admin who is no longer on your team', // 403: the key's owner left; every call will fail
  "postman team doesn't exist anymore", // 400: the team is gone
  'only postman teams on the enterprise plan', // 400: SCIM not available on this plan
];
const NO_SLOTS_PHRASE = 'no slots available'; // 400 on create: the team is full
const NOT_A_MEMBER_PHRASE = "isn't a member of the team"; // 403/404 on a user that left the team

// 400 "Couldn’t update this team member’s username. Try again — it should work next time
// around." (seed 000): the service itself says a retry will do, so it is transient, not a reject.
const TRY_AGAIN_PHRASE = 'it should work next time around';

const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Decides, once, what an HTTP error answer means for the run. Pure. */
export function classifyHttpFailure(facts: FailureFacts, retryAfterMs?: number): ScimRequestError {
  const status = facts.httpStatus ?? 0;
  const detail = normalise(facts.detail);

  if (status === 401) return new RunFatalError(facts);
  if (RUN_FATAL_PHRASES.some((p) => detail.includes(p))) return new RunFatalError(facts);
  if (TRANSIENT_STATUSES.has(status) || detail.includes(TRY_AGAIN_PHRASE)) return new TransientError(facts, retryAfterMs);
  // RFC 7644 answers a taken userName with 409; some services (Nintex's emulator-verified
  // shape among them) use 400 with scimType "uniqueness". Same meaning: look up and adopt.
  if (status === 409 || (status === 400 && facts.scimType === 'uniqueness')) return new ConflictError(facts);
  if (status === 404 || (status === 403 && detail.includes(NOT_A_MEMBER_PHRASE))) return new GoneError(facts);
  if (status === 400 && detail.includes(NO_SLOTS_PHRASE)) return new NoSlotsError(facts);
  return new RejectedError(facts);
}

/**
 * undici's and Node's codes for a request that could not even be built: an argument the client
 * gave is invalid (a token with a line break makes an invalid `authorization` header). The same
 * request fails the same way every time, and each attempt can leak one of undici's connection
 * slots until the process hangs, so retrying is worse than useless: stop the run.
 */
const INVALID_REQUEST_CODES = new Set([
  'UND_ERR_INVALID_ARG',
  'UND_ERR_NOT_SUPPORTED',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_URL',
]);

/** Whether a network code means the request itself is malformed (see INVALID_REQUEST_CODES). */
export function isInvalidRequestCode(code: string | undefined): boolean {
  return code !== undefined && INVALID_REQUEST_CODES.has(code);
}

/**
 * Failures without a complete HTTP answer. Connection refused/reset and timeouts (including the
 * overall response deadline) are the textbook transient faults, retried. A POST that timed out
 * may still have been committed; the retry then gets 409 and the executor adopts the user, so no
 * duplicate. Run-fatal instead: a request undici refuses to build (INVALID_REQUEST_CODES), and
 * an answer over target.maxResponseBytes (see responseLimits.ts).
 */
export function classifyNetworkFailure(facts: FailureFacts): ScimRequestError {
  if (isInvalidRequestCode(facts.networkCode) || facts.networkCode === RESPONSE_TOO_LARGE) return new RunFatalError(facts);
  return new TransientError(facts);
}

function normalise(text: string | undefined): string {
  return (text ?? '').toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
}

/**
 * A failure of the network path itself (src/net/connectionFailure.ts): a certificate this host
 * won't trust, a proxy that refuses or can't be reached, is run-fatal (every request would fail
 * the same way; retrying only hides the cause); a proxy that couldn't reach the service this
 * time is transient.
 */
export function classifyConnectionFailure(facts: FailureFacts, fatal: boolean): ScimRequestError {
  return fatal ? new RunFatalError(facts) : new TransientError(facts);
}
