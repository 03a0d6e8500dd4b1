import type { ExecutionResult, FoundAccount, OperationOutcome } from '../../domain/outcome.js';
import type { RemoteUser } from '../../domain/remoteUser.js';
import { DryRunExecutor } from '../../execute/dryRunExecutor.js';
import type { Adoption, Executor } from '../../execute/executor.js';
import { bulkBatchLimits } from '../../scim/bulkSettings.js';
import { planAdoption } from '../../plan/adoption.js';
import type { ServiceCapabilities } from '../../scim/serviceProviderConfig.js';
import type { RunContext } from '../runContext.js';
import type { ServiceConnection } from '../serviceConnection.js';
import { mappedPaths, profileOf } from '../syncPolicy.js';
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
  const executor: Executor = options.dryRun ? new DryRunExecutor() : await liveExecutor(run, connection, plan.operations.length, capabilities, listInOneAnswer);
  connection.executing(executor);
  options.observer?.executing?.(plan.operations.length, config.target.requestsPerMinute);
  const first = await executor.execute(plan.operations);
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
async function liveExecutor(
  run: RunContext,
  connection: ServiceConnection,
  operations: number,
  capabilities: ServiceCapabilities,
  listInOneAnswer: boolean,
): Promise<Executor> {
  const { config, options, logger } = run;
  const [{ BULK_LANES, LiveExecutor }, { BulkBatcher }] = await Promise.all([import('../../execute/liveExecutor.js'), import('../../scim/bulkBatcher.js')]);
  const bulkLimits = bulkBatchLimits(config.target.bulk, capabilities);
  const bulk = bulkLimits && new BulkBatcher({ client: connection.client, gate: connection.gate, limits: bulkLimits, logger, lanes: BULK_LANES });
  if (bulkLimits && operations > 0) logger.info({ ...bulkLimits }, 'writes go in SCIM Bulk requests');
  return new LiveExecutor(connection.client, {
    concurrency: config.target.concurrency,
    maxConsecutiveFailures: config.sync.maxConsecutiveFailures,
    logger,
    haltRequests: (reason) => connection.gate.close(reason),
    onOutcome: (outcome) => options.observer?.operationDone?.(outcome),
    requests: { profile: profileOf(config), mapped: mappedPaths(config), patchSupported: capabilities.patch },
    canFilter: capabilities.filter.supported,
    // The externalId check guards against a list that moved between pages (issue 10: drift plus
    // rename). A list that came in one answer can't have, and then creates cost no lookups.
    externalIdLookup: capabilities.filter.supported && profileOf(config).filtersOnExternalId && !listInOneAnswer,
    bulk: bulk || undefined,
    externalIdsPerLookup: Math.min(capabilities.filter.maxResults ?? 100, 100),
  });
}

const NOT_IN_THE_PLAN = '`apply` sends only the saved plan, and taking it over is not in it; the next run (or a new plan) will match it';

/** The create stands failed, saying which account(s) the person may already have and why none was taken over. */
function whyNotAdopted(outcome: OperationOutcome, { user, accounts, via }: FoundAccount, reason: string): string {
  const describe = (r: RemoteUser) => `${r.userName} (id ${r.id}${via === 'conflict' && r.externalId !== undefined ? `, externalId ${r.externalId}` : ''})`;
  if (via === 'conflict') return `${outcome.detail ?? 'userName already taken'} — the account holding ${describe(accounts[0]!)} was not adopted: ${reason}`;
  const held = accounts.length === 1 ? `an account, ${describe(accounts[0]!)},` : `${accounts.length} accounts, ${accounts.map(describe).join(', ')},`;
  return `not created: the service already holds ${held} with externalId ${user.externalId}, which the list read did not show; it was not adopted: ${reason}`;
}
