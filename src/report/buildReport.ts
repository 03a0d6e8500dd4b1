import type { ExecutionResult, OperationOutcome } from '../domain/outcome.js';
import type { Plan } from '../domain/plan.js';
import type { Roster } from '../domain/roster.js';
import { exitCodeOf, type RunOutcome } from '../domain/runOutcome.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { type RunReport, summarise } from './runReport.js';

/** Everything a run learnt, phase by phase; what a phase never reached is absent. */
export interface RunFacts {
  runId: string;
  startedAt: Date;
  finishedAt: Date;
  dryRun: boolean;
  config: { file: string; baseUrl: string };
  outcome: RunOutcome;
  result: string;
  roster?: Roster;
  remote?: { users: number; pages: number };
  service?: { provider: string } & ServiceCapabilities;
  requests?: RunReport['requests'];
  plan?: Plan;
  /** The executed (or, for a refused plan, planned) operations. */
  operations?: OperationOutcome[];
  stoppedBecause?: ExecutionResult['stoppedBecause'];
  refused?: RunReport['refused'];
  error?: string;
  unchangedSince?: RunReport['unchangedSince'];
  /** Mapped attributes the provider can't set (see neverSentWarning). */
  notSent?: string[];
}

/** Pure: the report is a view of the facts, assembled in one place rather than field by field along the run. */
export function buildReport(facts: RunFacts): RunReport {
  const operations = facts.operations ?? [];
  return {
    runId: facts.runId,
    startedAt: facts.startedAt.toISOString(),
    finishedAt: facts.finishedAt.toISOString(),
    dryRun: facts.dryRun,
    outcome: facts.outcome.kind,
    exitCode: exitCodeOf(facts.outcome),
    result: facts.result,
    config: facts.config,
    roster: facts.roster && {
      file: facts.roster.file,
      rows: facts.roster.rows,
      accepted: facts.roster.users.length,
      rejected: facts.roster.rejected.map(({ line, reason }) => ({ line, reason })),
    },
    remote: facts.remote,
    service: facts.service,
    notSent: facts.notSent,
    unmatchedProtect: facts.plan?.unmatchedProtect,
    notUpdatable: facts.plan?.notUpdatable.filter((n) => n.isNew).map(({ key: _key, isNew: _new, ...n }) => n),
    summary: summarise(operations, facts.plan?.unchanged ?? 0, facts.plan?.skipped.length ?? 0),
    requests: facts.requests ?? { total: 0, byMethod: {}, retries: 0, throttled: 0 },
    operations,
    skipped: facts.plan?.skipped ?? [],
    refused: facts.refused,
    stoppedBecause: facts.stoppedBecause,
    error: facts.error,
    unchangedSince: facts.unchangedSince,
  };
}
