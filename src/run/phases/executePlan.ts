import type { ExecutionResult, OperationOutcome } from '../../domain/outcome.js';
import { DryRunExecutor } from '../../execute/dryRunExecutor.js';
import type { Adoption, Executor } from '../../execute/executor.js';
import { LiveExecutor } from '../../execute/liveExecutor.js';
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
export async function executePlan(run: RunContext, connection: ServiceConnection, { plan, policy }: CheckedPlan, capabilities: ServiceCapabilities): Promise<ExecutionResult> {
  const { config, options, logger } = run;
  const executor: Executor = options.dryRun
    ? new DryRunExecutor()
    : new LiveExecutor(connection.client, {
        concurrency: config.target.concurrency,
        maxConsecutiveFailures: config.sync.maxConsecutiveFailures,
        logger,
        haltRequests: (reason) => connection.gate.close(reason),
        onOutcome: (outcome) => options.observer?.operationDone?.(outcome),
        requests: { profile: profileOf(config), mapped: mappedPaths(config), patchSupported: capabilities.patch },
        canFilter: capabilities.filter.supported,
      });
  connection.executing(executor);
  options.observer?.executing?.(plan.operations.length, config.target.requestsPerMinute);
  const first = await executor.execute(plan.operations);
  const conflicts = first.conflicts ?? [];
  if (conflicts.length === 0) return first;

  const outcomes = [...first.outcomes];
  const adoptions: (Adoption & { index: number })[] = [];
  for (const { index, user, existing } of conflicts) {
    const decision = planAdoption(user, existing, policy);
    if (decision.adopt) {
      adoptions.push({ index, outcome: outcomes[index]!, existing, operations: decision.operations });
      continue;
    }
    outcomes[index] = notAdopted(outcomes[index]!, existing, decision.reason);
    logger.warn({ op: 'create', userName: user.userName, httpStatus: 409, kind: 'conflict', detail: outcomes[index].detail }, 'operation failed');
    options.observer?.operationDone?.(outcomes[index]);
  }
  const adopted = await executor.adopt(adoptions);
  adoptions.forEach((adoption, i) => (outcomes[adoption.index] = adopted.outcomes[i]!));
  return { outcomes, stoppedBecause: adopted.stoppedBecause ?? first.stoppedBecause };
}

/** The 409 stands, saying which account holds the userName and why it wasn't taken over. */
function notAdopted(outcome: OperationOutcome, existing: Adoption['existing'], reason: string): OperationOutcome {
  const held = `the account holding ${existing.userName} (id ${existing.id}${existing.externalId === undefined ? '' : `, externalId ${existing.externalId}`})`;
  return { ...outcome, detail: `${outcome.detail ?? 'userName already taken'} — ${held} was not adopted: ${reason}` };
}
