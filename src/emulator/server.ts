/**
 * A SCIM 2.0 service that behaves like Postman's SCIM API (seeds 000–002), for demos and
 * tests: same resource shapes, same error bodies, same 180-requests-per-rolling-minute limit —
 * plus switches for the failures a real deployment throws at a sync tool (faults, quirks,
 * latency) that Postman won't produce on demand.
 *
 * `dialect` swaps the /Users behaviour (and the error bodies) for Nintex Process Manager's
 * (seed 003, nintexRoutes.ts) or a plain RFC 7643/7644 server's (genericRoutes.ts); the
 * pipeline below — log, rate limit, auth, faults, latency, quirks — is the same for all.
 *
 * Request pipeline, in order (each step explains itself below):
 *   log → rate limit → read body → auth → faults → route → latency → answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

import { isAuthorized } from './auth.js';
import { bulkReply, type BulkSupport } from './bulkRoute.js';
import { isDialect, type Dialect } from './dialect.js';
import { groupResourceType, listResponse, serviceProviderConfig, userResourceType } from './discovery.js';
import { GroupStore, type SeedGroup } from './groupStore.js';
import { groupsHandlers, type GroupsHandlers } from './groupRoutes.js';
import { pipelineErrors, type ErrorSpec } from './errorBodies.js';
import { FaultInjector, type FaultAction, type FaultPlan } from './faults.js';
import { genericHandlers, type GenericContext } from './genericRoutes.js';
import { MAX_BODY_BYTES, readBody, SCIM_CONTENT_TYPE, sendReply, type Reply, type RequestBody } from './httpIo.js';
import { bentList, changeTeam } from './listFaults.js';
import { nintexHandlers } from './nintexRoutes.js';
import { errorReply, type UsersHandlers } from './usersContext.js';
import { SlidingWindowLimiter } from './slidingWindowLimiter.js';
import { UserStore, type SeedUser } from './userStore.js';
import { postmanHandlers } from './usersRoutes.js';

export type { Dialect } from './dialect.js';
export type { FaultAction, FaultPlan, FaultRule } from './faults.js';
export type { SeedEmail, SeedUser, StoredUser } from './userStore.js';
export { UserStore } from './userStore.js';
export type { SeedGroup, StoredGroup } from './groupStore.js';
export { GroupStore } from './groupStore.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  /**
   * How a 429 says when to come back: 'seconds' → `Retry-After: <s>` (RFC 9110),
   * 'postman' → `X-RateLimit-RetryAfter: <s>` instead, 'none' → no hint at all.
   */
  retryAfter?: 'seconds' | 'none' | 'postman';
}

export interface EmulatorQuirks {
  /** A startIndex past the end returns page 1 again (a real-world bug clients must tolerate). */
  repeatFirstPageBeyondEnd?: boolean;
  omitItemsPerPage?: boolean;
  /** Error bodies carry `status` as a number instead of Postman's string. */
  numericStatusInErrors?: boolean;
  /** GET /Groups lists groups without their `members` (RFC 7644 allows it); GET /Groups/{id} still has them. */
  omitGroupMembersInLists?: boolean;
}

export interface EmulatorOptions {
  /** When set, requests need `Authorization: Bearer <token>` (or the raw token, as Postman's docs send it). */
  token?: string;
  /** Default 127.0.0.1: an emulator with a test token has no business listening on the LAN. */
  host?: string;
  /** Default 0 (ephemeral), so parallel tests never collide. */
  port?: number;
  /** Default '/scim/v2', as on api.getpostman.com. */
  basePath?: string;
  /** Default { max: 180, windowMs: 60000, retryAfter: 'seconds' } (Postman's limit); false disables. */
  rateLimit?: RateLimitOptions | false;
  /** Cap applied to `count` (default 100), reported as ServiceProviderConfig filter.maxResults. */
  maxPageSize?: number;
  /** Delay before every response (default 0). */
  latencyMs?: number;
  users?: SeedUser[];
  /** Groups to start with (postman and generic dialects; Nintex has no /Groups): members by userName or id. */
  groups?: SeedGroup[];
  quirks?: EmulatorQuirks;
  faults?: FaultPlan;
  /** Which service to behave like (default 'postman'); see dialect.ts. */
  dialect?: Dialect;
  /**
   * generic dialect only (default true): false makes PATCH answer 501 and ServiceProviderConfig
   * report `patch.supported: false`, like services that only take PUT.
   */
  patchSupported?: boolean;
  /** Roles that exist before any user has them (nintex creates the others on first use). */
  roles?: string[];
  /**
   * Serve HTTPS with this certificate (PEM) instead of plain HTTP, like a self-hosted service
   * behind an internal CA. `clientCa` makes it demand a client certificate issued by that CA
   * (mutual TLS). `maxVersion: 'TLSv1.2'` makes a refused client certificate fail the handshake
   * itself (under TLS 1.3 the server can only close the connection after it).
   */
  tls?: { cert: string; key: string; clientCa?: string; maxVersion?: 'TLSv1.2' | 'TLSv1.3' };
  /**
   * generic dialect only: offer `POST /Bulk` (bulkRoute.ts) with these limits, advertised in
   * ServiceProviderConfig; maxPayloadSize defaults to (and is at most) the 1 MiB body cap. Off
   * unless set. Inside a Bulk request each operation meets the fault rules as a single request
   * to its path would; a `status` or `reply` fault answers that operation, other faults are ignored there.
   */
  bulk?: { maxOperations: number; maxPayloadSize?: number };
}

export interface RequestLogEntry {
  /** Arrival time (ms since epoch). */
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  /** The status sent; 0 when no answer was sent (dropped socket, or emulator closed first). */
  status: number;
  /** For writes: the parsed JSON body (or the raw text when it wasn't valid JSON). */
  body?: unknown;
  /** The fault injected into this request, if any. */
  fault?: FaultAction['type'];
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:PORT/scim/v2 */
  url: string;
  port: number;
  dialect: Dialect;
  store: UserStore;
  /** The groups (always empty for the nintex dialect, which has no /Groups). */
  groups: GroupStore;
  /** Every request received, in arrival order, including 429s and faulted ones. */
  requestLog: RequestLogEntry[];
  /** POST/PUT/PATCH/DELETE requests received (whether or not they were answered or applied). */
  writeCount(): number;
  /** Replaces the fault plan and resets its counters and PRNG; undefined removes all faults. */
  setFaults(plan: FaultPlan | undefined): void;
  /** Stops listening and destroys open (keep-alive) sockets, so tests end promptly. */
  close(): Promise<void>;
}

const DEFAULT_RATE_LIMIT: RateLimitOptions = { max: 180, windowMs: 60_000, retryAfter: 'seconds' };
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the pipeline decided to do with a request. */
type Outcome = { kind: 'answer'; reply: Reply; extraDelayMs?: number } | { kind: 'drop' } | { kind: 'trickle'; intervalMs: number };

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const basePath = normalizeBasePath(options.basePath ?? '/scim/v2');
  const maxPageSize = options.maxPageSize ?? 100;
  if (!Number.isInteger(maxPageSize) || maxPageSize < 1) throw new RangeError('maxPageSize must be a positive integer');
  const latencyMs = options.latencyMs ?? 0;
  const rateLimit = options.rateLimit === false ? undefined : (options.rateLimit ?? DEFAULT_RATE_LIMIT);
  const limiter = rateLimit && new SlidingWindowLimiter(rateLimit.max, rateLimit.windowMs);
  const quirks = options.quirks ?? {};
  const dialect = options.dialect ?? 'postman';
  if (!isDialect(dialect)) throw new RangeError(`dialect must be postman, nintex or generic, got "${String(dialect)}"`);
  // Only the generic dialect models a service without PATCH; Postman and Nintex document it.
  const patchSupported = dialect === 'generic' ? (options.patchSupported ?? true) : true;
  const errors = pipelineErrors(dialect);
  const bulk = bulkSupportOf(options.bulk, dialect);

  const store = new UserStore(undefined, { dialect });
  store.ensureRoles(options.roles ?? []);
  for (const seed of options.users ?? []) store.add(seed);
  // Postman's displayName filter is case-sensitive (seed 002); RFC 7643 §4.2's displayName isn't caseExact.
  const groupStore = new GroupStore(dialect === 'postman');
  if (dialect === 'nintex' && (options.groups?.length ?? 0) > 0) throw new RangeError('the nintex dialect has no /Groups (seed 003)');
  for (const seed of options.groups ?? []) {
    const members = (seed.members ?? []).map((m) => store.findByUserName(m)?.id ?? (store.get(m) ? m : undefined));
    const unknown = (seed.members ?? []).filter((_, i) => members[i] === undefined);
    if (unknown.length > 0) throw new RangeError(`group ${JSON.stringify(seed.displayName)}: no user ${unknown.map((u) => JSON.stringify(u)).join(', ')}`);
    groupStore.add(seed.displayName, members as string[], seed.id);
  }

  let faults = options.faults && new FaultInjector(options.faults);
  const requestLog: RequestLogEntry[] = [];
  let writes = 0;
  // Aborted on close() so responses waiting out latency/delay faults don't outlive the server.
  const shutdown = new AbortController();

  const ctx: GenericContext = {
    store,
    baseUrl: '', // known once listening
    maxPageSize,
    repeatFirstPageBeyondEnd: quirks.repeatFirstPageBeyondEnd ?? false,
    omitItemsPerPage: quirks.omitItemsPerPage ?? false,
    numericStatusInErrors: quirks.numericStatusInErrors ?? false,
    patchSupported,
  };
  const users: UsersHandlers = dialect === 'nintex' ? nintexHandlers(ctx) : dialect === 'generic' ? genericHandlers(ctx) : postmanHandlers(ctx);
  const groups: GroupsHandlers | undefined =
    dialect === 'nintex'
      ? undefined
      : groupsHandlers({
          ...ctx,
          groups: groupStore,
          dialect,
          omitMembersInLists: quirks.omitGroupMembersInLists ?? false,
          get baseUrl() {
            return ctx.baseUrl;
          },
        });
  const fail = (spec: ErrorSpec, headers?: Record<string, string>): Reply => ({
    ...errorReply(ctx, spec),
    ...(headers && { headers }),
  });

  /** Parses the body for routes that take one; Postman answers invalidSyntax for junk or nothing. */
  function withJson(body: RequestBody, handler: (value: unknown) => Reply): Reply {
    switch (body.kind) {
      case 'json':
        return handler(body.value);
      case 'tooLarge':
        return fail(errors.payloadTooLarge);
      case 'unsupportedType':
        return fail(errors.unsupportedMediaType);
      default:
        return fail(errors.invalidSyntax);
    }
  }

  function route(method: string, url: URL, body: RequestBody): Reply {
    const segments = relativeSegments(url.pathname, basePath);
    if (!segments || segments.length > 2) return fail(errors.routeNotFound);
    const [resource, id] = segments;
    if (resource === 'Users' && id === undefined) {
      if (method === 'GET') return users.list(url.searchParams);
      if (method === 'POST') return withJson(body, (value) => users.create(value));
      return fail(errors.methodNotAllowed, { Allow: 'GET, POST' });
    }
    if (resource === 'Users' && id !== undefined) {
      if (method === 'GET') return users.get(id);
      if (method === 'PUT') return withJson(body, (value) => users.replace(id, value));
      if (method === 'PATCH') return withJson(body, (value) => users.patch(id, value));
      if (method === 'DELETE') {
        const reply = users.remove(id);
        if (reply.status < 300 && dialect === 'generic') groupStore.forgetMember(id); // removed, so a member of nothing
        return reply;
      }
      return fail(errors.methodNotAllowed, { Allow: users.itemMethods });
    }
    if (resource === 'Groups' && groups) {
      if (id === undefined) {
        if (method === 'GET') return groups.list(url.searchParams);
        if (method === 'POST') return withJson(body, (value) => groups.create(value));
        return fail(errors.methodNotAllowed, { Allow: 'GET, POST' });
      }
      if (method === 'GET') return groups.get(id);
      if (method === 'PATCH') return withJson(body, (value) => groups.patch(id, value));
      if (method === 'DELETE') return groups.remove(id);
      return fail(errors.methodNotAllowed, { Allow: 'GET, PATCH, DELETE' });
    }
    if (resource === 'ServiceProviderConfig' && id === undefined) {
      if (method !== 'GET') return fail(errors.methodNotAllowed, { Allow: 'GET' });
      return { status: 200, body: serviceProviderConfig(ctx.baseUrl, maxPageSize, { dialect, patchSupported, bulk }) };
    }
    if (resource === 'Bulk' && id === undefined && bulk) {
      if (method !== 'POST') return fail(errors.methodNotAllowed, { Allow: 'POST' });
      return withJson(body, (value) =>
        bulkReply(value, body.kind === 'json' ? (body.bytes ?? 0) : 0, bulk, { apply: bulkOperation, fail, baseUrl: ctx.baseUrl }),
      );
    }
    if (resource === 'ResourceTypes' && (id === undefined || id === 'User' || (id === 'Group' && groups))) {
      if (method !== 'GET') return fail(errors.methodNotAllowed, { Allow: 'GET' });
      const types = [userResourceType(ctx.baseUrl, { dialect }), ...(groups ? [groupResourceType(ctx.baseUrl)] : [])];
      return { status: 200, body: id === undefined ? listResponse(types, types.length, 1) : types.find((t) => t.id === id) };
    }
    return fail(errors.routeNotFound);
  }

  /** One operation of a Bulk request: faults first, as for a request of its own, then the route. */
  function bulkOperation(method: string, path: string, data: unknown): Reply {
    const url = new URL(`${basePath}${path}`, 'http://emulator.invalid');
    const fault = faults?.pick(method, url.pathname);
    if (fault?.type === 'status') return faultReply(fault, method);
    if (fault?.type === 'reply') return { status: fault.status, body: fault.body };
    return route(method, url, data === undefined ? { kind: 'empty' } : { kind: 'json', value: data });
  }

  function rateLimited(retryAfterMs: number): Reply {
    const seconds = String(Math.ceil(retryAfterMs / 1000));
    const mode = rateLimit?.retryAfter ?? 'seconds';
    const headers: Record<string, string> = mode === 'seconds' ? { 'Retry-After': seconds } : mode === 'postman' ? { 'X-RateLimit-RetryAfter': seconds } : {};
    return fail(errors.rateLimited, headers);
  }

  function faultReply(action: Extract<FaultAction, { type: 'status' }>, method: string): Reply {
    const base = errors.forStatus(action.status, method);
    const spec = action.detail === undefined ? base : { status: action.status, detail: action.detail };
    return fail(spec, action.headers);
  }

  async function decide(req: IncomingMessage, entry: RequestLogEntry, url: URL): Promise<Outcome> {
    // The limiter counts every request at arrival, before auth — like Postman, whose limit
    // is on "attempts" — so even unauthenticated or malformed requests use up the budget.
    const admission = limiter?.tryAcquire() ?? { allowed: true };
    // Read the body even when rejecting, so the keep-alive connection stays in sync.
    const body = await readBody(req, users.extraJsonTypes);
    if (WRITE_METHODS.has(entry.method)) entry.body = loggedBody(body);
    if (!admission.allowed) return { kind: 'answer', reply: rateLimited(admission.retryAfterMs) };
    if (options.token !== undefined && !isAuthorized(req.headers.authorization, options.token)) {
      return { kind: 'answer', reply: fail(errors.unauthorized) };
    }
    // Faults come after auth: they model the service misbehaving on a valid request, and
    // counting only authorized requests keeps `every: N` predictable.
    const fault = faults?.pick(entry.method, url.pathname);
    if (fault) entry.fault = fault.type;
    switch (fault?.type) {
      case 'drop':
        return { kind: 'drop' };
      case 'status':
        return { kind: 'answer', reply: faultReply(fault, entry.method) };
      case 'reply':
        return { kind: 'answer', reply: { status: fault.status, body: fault.body } };
      case 'commitThenDrop':
        route(entry.method, url, body); // applied, but the client never hears about it
        return { kind: 'drop' };
      case 'delay':
        return { kind: 'answer', reply: route(entry.method, url, body), extraDelayMs: fault.ms };
      case 'trickle':
        return { kind: 'trickle', intervalMs: fault.intervalMs };
      case 'misreportTotal':
      case 'shiftPage':
      case 'inventUsers':
        return { kind: 'answer', reply: bentList(fault, url, (u) => route(entry.method, u, body), maxPageSize) };
      case 'changeTeam':
        changeTeam(store, fault);
        return { kind: 'answer', reply: route(entry.method, url, body) };
      default:
        return { kind: 'answer', reply: route(entry.method, url, body) };
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://emulator.invalid');
    const entry: RequestLogEntry = {
      at: Date.now(),
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
    };
    requestLog.push(entry);
    if (WRITE_METHODS.has(method)) writes += 1;
    try {
      const outcome = await decide(req, entry, url);
      if (outcome.kind === 'drop') {
        // Destroying the socket (not just ending the response) is what a client sees when a
        // load balancer or network drops the connection: no status, just a socket error.
        req.socket.destroy();
        return;
      }
      if (outcome.kind === 'trickle') {
        entry.status = 200;
        res.writeHead(200, { 'Content-Type': SCIM_CONTENT_TYPE });
        // Ends only by the client hanging up, or by close() aborting the sleep.
        while (!req.socket.destroyed) {
          res.write(' ');
          await sleep(outcome.intervalMs, undefined, { signal: shutdown.signal });
        }
        return;
      }
      const delayMs = latencyMs + (outcome.extraDelayMs ?? 0);
      if (delayMs > 0) await sleep(delayMs, undefined, { signal: shutdown.signal });
      entry.status = outcome.reply.status;
      sendReply(res, outcome.reply);
    } catch (error) {
      if (shutdown.signal.aborted || req.socket.destroyed) return; // closing, or client went away
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const reply = fail(errors.serverError(method));
      entry.status = reply.status;
      sendReply(res, reply);
      process.emitWarning(`scim emulator: ${String(error)}`);
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => void handle(req, res);
  const tls = options.tls;
  const server = tls
    ? createTlsServer(
        {
          cert: tls.cert,
          key: tls.key,
          maxVersion: tls.maxVersion,
          ...(tls.clientCa !== undefined && { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
        },
        onRequest,
      )
    : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}${basePath}`;
  ctx.baseUrl = url;
  store.baseUrl = url;

  return {
    url,
    port,
    dialect,
    store,
    groups: groupStore,
    requestLog,
    writeCount: () => writes,
    setFaults(plan) {
      faults = plan && new FaultInjector(plan);
    },
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort();
        // close() alone waits for idle keep-alive sockets to time out; closeAllConnections
        // ends them now. A second close() finds the server stopped and resolves all the same.
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function bulkSupportOf(option: EmulatorOptions['bulk'], dialect: Dialect): BulkSupport | undefined {
  if (!option) return undefined;
  if (dialect !== 'generic') throw new RangeError('bulk is offered by the generic dialect only (Postman and Nintex have no /Bulk)');
  if (!Number.isInteger(option.maxOperations) || option.maxOperations < 1) throw new RangeError('bulk.maxOperations must be a positive integer');
  const maxPayloadSize = option.maxPayloadSize ?? MAX_BODY_BYTES;
  if (!Number.isInteger(maxPayloadSize) || maxPayloadSize < 1 || maxPayloadSize > MAX_BODY_BYTES) {
    throw new RangeError(`bulk.maxPayloadSize must be an integer from 1 to ${MAX_BODY_BYTES}`);
  }
  return { maxOperations: option.maxOperations, maxPayloadSize };
}

/** '/scim/v2/' and 'scim/v2' both mean '/scim/v2'; '/' means the root. */
function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Path segments under basePath (trailing slash tolerated), or undefined when outside it. */
function relativeSegments(pathname: string, basePath: string): string[] | undefined {
  if (pathname !== basePath && !pathname.startsWith(`${basePath}/`)) return undefined;
  try {
    return pathname
      .slice(basePath.length)
      .split('/')
      .filter((s) => s !== '')
      .map((s) => decodeURIComponent(s));
  } catch {
    return undefined; // malformed %-escape: no such resource
  }
}

function loggedBody(body: RequestBody): unknown {
  switch (body.kind) {
    case 'json':
      return body.value;
    case 'invalidJson':
    case 'unsupportedType':
      return body.raw;
    default:
      return undefined;
  }
}
