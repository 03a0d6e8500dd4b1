import type { Operation } from '../domain/plan.js';
import type { ExecutionResult, OperationOutcome } from '../domain/outcome.js';
import type { RemoteUser } from '../domain/remoteUser.js';

/** A 409'd create the planner agreed to take over: the account found, and what to send to it. */
export interface Adoption {
  /** The create's own report line, as execution left it. */
  outcome: OperationOutcome;
  existing: RemoteUser;
  operations: readonly Operation[];
}

/**
 * Carries out a plan. Chosen once per run: the live executor talks to the service, the dry-run
 * executor only records what would be sent. Nothing else in the run knows which one it has.
 */
export interface Executor {
  execute(operations: readonly Operation[]): Promise<ExecutionResult>;
  /** Sends the follow-ups of accounts taken over after a 409; one outcome per adoption. */
  adopt(adoptions: readonly Adoption[]): Promise<ExecutionResult>;
  /** Stop starting new operations (signal); in-flight ones finish. */
  stop(reason: string): void;
}
