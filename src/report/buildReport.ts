import type { ExecutionResult, OperationOutcome } from '../domain/outcome.js';
import type { PendingStart, UpcomingChange } from '../domain/lifecycle.js';
import type { Plan } from '../domain/plan.js';
import type { GroupOperationOutcome } from '../domain/groupOperation.js';
import type { Roster } from '../domain/roster.js';
import { exitCodeOf, type RunOutcome } from '../domain/runOutcome.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { type RunReport, summarise, summariseGroups } from './runReport.js';

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
  manage?: RunReport['manage'];
  /** What the start and end dates decided (with the plan). */
  lifecycle?: { pending: PendingStart[]; upcoming: UpcomingChange[] };
  /** The executed (or, for a refused plan, planned) operations. */
  operations?: OperationOutcome[];
  /** The group operations likewise (with `groups`). */
  groupOperations?: GroupOperationOutcome[];
  /** The group listing read (with `groups`). */
  remoteGroups?: { groups: number; pages: number };
  stoppedBecause?: ExecutionResult['stoppedBecause'];
  refused?: RunReport['refused'];
  error?: string;
  unchangedSince?: RunReport['unchangedSince'];
  coordination?: RunReport['coordination'];
  planFile?: RunReport['planFile'];
  /** Mapped attributes the provider can't set (see neverSentWarning). */
  notSent?: string[];
}

/** How many unmanaged userNames the report names; the count says how many there are. */
const UNMANAGED_SAMPLE = 20;

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
      ...(facts.roster.outOfScope && { outOfScope: facts.roster.outOfScope.length }),
    },
    manage: facts.manage,
    unmanaged: facts.plan && { count: facts.plan.unmanaged.length, sample: facts.plan.unmanaged.slice(0, UNMANAGED_SAMPLE).map((u) => u.userName) },
    remote: facts.remote,
    service: facts.service,
    notSent: facts.notSent,
    unmatchedProtect: facts.plan?.unmatchedProtect,
    notUpdatable: facts.plan?.notUpdatable.filter((n) => n.isNew).map(({ key: _key, isNew: _new, ...n }) => n),
    summary: {
      ...summarise(operations, facts.plan?.unchanged ?? 0, facts.plan?.skipped.length ?? 0),
      ...(facts.groupOperations && { groups: summariseGroups(facts.groupOperations) }),
    },
    requests: facts.requests ?? { total: 0, byMethod: {}, retries: 0, throttled: 0 },
    operations,
    groups: facts.plan?.groups && {
      listed: facts.remoteGroups,
      managed: facts.plan.groups.managed.length,
      unmanaged: facts.plan.groups.unmanaged,
      managedMemberships: facts.plan.groups.managedMemberships,
      operations: facts.groupOperations ?? [],
    },
    skipped: facts.plan?.skipped ?? [],
    pending: facts.lifecycle?.pending,
    upcoming: facts.lifecycle?.upcoming.map(({ op, userName, externalId, at }) => ({ op, userName, externalId, at })),
    refused: facts.refused,
    stoppedBecause: facts.stoppedBecause,
    error: facts.error,
    unchangedSince: facts.unchangedSince,
    coordination: facts.coordination,
    planFile: facts.planFile,
  };
}
