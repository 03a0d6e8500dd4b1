import type { Operation } from '../domain/plan.js';
import type { ExecutionResult } from '../domain/outcome.js';

/**
 * Carries out a plan. Chosen once per run: the live executor talks to the service, the dry-run
 * executor only records what would be sent. Nothing else in the run knows which one it has.
 */
export interface Executor {
  execute(operations: readonly Operation[]): Promise<ExecutionResult>;
  /** Stop starting new operations (signal); in-flight ones finish. */
  stop(reason: string): void;
}
