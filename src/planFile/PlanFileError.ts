import { ScimSyncError } from '../domain/scimSyncError.js';

/**
 * A plan file that can't be applied: unreadable, not a plan file, altered, made for another
 * config or service, or too old. Nothing is sent (exit 2); the message names the file, what is
 * wrong and what to do next.
 */
export class PlanFileError extends ScimSyncError {
  constructor(
    readonly file: string,
    problem: string,
    options?: { cause?: unknown },
  ) {
    super(`plan file ${file} ${problem}`, options);
  }
}
