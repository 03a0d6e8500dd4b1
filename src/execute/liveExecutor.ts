import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Operation } from '../domain/plan.js';
import type { RemoteUser } from '../domain/remoteUser.js';
import type { RosterUser } from '../domain/roster.js';
import { userNameKey } from '../domain/userNameKey.js';
import { writePath } from '../domain/attributePaths.js';
import { buildRequests, mergeConsecutivePatches, type RequestContext, type ScimRequest } from '../providers/buildRequests.js';
import type { BulkBatcher } from '../scim/bulkBatcher.js';
import { ConflictError, NoSlotsError, RejectedError, RunFatalError, ScimRequestError } from '../scim/errors.js';
import type { ScimClient } from '../scim/scimClient.js';
import { toRemoteUser } from '../scim/scimUser.js';
import { externalIdFilterPath, userNameFilterPath } from '../scim/userNameFilter.js';
import { CircuitBreaker } from './circuitBreaker.js';
import { holdersByExternalId } from './externalIdBatches.js';
import { describeOperation } from './describeOperation.js';
import type { Adoption, Executor } from './executor.js';
import type { ExecutionResult, FoundAccount, OperationOutcome } from '../domain/outcome.js';

export interface LiveExecutorOptions {
  /** Operations in flight at once (each may make more than one request). */
  concurrency: number;
  /** Consecutive failures of one kind that stop the run. */
  maxConsecutiveFailures: number;
  logger: Logger;
  /** Called after each operation finishes, for progress and metrics. */
  onOutcome?: (outcome: OperationOutcome) => void;
  /** Stops the shared rate gate so nothing else is sent once the run must stop. */
  haltRequests: (reason: Error) => void;
  /** How requests look on this service (profile, mapped attributes, PATCH support). */
  requests: RequestContext;
  /**
   * Whether the service supports `filter` (ServiceProviderConfig). Without it a 409 can't be
   * looked up at all: the pages read before planning can't hold the account either (or the
   * plan would have matched it instead of creating), so the 409 stands until the next full read.
   */
  canFilter: boolean;
  /**
   * Whether the service can be asked for an externalId (`filter=externalId eq "…"`). Then every
   * create first makes sure no account carries the person's externalId: one the list read
   * missed (the list moved while it was read) would otherwise get a twin under the new userName.
   */
  externalIdLookup?: boolean;
  /**
   * When set, writes travel in SCIM Bulk requests (see scim/bulkBatcher.ts, whose lanes are
   * BULK_LANES): every operation is started at once so Bulk requests fill up, and the
   * externalId lookups before creates are asked many ids per request.
   */
  bulk?: BulkBatcher;
  /** externalIds asked per lookup request before a Bulk of creates (the service's page size). */
  externalIdsPerLookup?: number;
}

/** Bulk lanes, in the order their requests go out: leavers first, in Bulk requests of their own. */
export const BULK_LANES = ['deactivate', 'change', 'create'] as const;
type BulkLane = (typeof BULK_LANES)[number];

function laneOf(kind: Operation['kind']): BulkLane {
  return kind === 'deactivate' ? 'deactivate' : kind === 'create' ? 'create' : 'change';
}

/** p-queue priorities: leavers first, then returners, renames, and new hires last. */
const PRIORITY: Record<Operation['kind'], number> = { deactivate: 3, reactivate: 2, update: 1, create: 0 };

/**
 * Sends the plan to the service. p-queue's job is *which operation next*: it orders operations
 * by priority, bounds how many are in flight and is cleared when the run must stop. How fast
 * requests go out is the rate gate's job, inside the client.
 */
export class LiveExecutor implements Executor {
  private readonly queue: PQueue;
  private readonly breaker: CircuitBreaker;
  private stoppedBecause: ExecutionResult['stoppedBecause'];
  private haltCause: Error | undefined;
  private noSlots: NoSlotsError | undefined;
  /** 409'd creates whose account the lookup found, for the run to decide on (see adopt()). */
  private found: FoundAccount[] = [];
  private externalIdLookupRefused = false;
  /** Before a Bulk of creates: the accounts holding each externalId, where asked in batches. */
  private holders: Map<string, RemoteUser[]> | undefined;

  constructor(
    private readonly client: ScimClient,
    private readonly options: LiveExecutorOptions,
  ) {
    // With Bulk every operation starts at once: their writes wait in the batcher, which is what
    // fills each Bulk request; the gate still bounds what is in flight.
    this.queue = new PQueue({ concurrency: options.bulk ? Number.POSITIVE_INFINITY : options.concurrency });
    this.breaker = new CircuitBreaker(options.maxConsecutiveFailures);
  }

  async execute(operations: readonly Operation[]): Promise<ExecutionResult> {
    const outcomes = operations.map((op) => describeOperation(op, 'not-attempted'));
    const enqueue = (wanted: (op: Operation) => boolean) =>
      operations.forEach((op, i) => {
        if (!wanted(op)) return;
        void this.queue.add(
          async () => {
            if (this.stoppedBecause) return;
            const applied = await this.apply(op, outcomes[i]!);
            if ('accounts' in applied) {
              // Not settled yet: the run decides whether this account may be adopted.
              outcomes[i] = applied.outcome;
              this.found.push({ index: i, user: (op as Extract<Operation, { kind: 'create' }>).user, accounts: applied.accounts, via: applied.via });
              return;
            }
            outcomes[i] = applied;
            this.options.onOutcome?.(outcomes[i]);
          },
          { priority: PRIORITY[op.kind] },
        );
      });
    // Creates start only once every other operation has settled: a new hire may be taking over
    // an address that a rename in this same plan frees, and with requests in flight side by
    // side the POST could otherwise overtake the rename and meet a 409. It costs one round
    // trip of idle time per run, once.
    enqueue((op) => op.kind !== 'create');
    await this.queue.onIdle();
    await this.lookUpHoldersInBatches(operations);
    enqueue((op) => op.kind === 'create');
    await this.queue.onIdle();
    const conflicts = this.found;
    this.found = [];
    return { outcomes, stoppedBecause: this.stoppedBecause, conflicts };
  }

  /**
   * Takes over accounts found after a 409, as the planner decided: sends each one's follow-up
   * operations (reactivate, fix the name). A failure or a halt settles the create like any other.
   */
  async adopt(adoptions: readonly Adoption[]): Promise<ExecutionResult> {
    const outcomes = adoptions.map((a) => a.outcome);
    adoptions.forEach((adoption, i) => {
      void this.queue.add(async () => {
        const { httpStatus: _status, failureKind: _kind, detail: _detail, ...create } = adoption.outcome; // the 409 is answered now
        const planned: OperationOutcome = { ...create, outcome: 'not-attempted' };
        if (this.stoppedBecause) return;
        outcomes[i] = await this.settle(planned, async () => {
          for (const op of adoption.operations) for (const request of this.requestsFor(op)) await this.sendOne(request, 'change');
          return { id: adoption.existing.id, adopted: true };
        });
        this.options.onOutcome?.(outcomes[i]);
      });
    });
    await this.queue.onIdle();
    return { outcomes, stoppedBecause: this.stoppedBecause };
  }

  stop(reason: string): void {
    this.halt({ kind: 'interrupted', reason });
  }

  private halt(why: NonNullable<ExecutionResult['stoppedBecause']>): void {
    if (this.stoppedBecause) return;
    this.stoppedBecause = why;
    this.haltCause = new Error(`run stopped: ${why.reason}`);
    this.queue.clear();
    this.options.haltRequests(this.haltCause);
    this.options.logger.error({ ...why }, 'run stopped: no further requests will be sent');
  }

  private async apply(
    op: Operation,
    planned: OperationOutcome,
  ): Promise<OperationOutcome | (Omit<FoundAccount, 'index' | 'user'> & { outcome: OperationOutcome })> {
    if (op.kind === 'create' && this.noSlots) {
      return { ...planned, outcome: 'skipped', httpStatus: this.noSlots.httpStatus, failureKind: 'no-slots', detail: this.noSlots.detail };
    }
    if (op.kind !== 'create') return this.settle(planned, () => this.send(op));
    let found: { accounts: RemoteUser[]; via: FoundAccount['via']; conflict?: ConflictError } | undefined;
    const outcome = await this.settle(planned, async () => {
      const created = await this.create(op.user);
      if (!('accounts' in created)) return created;
      found = created;
      return {};
    });
    if (!found) return outcome;
    const { accounts, via, conflict } = found;
    const failed: OperationOutcome = { ...planned, outcome: 'failed', httpStatus: conflict?.httpStatus, failureKind: 'conflict', detail: conflict?.detail };
    return { outcome: failed, accounts, via };
  }

  /** Runs one operation's requests and turns what happened into its outcome (failures classified, halts respected). */
  private async settle(planned: OperationOutcome, send: () => Promise<Partial<OperationOutcome>>): Promise<OperationOutcome> {
    try {
      const result = await send();
      this.breaker.recordSuccess();
      return { ...planned, outcome: 'succeeded', ...result };
    } catch (error) {
      // Once halted, the gate refuses requests with the halt's cause: that operation never
      // reached the service, so it stays "not attempted" rather than counting as a failure.
      if (error === this.haltCause || (this.stoppedBecause && !(error instanceof ScimRequestError))) return planned;
      if (!(error instanceof ScimRequestError)) throw error;
      return this.recordFailure(planned, error);
    }
  }

  private recordFailure(planned: OperationOutcome, error: ScimRequestError): OperationOutcome {
    const failed: OperationOutcome = {
      ...planned,
      outcome: 'failed',
      httpStatus: error.httpStatus,
      failureKind: error.kind,
      // A transient failure whose retry the halt refused: say so, or "503" reads as final.
      detail: `${error.detail ?? error.message}${this.stoppedBecause && error.kind === 'transient' ? ' (not retried: the run stopped)' : ''}`,
    };
    this.options.logger.warn(
      { op: planned.op, userName: planned.userName, httpStatus: error.httpStatus, kind: error.kind, detail: failed.detail },
      'operation failed',
    );
    if (error instanceof RunFatalError) {
      this.halt({ kind: 'run-fatal', reason: 'the service gave a run-fatal answer', httpStatus: error.httpStatus, detail: failed.detail });
    } else if (error instanceof NoSlotsError) {
      this.noSlots ??= error;
      this.options.logger.error({ detail: error.detail }, 'no slots left on the team: creates stop, other changes go on');
    } else if (this.breaker.recordFailure(error.kind)) {
      this.halt({
        kind: 'circuit-breaker',
        reason: `circuit breaker: ${this.breaker.limit} consecutive "${error.kind}" failures`,
        httpStatus: error.httpStatus,
        detail: failed.detail,
      });
    }
    return failed;
  }

  /** The requests for one operation (not a create). Resolves with facts for the report or throws a classified error. */
  private async send(op: Operation): Promise<Partial<OperationOutcome>> {
    for (const request of this.requestsFor(op)) await this.sendOne(request, laneOf(op.kind));
    return {};
  }

  private requestsFor(op: Operation): ScimRequest[] {
    const requests = buildRequests(op, this.options.requests);
    return this.options.bulk?.active ? mergeConsecutivePatches(requests, this.options.requests) : requests;
  }

  private async sendOne(request: ScimRequest, lane: BulkLane): Promise<unknown> {
    // A PUT built on the current resource needs its GET first: Bulk has no GET, so it goes alone.
    if (this.options.bulk?.active && !request.applyToCurrent) return this.options.bulk.send(request, lane);
    let body = request.body;
    if (request.applyToCurrent) {
      // A service without PATCH: PUT replaces the whole resource, so start from what it holds
      // and write only the changed paths into it.
      const { meta: _meta, ...current } = ((await this.client.get(request.path)).body ?? {}) as Record<string, unknown>;
      for (const [path, value] of request.applyToCurrent) writePath(current, path, value, this.options.requests.profile.roleShape);
      body = current;
    }
    const response = await this.client.send(request.method, request.path, body);
    return response.body;
  }

  /**
   * POST the user, unless the externalId lookup finds accounts the person may already have; on
   * 409, the account holding the userName if the service can find it.
   */
  private async create(user: RosterUser): Promise<{ id?: string } | { accounts: RemoteUser[]; via: FoundAccount['via']; conflict?: ConflictError }> {
    const holders = await this.heldUnderExternalId(user);
    if (holders.length > 0) return { accounts: holders, via: 'externalId' };
    const [post] = buildRequests({ kind: 'create', user }, this.options.requests);
    try {
      const body = await this.sendOne(post!, 'create');
      // A create inside a Bulk answer may come back as its id alone (from `location`).
      const id = (body as { id?: unknown } | undefined)?.id;
      return { id: typeof id === 'string' ? id : undefined };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return { accounts: [await this.findConflicting(user, error)], via: 'conflict', conflict: error };
    }
  }

  /**
   * With Bulk: the externalId lookups of all creates, many ids per request, before the creates
   * start (so their POSTs arrive together and fill Bulk requests). What they leave unanswered is
   * asked one by one, as without Bulk.
   */
  private async lookUpHoldersInBatches(operations: readonly Operation[]): Promise<void> {
    if (!this.options.bulk?.active || !this.options.externalIdLookup || this.stoppedBecause) return;
    const ids = operations.flatMap((op) => (op.kind === 'create' && op.user.externalId ? [op.user.externalId] : []));
    if (ids.length === 0) return;
    try {
      this.holders = await holdersByExternalId(this.client, ids, {
        perRequest: this.options.externalIdsPerLookup ?? 100,
        mapped: this.options.requests.mapped,
        logger: this.options.logger,
      });
    } catch (error) {
      // A failed or refused lookup batch: those creates ask on their own and meet the failure there.
      if (!(error instanceof ScimRequestError) && !this.stoppedBecause) throw error;
    }
  }

  /**
   * Accounts already carrying this person's externalId, when the service can be asked. A service
   * that refuses the filter (400) can't be asked: said once, and creates go on as before, guarded
   * by the list read's own checks. Results are checked here too: a service that ignores a filter
   * answers with everyone.
   */
  private async heldUnderExternalId(user: RosterUser): Promise<RemoteUser[]> {
    const externalId = user.externalId;
    if (!this.options.externalIdLookup || this.externalIdLookupRefused || externalId === undefined || externalId === '') return [];
    const known = this.holders?.get(externalId);
    if (known) return known;
    let body: unknown;
    try {
      ({ body } = await this.client.get(externalIdFilterPath(externalId)));
    } catch (error) {
      if (!(error instanceof RejectedError)) throw error;
      this.externalIdLookupRefused = true;
      this.options.logger.warn(
        { httpStatus: error.httpStatus, detail: error.detail },
        'the service refuses filter=externalId eq "…": creates are no longer checked for an existing account with the same externalId this run',
      );
      return [];
    }
    const resources = (body as { Resources?: unknown } | undefined)?.Resources;
    return (Array.isArray(resources) ? resources : [])
      .map((r) => toRemoteUser(r, this.options.requests.mapped))
      .filter((r): r is RemoteUser => r?.externalId === externalId);
  }

  /**
   * 409 on create: the account exists (made by hand, by an earlier run whose answer was lost,
   * or by a run killed mid-way). Look it up; whether to adopt it is the planner's call. If the
   * lookup finds nothing (Postman answers 409 for members of another team), the 409 stands: no loop.
   */
  private async findConflicting(user: RosterUser, conflict: ConflictError): Promise<RemoteUser> {
    if (!this.options.canFilter) {
      throw withDetail(
        conflict,
        `${conflict.detail ?? 'userName already taken'} — the service supports no filter to look the account up by; the next run's full read will match it`,
      );
    }
    // A halt that refuses the lookup leaves the 409 as the answer: the POST was sent and created nothing.
    const existing = await this.lookUp(user.userName).catch((error: unknown) => {
      throw error instanceof ScimRequestError ? error : conflict;
    });
    if (!existing) throw conflict;
    return existing;
  }

  private async lookUp(userName: string): Promise<RemoteUser | undefined> {
    const same = (r: RemoteUser | undefined): r is RemoteUser => r !== undefined && userNameKey(r.userName) === userNameKey(userName);
    const { body } = await this.client.get(userNameFilterPath(userName));
    const resources = (body as { Resources?: unknown[] } | undefined)?.Resources ?? [];
    return resources.map((r) => toRemoteUser(r, this.options.requests.mapped)).find(same);
  }
}

/** The same conflict, with a detail that says what was found and what happens next. */
function withDetail(conflict: ConflictError, detail: string): ConflictError {
  const { method, path, httpStatus, scimType } = conflict;
  return new ConflictError({ method, path, httpStatus, scimType, detail });
}
