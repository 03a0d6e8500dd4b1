import { ScimSyncError } from '../domain/scimSyncError.js';

/**
 * Redis (coordination.redis) can't be reached, so this process can't know what the others send or
 * whether another replica runs: the tick or the run is refused, nothing is sent. Never a silent
 * fallback to a budget of our own (N processes would then each send the whole budget).
 */
export class CoordinationUnavailableError extends ScimSyncError {
  constructor(
    readonly redis: string,
    what: string,
    cause: unknown,
  ) {
    super(
      `Redis at ${redis} (coordination.redis) is unreachable while ${what}: ${causeText(cause)}. ` +
        'Nothing is sent without the shared rate budget and lease: start or fix Redis (the next tick retries), ' +
        'or remove coordination.redis to run a single process on its own budget',
      { cause },
    );
  }
}

function causeText(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
