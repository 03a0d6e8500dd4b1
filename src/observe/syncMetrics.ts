import type { RunOutcomeKind } from '../domain/runOutcome.js';
import type { UpcomingChange } from '../domain/lifecycle.js';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RunObserver } from './runObserver.js';

/**
 * Prometheus metrics for the daemon (prom-client). Its own registry, not the global one, so
 * tests and embedders can hold several without name clashes.
 */
export class SyncMetrics implements RunObserver {
  readonly registry = new Registry();
  readonly runs = new Counter({
    name: 'scim_sync_runs_total',
    help: 'Runs by outcome (ok, failed, refused, unusable_input, interrupted, crashed).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly ticksTakenElsewhere = new Counter({
    name: 'scim_sync_ticks_taken_elsewhere_total',
    help: 'Scheduled runs another replica claimed (coordination.redis): it ran that tick, this one did not.',
    registers: [this.registry],
  });
  readonly coordinationUnavailable = new Counter({
    name: 'scim_sync_coordination_unavailable_total',
    help: 'Scheduled runs refused because Redis (coordination.redis) could not be reached; nothing was sent.',
    registers: [this.registry],
  });
  readonly skippedTicks = new Counter({
    name: 'scim_sync_skipped_ticks_total',
    help: 'Scheduled runs skipped because the previous run was still going.',
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'scim_sync_operations_total',
    help: 'Operations by type and outcome.',
    labelNames: ['op', 'outcome'],
    registers: [this.registry],
  });
  readonly groupOperations = new Counter({
    name: 'scim_sync_group_operations_total',
    help: 'Group operations (groups) by kind (create-group, add-members, remove-members, delete-group) and outcome.',
    labelNames: ['op', 'outcome'],
    registers: [this.registry],
  });
  readonly requests = new Counter({
    name: 'scim_sync_requests_total',
    help: 'HTTP requests by method and status ("network" when there was no answer).',
    labelNames: ['method', 'status'],
    registers: [this.registry],
  });
  readonly throttled = new Counter({ name: 'scim_sync_throttled_total', help: '429 answers received.', registers: [this.registry] });
  readonly retries = new Counter({ name: 'scim_sync_retries_total', help: 'Requests retried after a transient failure.', registers: [this.registry] });
  readonly runDuration = new Histogram({
    name: 'scim_sync_run_duration_seconds',
    help: 'Duration of runs.',
    buckets: [1, 5, 15, 60, 300, 900, 3600, 14400],
    registers: [this.registry],
  });
  readonly lastSuccess = new Gauge({
    name: 'scim_sync_last_success_timestamp_seconds',
    help: 'Unix time of the last run that ended with exit code 0.',
    registers: [this.registry],
  });
  readonly rosterUsers = new Gauge({ name: 'scim_sync_roster_users', help: 'Accepted roster rows in the last run.', registers: [this.registry] });
  readonly rosterRejected = new Gauge({ name: 'scim_sync_roster_rejected_rows', help: 'Rejected roster rows in the last run.', registers: [this.registry] });
  readonly notifications = new Counter({
    name: 'scim_sync_notifications_total',
    help: 'Run notifications by outcome (sent, or failed after its retries).',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly remoteUsers = new Gauge({ name: 'scim_sync_remote_users', help: 'Users read from the service in the last run.', registers: [this.registry] });
  readonly unmanagedAccounts = new Gauge({
    name: 'scim_sync_unmanaged_accounts',
    help: 'Accounts on the service the last run left alone because sync.manage does not make them its own.',
    registers: [this.registry],
  });
  readonly upcoming = new Gauge({
    name: 'scim_sync_upcoming_operations',
    help: 'Operations the roster start and end dates will cause in the next 14 days, as of the last run that planned.',
    labelNames: ['op'],
    registers: [this.registry],
  });

  attempt: NonNullable<RunObserver['attempt']> = (event) => {
    this.requests.inc({ method: event.method, status: event.status === undefined ? 'network' : String(event.status) });
    if (event.status === 429) this.throttled.inc();
    if (event.willRetry) this.retries.inc();
  };

  operationDone: NonNullable<RunObserver['operationDone']> = (outcome) => {
    this.operations.inc({ op: outcome.op, outcome: outcome.outcome });
  };

  notified: NonNullable<RunObserver['notified']> = (outcome) => {
    this.notifications.inc({ outcome });
  };

  /** A run that threw wrote no report; it is counted all the same. */
  runCrashed(): void {
    this.runs.inc({ outcome: OUTCOME_LABEL.crashed });
  }

  finished: NonNullable<RunObserver['finished']> = (report, durationMs) => {
    this.runs.inc({ outcome: OUTCOME_LABEL[report.outcome] });
    this.runDuration.observe(durationMs / 1000);
    if (report.outcome === 'succeeded' && !report.dryRun) this.lastSuccess.set(Date.parse(report.finishedAt) / 1000);
    if (report.roster) {
      this.rosterUsers.set(report.roster.accepted);
      this.rosterRejected.set(report.roster.rejected.length);
    }
    if (report.remote) this.remoteUsers.set(report.remote.users);
    for (const o of report.groups?.operations ?? []) this.groupOperations.inc({ op: o.op, outcome: o.outcome });
    if (report.unmanaged) this.unmanagedAccounts.set(report.unmanaged.count);
    if (report.upcoming) {
      // Every op gets a value, 0 included, so an alert on a label doesn't see a stale count.
      for (const op of UPCOMING_OPS) this.upcoming.set({ op }, report.upcoming.filter((u) => u.op === op).length);
    }
  };
}

const UPCOMING_OPS: readonly UpcomingChange['op'][] = ['create', 'reactivate', 'deactivate'];

/** The metric's label values (documented, scraped by dashboards): unchanged since they were first published. */
const OUTCOME_LABEL: Record<RunOutcomeKind, string> = {
  succeeded: 'ok',
  'some-failed': 'failed',
  'unusable-input': 'unusable_input',
  refused: 'refused',
  locked: 'locked',
  interrupted: 'interrupted',
  crashed: 'crashed',
};
