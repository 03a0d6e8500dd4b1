import { ScimSyncError } from '../domain/scimSyncError.js';

/**
 * A rate budget shared with other processes (daemon replicas, other jobs into the same tenant, a
 * cron fix), kept somewhere they all see (Redis: src/coordination/). The process's own gate still
 * spaces and bounds its requests; this is the extra door every request passes, so that together
 * they stay within `target.requestsPerMinute` and a 429 seen by one holds them all.
 */
export interface SharedBudget {
  /**
   * Asks for one request now: 0 means granted (and counted), a positive number is how many ms to
   * wait before asking again (the window is full, spacing, or a 429 pause). Rejects with
   * SharedBudgetUnavailableError when the budget can't be reached: then nothing may be sent.
   */
  take(): Promise<number>;
  /** Holds every process's requests for `ms` (a 429's Retry-After). Extends, never shortens. */
  pause(ms: number): Promise<void>;
}

/**
 * The shared budget (or the lease that goes with it) can't be reached or was lost. There is no
 * fallback to a budget of our own: N processes each sending a full budget is what gets a tenant
 * throttled. The run stops sending; the message says where and what to do.
 */
export class SharedBudgetUnavailableError extends ScimSyncError {}
