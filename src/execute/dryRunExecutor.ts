import type { Operation } from '../domain/plan.js';
import type { ExecutionResult } from '../domain/outcome.js';
import { describeOperation } from './describeOperation.js';
import type { Adoption, Executor } from './executor.js';

/** Sends nothing: every operation is reported as "planned". */
export class DryRunExecutor implements Executor {
  execute(operations: readonly Operation[]): Promise<ExecutionResult> {
    return Promise.resolve({ outcomes: operations.map((op) => describeOperation(op, 'planned')) });
  }
  /** A dry run meets no 409, so it never has anything to adopt. */
  adopt(adoptions: readonly Adoption[]): Promise<ExecutionResult> {
    return Promise.resolve({ outcomes: adoptions.map((a) => a.outcome) });
  }
  stop(): void {}
}
