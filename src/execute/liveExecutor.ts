import PQueue from 'p-queue';
import type { Logger } from 'pino';
import type { Operation, PlanPolicy, RemoteUser, RosterUser } from '../domain/types.js';
import { userNameKey } from '../plan/normalise.js';
import { plan } from '../plan/plan.js';
import { writePath } from '../profiles/attributePaths.js';
import { buildRequests, type RequestContext, type ScimRequest } from '../profiles/buildRequests.js';
import { ConflictError, NoSlotsError, RejectedError, RunFatalError, ScimRequestError } from '../scim/errors.js';
import type { ScimClient } from '../scim/scimClient.js';
import { toRemoteUser } from '../scim/scimUser.js';
import { externalIdFilterPath, userNameFilterPath } from '../scim/userNameFilter.js';
import { CircuitBreaker } from './circuitBreaker.js';
import { describeOperation } from './describeOperation.js';
import type { Executor } from './executor.js';
import type { ExecutionResult, OperationOutcome } from './outcome.js';

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
  /** The run's planning policy, to plan an adopted account exactly like any other. */
  policy: PlanPolicy;
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
  private externalIdLookupRefused = false;

  constructor(
    private readonly client: ScimClient,
    private readonly options: LiveExecutorOptions,
  ) {
    this.queue = new PQueue({ concurrency: options.concurrency });
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
            outcomes[i] = await this.apply(op, outcomes[i]!);
            this.options.onOutcome?.(outcomes[i]!);
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
    enqueue((op) => op.kind === 'create');
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

  private async apply(op: Operation, planned: OperationOutcome): Promise<OperationOutcome> {
    if (op.kind === 'create' && this.noSlots) {
      return { ...planned, outcome: 'skipped', httpStatus: this.noSlots.httpStatus, failureKind: 'no-slots', detail: this.noSlots.detail };
    }
    try {
      const result = await this.send(op);
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

  /** The requests for one operation. Resolves with facts for the report or throws a classified error. */
  private async send(op: Operation): Promise<Partial<OperationOutcome>> {
    if (op.kind === 'create') return this.create(op.user);
    for (const request of buildRequests(op, this.options.requests)) await this.sendOne(request);
    return {};
  }

  private async sendOne(request: ScimRequest): Promise<unknown> {
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

  private async create(user: RosterUser): Promise<Partial<OperationOutcome>> {
    const holders = await this.heldUnderExternalId(user);
    if (holders.length > 0) {
      const refusal = (why: string) =>
        new ConflictError({
          method: 'POST',
          path: '/Users',
          detail: `not created: the service already holds ${describeAccounts(holders)} with externalId ${user.externalId}, which the list read did not show; it was not adopted: ${why}`,
        });
      return this.takeOver(user, holders, refusal);
    }
    const [post] = buildRequests({ kind: 'create', user }, this.options.requests);
    try {
      const body = await this.sendOne(post!);
      return { id: toRemoteUser(body)?.id };
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      return this.adopt(user, error);
    }
  }

  /**
   * 409 on create: the account exists (made by hand, by an earlier run whose answer was lost,
   * or by a run killed mid-way). Look it up and plan for it like for any matched account, so
   * it is reactivated and updated exactly as the planner decides. If the lookup finds nothing
   * (Postman answers 409 for members of another team), the 409 stands: no loop.
   */
  private async adopt(user: RosterUser, conflict: ConflictError): Promise<Partial<OperationOutcome>> {
    if (!this.options.canFilter) {
      throw withDetail(conflict, `${conflict.detail ?? 'userName already taken'} — the service supports no filter to look the account up by; the next run's full read will match it`);
    }
    // A halt that refuses the lookup leaves the 409 as the answer: the POST was sent and created nothing.
    const existing = await this.lookUp(user.userName).catch((error: unknown) => {
      throw error instanceof ScimRequestError ? error : conflict;
    });
    if (!existing) throw conflict;
    // The account holding this userName is not this person's as the planner sees it (it
    // carries another externalId, or is protected): adopting it would hand one person's
    // account to another. The 409 stands, with what was found, for a human to sort out.
    return this.takeOver(user, [existing], (notOurs) =>
      withDetail(
        conflict,
        `${conflict.detail ?? 'userName already taken'} — the account holding ${existing.userName} (id ${existing.id}` +
          `${existing.externalId === undefined ? '' : `, externalId ${existing.externalId}`}) was not adopted: ${notOurs}`,
      ),
    );
  }

  /** Plans for accounts found at create time exactly like for matched ones, and sends that plan. */
  private async takeOver(user: RosterUser, found: RemoteUser[], refuse: (reason: string) => Error): Promise<Partial<OperationOutcome>> {
    const followUp = plan({ users: [user], rejected: [] }, found, { ...this.options.policy, only: undefined, deactivateMissing: false });
    const notOurs = followUp.skipped[0]?.reason;
    if (notOurs !== undefined || found.length !== 1) throw refuse(notOurs ?? 'ambiguous-match');
    for (const op of followUp.operations) {
      for (const request of buildRequests(op, this.options.requests)) await this.sendOne(request);
    }
    return { id: found[0]!.id, adopted: true };
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

function describeAccounts(found: readonly RemoteUser[]): string {
  const one = (r: RemoteUser) => `${r.userName} (id ${r.id})`;
  return found.length === 1 ? `an account, ${one(found[0]!)},` : `${found.length} accounts, ${found.map(one).join(', ')},`;
}
