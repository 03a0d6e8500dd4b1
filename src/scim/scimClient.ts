import { type Dispatcher, request } from 'undici';
import { connectionFailure } from '../net/connectionFailure.js';
import { outboundDispatcher } from '../net/outboundDispatcher.js';
import { type ProxySetting, proxyRouteFor } from '../net/proxyRoute.js';
import type { TlsConnectOptions } from '../net/tlsSettings.js';
import type { RateGate } from '../rateLimit/rateGate.js';
import { SharedBudgetUnavailableError } from '../rateLimit/sharedBudget.js';
import { classifyConnectionFailure, classifyHttpFailure, classifyNetworkFailure, isInvalidRequestCode } from './classifyFailure.js';
import { RunFatalError, ScimRequestError, TransientError } from './errors.js';
import {
  BodyTooLarge,
  readBodyCapped,
  RESPONSE_TIMEOUT,
  RESPONSE_TOO_LARGE,
  type ResponseLimits,
  responseTimeoutDetail,
  responseTooLargeDetail,
} from './responseLimits.js';
import { retryAfterMs } from './retryAfter.js';
import { RequestStats } from './requestStats.js';

/** `networkCode` of a request the shared rate budget (coordination.redis) could not grant: run-fatal, never sent. */
export const SHARED_BUDGET_UNAVAILABLE = 'SHARED_BUDGET_UNAVAILABLE';

export interface ScimClientOptions {
  baseUrl: string;
  token: string;
  gate: RateGate;
  timeouts: { connectMs: number; headersMs: number; bodyMs: number };
  /** Overall deadline and size cap of every answer (responseLimits.ts). */
  limits: ResponseLimits;
  retry: RetryPolicy;
  /** Concurrent connections to the service; matches the gate's concurrency. */
  connections: number;
  /** Request Content-Type for bodies; default application/scim+json (RFC 7644 §3.1). */
  contentType?: string;
  /** Told about every answered or failed attempt (metrics, logs). Never sees headers. */
  onAttempt?: (attempt: AttemptEvent) => void;
  /** The proxy and TLS settings (src/net); default: direct, Node's default roots. */
  network?: { proxy: ProxySetting; tls: TlsConnectOptions };
}

export interface RetryPolicy {
  /** Attempts per request, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Pause after a 429 that names no delay (Postman: "Wait for a minute and then try again"). */
  defaultRetryAfterMs: number;
}

export interface AttemptEvent {
  method: string;
  path: string;
  status?: number;
  failure?: ScimRequestError;
  willRetry: boolean;
}

export interface ScimResponse {
  status: number;
  body: unknown;
}

/**
 * The longest a 429 may hold the gate. A `Retry-After` of hours (a misconfigured proxy, an epoch
 * read as seconds) would otherwise freeze a run, or the daemon, until someone kills it; past
 * this the request is simply tried again and, if still throttled, counts against its attempts.
 */
export const MAX_THROTTLE_PAUSE_MS = 10 * 60_000;

/**
 * Talks HTTP to one SCIM service. Every attempt goes through the shared rate gate; failures
 * are classified once here (see errors.ts) and transient ones retried here, so callers only
 * ever see a success or a final, classified error.
 */
export class ScimClient {
  readonly stats = new RequestStats();
  private readonly agent: Dispatcher;
  private readonly proxy: ProxySetting;
  private cancelled = false;
  private wakeSleepers!: () => void;
  private readonly cancelSignal = new Promise<void>((resolve) => (this.wakeSleepers = resolve));
  private readonly base: URL;

  constructor(private readonly options: ScimClientOptions) {
    this.base = new URL(options.baseUrl.replace(/\/+$/, '') + '/');
    this.proxy = options.network?.proxy ?? { kind: 'direct', why: 'no proxy configured' };
    this.agent = outboundDispatcher({ proxy: this.proxy, tls: options.network?.tls ?? {}, connections: options.connections, timeouts: options.timeouts });
  }

  get(path: string): Promise<ScimResponse> {
    return this.send('GET', path);
  }

  post(path: string, body: unknown): Promise<ScimResponse> {
    return this.send('POST', path, body);
  }

  put(path: string, body: unknown): Promise<ScimResponse> {
    return this.send('PUT', path, body);
  }

  patch(path: string, body: unknown): Promise<ScimResponse> {
    return this.send('PATCH', path, body);
  }

  async close(): Promise<void> {
    if (!this.cancelled) await this.agent.close();
  }

  /**
   * Abandons every request in flight and every backoff wait, now: the run is out of time (the
   * shutdown grace period is over, and a SIGKILL would lose the report). Those requests end as
   * network failures that are not retried; whether the service applied them, the next run sees.
   */
  cancel(reason: string): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.wakeSleepers();
    void this.agent.destroy(new Error(reason)).catch(() => undefined);
  }

  /** Sends with retries. Resolves with a 2xx answer or rejects with a classified error. */
  async send(method: string, path: string, body?: unknown): Promise<ScimResponse> {
    const { retry } = this.options;
    let lastFailure: ScimRequestError | undefined;
    for (let attempt = 1; ; attempt++) {
      let failure: ScimRequestError;
      try {
        const response = await this.options.gate.run(() => this.attempt(method, path, body));
        this.options.onAttempt?.({ method, path, status: response.status, willRetry: false });
        return response;
      } catch (error) {
        // The gate refused a retry because the run is stopping: the request did reach the
        // service, so it ends with what the service last said, not as if never sent.
        // No shared budget (coordination.redis down, lease lost): nothing may be sent, so the run stops.
        if (error instanceof SharedBudgetUnavailableError) {
          throw new RunFatalError({ method, path, networkCode: SHARED_BUDGET_UNAVAILABLE, detail: error.message, cause: error });
        }
        if (!(error instanceof ScimRequestError)) throw lastFailure ?? error;
        failure = lastFailure = error;
      }
      const throttled = failure instanceof TransientError && failure.throttled;
      // A 429 is about the whole client, not this request: hold every request, including when
      // this one has used up its attempts (the others would be throttled just the same).
      if (failure instanceof TransientError && failure.throttled) {
        this.options.gate.pause(Math.min(failure.retryAfterMs ?? retry.defaultRetryAfterMs, MAX_THROTTLE_PAUSE_MS));
      }
      const willRetry = failure instanceof TransientError && attempt < retry.maxAttempts && !this.cancelled;
      this.options.onAttempt?.({ method, path, status: failure.httpStatus, failure, willRetry });
      if (!willRetry) throw failure;
      this.stats.retries++;
      if (!throttled) await Promise.race([sleep(backoffWithJitter(attempt, retry)), this.cancelSignal]);
    }
  }

  private async attempt(method: string, path: string, body?: unknown): Promise<ScimResponse> {
    const url = new URL(path.replace(/^\/+/, ''), this.base);
    const { limits } = this.options;
    this.stats.count(method);
    // One deadline for the whole attempt, headers and body alike: undici's own timeouts only
    // bound each wait, so a body sent a byte at a time would otherwise never end.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), limits.responseTimeoutMs);
    let status: number | undefined;
    try {
      const response = await request(url, {
        method: method as 'GET',
        dispatcher: this.agent,
        signal: deadline.signal,
        headers: {
          authorization: `Bearer ${this.options.token}`,
          accept: 'application/scim+json, application/json',
          ...(body === undefined ? {} : { 'content-type': this.options.contentType ?? 'application/scim+json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      status = response.statusCode;
      const text = await readBodyCapped(response.body, response.headers['content-length'], limits.maxResponseBytes);
      return this.answer(method, path, response.statusCode, response.headers, text);
    } catch (error) {
      if (error instanceof ScimRequestError) throw error;
      if (error instanceof BodyTooLarge) {
        throw classifyNetworkFailure({
          method,
          path,
          httpStatus: status,
          networkCode: RESPONSE_TOO_LARGE,
          detail: responseTooLargeDetail(limits, error.declaredBytes),
        });
      }
      if (deadline.signal.aborted) {
        throw classifyNetworkFailure({ method, path, httpStatus: status, networkCode: RESPONSE_TIMEOUT, detail: responseTimeoutDetail(limits), cause: error });
      }
      // A certificate or a proxy that refuses fails every request the same way: say so, once.
      const route = proxyRouteFor(this.proxy, url);
      const connection = connectionFailure(error, { host: url.host, proxy: route.proxy, proxyFrom: route.proxy && route.from });
      if (connection)
        throw classifyConnectionFailure({ method, path, networkCode: connection.code, detail: connection.detail, cause: error }, connection.fatal);
      const code = networkCode(error);
      const detail = isInvalidRequestCode(code)
        ? `the HTTP client refused to send the request (${this.redact((error as Error).message)}): a setting, most likely the token, ` +
          'holds characters a request cannot carry; no retry can fix that. Check target.token / target.tokenFile'
        : undefined;
      throw classifyNetworkFailure({ method, path, networkCode: code, detail, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  /** A complete answer: 2xx resolves, anything else becomes a classified error. */
  private answer(method: string, path: string, status: number, headers: Record<string, string | string[] | undefined>, text: string): ScimResponse {
    const parsed = parseJson(text);
    if (status >= 200 && status < 300) return { status, body: parsed };
    if (status === 429) this.stats.throttled++;
    const scimError = (parsed ?? {}) as { detail?: unknown; scimType?: unknown };
    // A non-SCIM error page (a proxy's, a WAF's) is kept as the detail, but some echo the
    // request's headers back: the token is cut out first, then the page shortened, so a cut
    // can never fall inside the token and let its first characters through.
    const detail = typeof scimError.detail === 'string' ? this.redact(scimError.detail) : this.redact(text).slice(0, MAX_PAGE_DETAIL_CHARS) || undefined;
    throw classifyHttpFailure(
      { method, path, httpStatus: status, detail, scimType: typeof scimError.scimType === 'string' ? scimError.scimType : undefined },
      retryAfterMs(headers),
    );
  }

  /**
   * Waits out the backoff before attempt `attempt + 1` of something retried outside `send` (an
   * operation inside a Bulk answer); false when the client was cancelled meanwhile.
   */
  async backoff(attempt: number): Promise<boolean> {
    if (!this.cancelled) await Promise.race([sleep(backoffWithJitter(attempt, this.options.retry)), this.cancelSignal]);
    return !this.cancelled;
  }

  get retryPolicy(): RetryPolicy {
    return this.options.retry;
  }

  /** Removes the token from text the service (or a proxy) sent back. */
  redact(text: string): string {
    return text.split(this.options.token).join('[redacted]');
  }
}

/** Characters of a non-SCIM error page kept as the error's detail. */
const MAX_PAGE_DETAIL_CHARS = 200;

/** Exponential backoff, half fixed and half random ("equal jitter"), so retries never bunch up. */
export function backoffWithJitter(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkCode(error: unknown): string {
  const e = error as { code?: string; cause?: { code?: string }; name?: string };
  return e.code ?? e.cause?.code ?? e.name ?? 'network error';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
