import type { ExecutionResult, FoundAccount, OperationOutcome } from '../../domain/outcome.js';
import type { RemoteUser } from '../../domain/remoteUser.js';
import { DryRunExecutor } from '../../execute/dryRunExecutor.js';
import type { Adoption, Executor } from '../../execute/executor.js';
import type { BulkBatcher } from '../../scim/bulkBatcher.js';
import { bulkBatchLimits } from '../../scim/bulkSettings.js';
import { planAdoption } from '../../plan/adoption.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import type { RunContext } from '../runContext.js';
import type { ServiceConnection } from '../serviceConnection.js';
import { mappedPaths, profileOf } from '../syncPolicy.js';
import { describeGroupOperation, GROUP_BULK_LANE, GroupExecutor } from '../../execute/groupExecutor.js';
import type { PlanPolicy } from '../../domain/plan.js';
import { userNameKey } from '../../domain/userNameKey.js';
import type { CheckedPlan } from './planAndCheck.js';

/**
 * Phase 4: carry the plan out. The executor is chosen once — a dry run records, a live run
 * sends — and nothing after this line knows which one it got. Creates that met 409 come back as
 * values; the planner decides on each account found, and the executor adopts the ones it may.
 */
export async function executePlan(
  run: RunContext,
  connection: ServiceConnection,
  { plan, policy }: Pick<CheckedPlan, 'plan' | 'policy'>,
  capabilities: ServiceCapabilities,
  { adopt = true, listInOneAnswer = false }: { adopt?: boolean; listInOneAnswer?: boolean } = {},
): Promise<ExecutionResult> {
  const { config, options, logger } = run;
  let halted = false;
  const live = options.dryRun
    ? undefined
    : await liveExecutor(run, connection, plan.operations.length, capabilities, { listInOneAnswer, onHalt: () => (halted = true) });
  const executor: Executor = live?.executor ?? new DryRunExecutor();
  connection.executing(executor);
  options.observer?.executing?.(plan.operations.length, config.target.requestsPerMinute);
  if (!plan.groups) return settleConflicts(run, executor, await executor.execute(plan.operations), policy, adopt);

  // With groups, the run's order: user deactivations, membership removals, reactivations and
  // updates, user creates (then any adoptions), group creates, membership additions (with the ids
  // the creates returned), deletes. Group requests pass the same rate gate, but a failed one
  // never counts towards stopping the user operations.
  const groupOperations = plan.groups.operations;
  if (options.dryRun) {
    const users = await executor.execute(plan.operations);
    return { ...users, groups: groupOperations.map((op) => describeGroupOperation(op, 'planned')) };
  }
  const groups = new GroupExecutor(connection.client, {
    dialect: profileOf(config).groups!,
    concurrency: config.target.concurrency,
    logger,
    stopped: () => halted || Boolean(options.signal?.aborted),
    bulk: live?.bulk,
  });
  const removals = groupOperations.filter((op) => op.kind === 'remove-members');
  const rest = groupOperations.filter((op) => op.kind !== 'remove-members');
  // The planner sorts leavers first, so they are a prefix of the operations.
  const leavers = removals.length === 0 ? 0 : plan.operations.filter((op) => op.kind === 'deactivate').length;
  const first = leavers === 0 ? { outcomes: [] } : await executor.execute(plan.operations.slice(0, leavers));
  const removed = await groups.execute(removals);
  const then = await executor.execute(plan.operations.slice(leavers));
  const users = await settleConflicts(
    run,
    executor,
    {
      outcomes: [...first.outcomes, ...then.outcomes],
      conflicts: (then.conflicts ?? []).map((c) => ({ ...c, index: c.index + leavers })),
      stoppedBecause: then.stoppedBecause ?? first.stoppedBecause,
    },
    policy,
    adopt,
  );
  const created = new Map(
    users.outcomes.flatMap((o) => (o.op === 'create' && o.outcome === 'succeeded' && o.id !== undefined ? [[userNameKey(o.userName), o.id] as const] : [])),
  );
  // A rehire whose reactivation didn't go through stays off: no access by group either (yet).
  const heldBack = new Map(
    users.outcomes.flatMap((o) =>
      o.op === 'reactivate' && o.outcome !== 'succeeded'
        ? [[userNameKey(o.userName), 'their reactivation did not succeed; the next run adds them'] as const]
        : [],
    ),
  );
  const added = await groups.execute(rest, { created, heldBack });
  return { ...users, groups: [...removed, ...added] };
}

/**
 * Creates that met 409 come back as values: the planner decides on each account found, and the
 * executor adopts the ones it may.
 */
async function settleConflicts(run: RunContext, executor: Executor, first: ExecutionResult, policy: PlanPolicy, adopt: boolean): Promise<ExecutionResult> {
  const { options, logger } = run;
  const conflicts = first.conflicts ?? [];
  if (conflicts.length === 0) return first;

  const outcomes = [...first.outcomes];
  const adoptions: (Adoption & { index: number })[] = [];
  for (const found of conflicts) {
    const { index, user, accounts } = found;
    // `apply` sends only what the plan holds: taking over an account would be a write nobody approved.
    const decision = adopt ? planAdoption(user, accounts, policy) : { adopt: false as const, reason: NOT_IN_THE_PLAN };
    if (decision.adopt) {
      adoptions.push({ index, outcome: outcomes[index]!, existing: accounts[0]!, operations: decision.operations });
      continue;
    }
    outcomes[index] = { ...outcomes[index]!, detail: whyNotAdopted(outcomes[index]!, found, decision.reason) };
    logger.warn(
      { op: 'create', userName: user.userName, httpStatus: outcomes[index].httpStatus, kind: 'conflict', detail: outcomes[index].detail },
      'operation failed',
    );
    options.observer?.operationDone?.(outcomes[index]);
  }
  const adopted = await executor.adopt(adoptions);
  adoptions.forEach((adoption, i) => (outcomes[adoption.index] = adopted.outcomes[i]!));
  return { outcomes, stoppedBecause: adopted.stoppedBecause ?? first.stoppedBecause };
}

/**
 * The executor that sends, loaded only when a run sends: a dry run never needs it nor the Bulk
 * batcher, nor p-queue behind them (module loading is a tenth of a dry run's CPU).
 */
/**
 * The sending executor, and the Bulk batcher its writes (and the group writes) travel in when the
 * service offers Bulk. Loaded only when a run sends: a dry run never pays for p-queue and the
 * executor's modules.
 */
async function liveExecutor(
  run: RunContext,
  connection: ServiceConnection,
  operations: number,
  capabilities: ServiceCapabilities,
  { listInOneAnswer, onHalt }: { listInOneAnswer: boolean; onHalt: () => void },
): Promise<{ executor: Executor; bulk?: BulkBatcher }> {
  const { config, options, logger } = run;
  const [{ BULK_LANES, LiveExecutor }, { BulkBatcher }] = await Promise.all([import('../../execute/liveExecutor.js'), import('../../scim/bulkBatcher.js')]);
  const bulkLimits = bulkBatchLimits(config.target.bulk, capabilities);
  const bulk = bulkLimits
    ? new BulkBatcher({ client: connection.client, gate: connection.gate, limits: bulkLimits, logger, lanes: [...BULK_LANES, GROUP_BULK_LANE] })
    : undefined;
  if (bulkLimits && operations > 0) logger.info({ ...bulkLimits }, 'writes go in SCIM Bulk requests');
  const executor = new LiveExecutor(connection.client, {
    concurrency: config.target.concurrency,
    maxConsecutiveFailures: config.sync.maxConsecutiveFailures,
    logger,
    haltRequests: (reason) => {
      onHalt();
      connection.gate.close(reason);
    },
    onOutcome: (outcome) => options.observer?.operationDone?.(outcome),
    requests: { profile: profileOf(config), mapped: mappedPaths(config), patchSupported: capabilities.patch },
    canFilter: capabilities.filter.supported,
    // The externalId check guards against a list that moved between pages (issue 10: drift plus
    // rename). A list that came in one answer can't have, and then creates cost no lookups.
    externalIdLookup: capabilities.filter.supported && profileOf(config).filtersOnExternalId && !listInOneAnswer,
    bulk,
    externalIdsPerLookup: Math.min(capabilities.filter.maxResults ?? 100, 100),
  });
  return { executor, bulk };
}

const NOT_IN_THE_PLAN = '`apply` sends only the saved plan, and taking it over is not in it; the next run (or a new plan) will match it';

/** The create stands failed, saying which account(s) the person may already have and why none was taken over. */
function whyNotAdopted(outcome: OperationOutcome, { user, accounts, via }: FoundAccount, reason: string): string {
  const describe = (r: RemoteUser) => `${r.userName} (id ${r.id}${via === 'conflict' && r.externalId !== undefined ? `, externalId ${r.externalId}` : ''})`;
  if (via === 'conflict') return `${outcome.detail ?? 'userName already taken'} — the account holding ${describe(accounts[0]!)} was not adopted: ${reason}`;
  const held = accounts.length === 1 ? `an account, ${describe(accounts[0]!)},` : `${accounts.length} accounts, ${accounts.map(describe).join(', ')},`;
  return `not created: the service already holds ${held} with externalId ${user.externalId}, which the list read did not show; it was not adopted: ${reason}`;
}
