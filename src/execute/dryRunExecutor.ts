import type { Operation } from '../domain/plan.js';
import { describeOperation } from './describeOperation.js';
import type { Executor } from './executor.js';
import type { ExecutionResult } from '../domain/outcome.js';

/** Sends nothing: every operation is reported as "planned". */
export class DryRunExecutor implements Executor {
  async execute(operations: readonly Operation[]): Promise<ExecutionResult> {
    return { outcomes: operations.map((op) => describeOperation(op, 'planned')) };
  }
  stop(): void {}
}
