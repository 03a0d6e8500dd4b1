import type { BulkStats } from '../scim/requestStats.js';
import type { RunOutcomeKind } from '../domain/runOutcome.js';
import type { NotUpdatable, SkippedUser } from '../domain/plan.js';
import type { RejectedRow } from '../domain/roster.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import type { ExecutionResult, OperationOutcome } from '../domain/outcome.js';

/** The JSON report written once per run. Field names are a contract with admins' tooling. */
export interface RunReport {
  runId: string;
  startedAt: string;
  finishedAt: string;
  dryRun: boolean;
  /** How the run ended, in words (succeeded, some-failed, unusable-input, refused, interrupted, …). */
  outcome: RunOutcomeKind;
  /** The process's exit code for that outcome (README "Exit codes"). */
  exitCode: number;
  /** One line a person can read: what happened overall. */
  result: string;
  config: { file: string; baseUrl: string };
  roster?: { file: string; rows: number; accepted: number; rejected: Pick<RejectedRow, 'line' | 'reason'>[] };
  remote?: { users: number; pages: number };
  /** The target profile and what the service said it supports. */
  service?: { provider: string } & ServiceCapabilities;
  /** Differences this service can't apply, listed the first time they are seen (not again in later runs). */
  notUpdatable?: Omit<NotUpdatable, 'key' | 'isNew'>[];
  summary: Summary;
  /** `bulk` only when the run sent Bulk requests (or gave Bulk up): how many, with how many operations. */
  requests: { total: number; byMethod: Record<string, number>; retries: number; throttled: number; bulk?: BulkStats };
  operations: OperationOutcome[];
  skipped: SkippedUser[];
  /** Why the run refused to start writing, or stopped early. */
  refused?: { reason: string; howToProceed: string };
  stoppedBecause?: ExecutionResult['stoppedBecause'];
  error?: string;
  /** sync.fullReadEvery: this cycle read and sent nothing, since nothing on our side changed. */
  unchangedSince?: { since: string; nextFullReadAfter: string };
}

export interface CountPair {
  planned: number;
  succeeded: number;
}

export interface Summary {
  create: CountPair;
  update: CountPair;
  deactivate: CountPair;
  reactivate: CountPair;
  unchanged: number;
  failed: number;
  skipped: number;
  notAttempted: number;
}

export function summarise(outcomes: readonly OperationOutcome[], unchanged: number, skippedUsers: number): Summary {
  const pair = (op: OperationOutcome['op']): CountPair => ({
    planned: outcomes.filter((o) => o.op === op).length,
    succeeded: outcomes.filter((o) => o.op === op && o.outcome === 'succeeded').length,
  });
  return {
    create: pair('create'),
    update: pair('update'),
    deactivate: pair('deactivate'),
    reactivate: pair('reactivate'),
    unchanged,
    failed: outcomes.filter((o) => o.outcome === 'failed').length,
    skipped: skippedUsers + outcomes.filter((o) => o.outcome === 'skipped').length,
    notAttempted: outcomes.filter((o) => o.outcome === 'not-attempted').length,
  };
}
