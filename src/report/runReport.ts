import type { BulkStats } from '../scim/requestStats.js';
import type { RunOutcomeKind } from '../domain/runOutcome.js';
import type { NotUpdatable, SkippedUser } from '../domain/plan.js';
import type { RejectedRow } from '../domain/roster.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import type { ExecutionResult, OperationOutcome } from '../domain/outcome.js';
import type { GroupOperationKind, GroupOperationOutcome } from '../domain/groupOperation.js';
import type { PendingStart, UpcomingChange } from '../domain/lifecycle.js';

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
  roster?: {
    file: string;
    rows: number;
    accepted: number;
    rejected: Pick<RejectedRow, 'line' | 'reason'>[];
    /** Rows outside source.scope: not this sync's people (present when source.scope is set). */
    outOfScope?: number;
  };
  /** Which accounts this run considered its own, and why (sync.manage). */
  manage?: ManageSummary;
  /** Accounts this sync left alone because they aren't its own: how many, and the first 20 userNames. */
  unmanaged?: { count: number; sample: string[] };
  remote?: { users: number; pages: number };
  /** The target profile and what the service said it supports. */
  service?: { provider: string } & ServiceCapabilities;
  /** Mapped attributes (canonical paths) this provider can't set: never sent; their differences are under notUpdatable. */
  notSent?: string[];
  /** `sync.protect` entries that matched no account on the service (once the service was read). */
  unmatchedProtect?: string[];
  /** Differences this service can't apply, listed the first time they are seen (not again in later runs). */
  notUpdatable?: Omit<NotUpdatable, 'key' | 'isNew'>[];
  summary: Summary;
  /** `bulk` only when the run sent Bulk requests (or gave Bulk up): how many, with how many operations. */
  requests: { total: number; byMethod: Record<string, number>; retries: number; throttled: number; bulk?: BulkStats };
  operations: OperationOutcome[];
  /**
   * With `groups`: the group listing read (groups, pages), how many groups are managed (the
   * roster names them, or an earlier run made or adopted them) and how many are left alone, the
   * memberships of managed accounts found in managed groups, and every group operation: its kind,
   * group, the members added or removed with why, and how it went.
   */
  groups?: {
    listed?: { groups: number; pages: number };
    managed: number;
    unmanaged: number;
    managedMemberships: number;
    operations: GroupOperationOutcome[];
  };
  skipped: SkippedUser[];
  /** People whose start date is further ahead than sync.createDaysBeforeStart, with the day their account comes (present once planned). */
  pending?: PendingStart[];
  /** What the start and end dates will do in the next UPCOMING_DAYS (14) days, soonest first, `at` in UTC (present once planned). */
  upcoming?: UpcomingChange[];
  /** Why the run refused to start writing, or stopped early. */
  refused?: { reason: string; howToProceed: string };
  stoppedBecause?: ExecutionResult['stoppedBecause'];
  error?: string;
  /** sync.fullReadEvery: this cycle read and sent nothing, since nothing on our side changed. */
  unchangedSince?: { since: string; nextFullReadAfter: string };
  /**
   * Only with coordination.redis: this process (instance), the shared budget's namespace (key), the
   * job whose lease the run held, and the lease's fencing token (larger for every later run of the job).
   */
  coordination?: { instance: string; key: string; job: string; fencingToken: number };
  /**
   * The plan file of this run: `saved` by `scim-sync plan` or for a refused plan (review it with
   * `scim-sync show`, then `scim-sync apply`), or `applied` by `scim-sync apply`.
   */
  planFile?: PlanFileRef;
}

export interface PlanFileRef {
  path: string;
  digest: string;
  use: 'saved' | 'applied';
}

export interface ManageSummary {
  /** userName domains managed this run, or every account. */
  domains: '*' | string[];
  /** `config`: sync.manage.domains; `roster-and-ledger`: the default (the roster's domains and those of earlier runs). */
  domainsFrom: 'config' | 'roster-and-ledger';
  /** Whether accounts in the ledger are managed whatever their domain. */
  linked: boolean;
  /** Accounts in the ledger as the run found it. */
  ledgerAccounts: number;
  /** Accounts read that are this sync's (every one not unmanaged or out of scope; protected ones included). */
  managed: number;
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
  /** With `groups`: group operations by kind (planned, succeeded), and the members added and removed by those that succeeded (or were planned, in a dry run). */
  groups?: GroupSummary;
}

export type GroupSummary = Record<GroupOperationKind, CountPair> & { membersAdded: number; membersRemoved: number; failed: number };

export function summariseGroups(outcomes: readonly GroupOperationOutcome[]): GroupSummary {
  const pair = (op: GroupOperationKind): CountPair => ({
    planned: outcomes.filter((o) => o.op === op).length,
    succeeded: outcomes.filter((o) => o.op === op && o.outcome === 'succeeded').length,
  });
  const done = outcomes.filter((o) => o.outcome === 'succeeded' || o.outcome === 'planned');
  const members = (ops: GroupOperationKind[]) => done.filter((o) => ops.includes(o.op)).reduce((n, o) => n + o.members.length, 0);
  return {
    'create-group': pair('create-group'),
    'add-members': pair('add-members'),
    'remove-members': pair('remove-members'),
    'delete-group': pair('delete-group'),
    membersAdded: members(['create-group', 'add-members']),
    membersRemoved: members(['remove-members']),
    failed: outcomes.filter((o) => o.outcome === 'failed').length,
  };
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
