import { randomUUID } from 'node:crypto';
import { constants } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import type { RateBudget } from '../gate/rateBudget.js';
import type { Plan, RemoteUser, Roster } from '../domain/types.js';
import { userNameKey } from '../plan/normalise.js';
import { DryRunExecutor } from '../execute/dryRunExecutor.js';
import type { Executor } from '../execute/executor.js';
import { LiveExecutor } from '../execute/liveExecutor.js';
import type { ExecutionResult, OperationOutcome } from '../execute/outcome.js';
import type { RunObserver } from '../observe/runObserver.js';
import { plan } from '../plan/plan.js';
import { EMPTY_ROSTER_ADVICE, checkPlan, checkRoster, type Refusal, type SafetyPolicy } from '../plan/safety.js';
import { type RunReport, summarise } from '../report/runReport.js';
import { pruneReports } from '../report/pruneReports.js';
import { writeReport } from '../report/writeReport.js';
import { readRoster, RosterFileError } from '../roster/readRoster.js';
import { discoverService } from '../scim/discoverService.js';
import { readRemoteUsers, type RemoteDirectory } from '../scim/readRemoteUsers.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { connectToService } from './connectToService.js';
import { type RunState, readRunState, writeRunState } from './runState.js';
import { durationMs, fileSha256, settingsSha256, unchangedSince } from './unchangedCycle.js';
import { mappedPaths, planPolicy, profileOf } from './syncPolicy.js';

export interface RunOptions {
  dryRun: boolean;
  /** Write the report here instead of a new file in report.dir. */
  reportFile?: string;
  /** `--allow-deactivations N`: the operator accepts up to N deactivations this run. */
  allowDeactivations?: number;
  /** Aborting stops new operations; in-flight requests finish and the report is written. */
  signal?: AbortSignal;
  /**
   * After an abort, how long requests in flight may take before they are abandoned, so the run
   * ends (and writes its report) within the shutdown grace period. Unset: they finish.
   */
  inFlightGraceMs?: number;
  /** Rolling window of the rate gate; 60 s except in tests. */
  rateWindowMs?: number;
  /**
   * The process's rate budget (the daemon's, shared by all its runs, 429 pauses included);
   * without it the run has a budget of its own.
   */
  rateBudget?: RateBudget;
  /** `--only`: plan and apply for just these userNames. */
  only?: readonly string[];
  /** Metrics, progress: watch the run, never steer it. */
  observer?: RunObserver;
  /** What /ServiceProviderConfig said, when the caller (the daemon) has it cached. */
  capabilities?: ServiceCapabilities;
  /**
   * `--quiet` (cron mails any output): rejected roster rows are not logged one by one. They are
   * all in the report, and too many of them still refuse the run with a summary.
   */
  quiet?: boolean;
}

export interface RunResult {
  exitCode: number;
  report: RunReport;
  reportPath: string;
}

export const EXIT = { ok: 0, someFailed: 1, unusableInput: 2, refusedUnsafe: 3, locked: 4 } as const;

const MAX_LOGGED_REJECTIONS = 20;

/** 128 + the signal number, as shells report it: 129 SIGHUP, 130 SIGINT, 131 SIGQUIT, 143 SIGTERM (also for other reasons). */
function interruptedExitCode(signal: AbortSignal): number {
  const number = constants.signals[String(signal.reason) as NodeJS.Signals] as number | undefined;
  return 128 + (number ?? constants.signals.SIGTERM);
}

/**
 * One reconciliation: read roster → read service → plan → safety checks → execute → report.
 * The imperative shell around `plan()`: it owns I/O and ordering, and makes no decisions the
 * planner or the safety checks could make.
 */
export async function runSync(config: Config, options: RunOptions, logger: Logger): Promise<RunResult> {
  const startedAt = new Date();
  const report = emptyReport(config, options.dryRun, startedAt);
  const finish = (exitCode: number, result: string): RunResult => {
    report.exitCode = exitCode;
    report.result = result;
    report.finishedAt = new Date().toISOString();
    const reportPath = writeReport(report, { file: options.reportFile, dir: config.report.dir });
    if (!options.reportFile) pruneReports(config.report.dir, config.report.keep);
    logger.info({ runId: report.runId, exitCode, summary: report.summary, requests: report.requests, reportPath }, result);
    options.observer?.finished?.(report, Date.now() - startedAt.getTime());
    return { exitCode, report, reportPath };
  };
  const state = readRunState(config.state.dir);
  const safety: SafetyPolicy = {
    maxDeactivations: config.sync.maxDeactivations,
    allowDeactivations: options.allowDeactivations,
    dryRun: options.dryRun,
    maxRejectedShare: config.source.maxRejectedShare,
    protect: config.sync.protect,
    previousRosterRows: state.lastSuccess?.rosterUsers,
  };

  // sync.fullReadEvery: when nothing on our side changed, this cycle sends nothing at all.
  const fullReadEveryMs = durationMs(config.sync.fullReadEvery);
  const fingerprint = fullReadEveryMs === undefined ? undefined : await fingerprintOf(config);
  const deliberate = options.dryRun || options.only !== undefined || options.allowDeactivations !== undefined;
  const unchanged = fingerprint && unchangedSince(state.lastFullRead, { now: startedAt, ...fingerprint, fullReadEveryMs, deliberate });
  if (unchanged) {
    report.unchangedSince = unchanged;
    return finish(
      EXIT.ok,
      `nothing read or sent: the roster and settings are unchanged since the full run at ${unchanged.since}; next full read after ${unchanged.nextFullReadAfter} (sync.fullReadEvery)`,
    );
  }

  let roster: Roster;
  try {
    roster = await readRoster({ ...config.source, userNameIsEmail: profileOf(config).userNameIsEmail });
  } catch (error) {
    if (!(error instanceof RosterFileError)) throw error;
    if (error.empty) return refuse({ exitCode: 3, reason: error.message, howToProceed: EMPTY_ROSTER_ADVICE });
    report.error = error.message;
    return finish(EXIT.unusableInput, 'the roster is unusable; nothing was sent');
  }
  report.roster = {
    file: roster.file,
    rows: roster.rows,
    accepted: roster.users.length,
    rejected: roster.rejected.map(({ line, reason }) => ({ line, reason })),
  };
  // The first rejected rows are logged one by one; all of them are in the report.
  const logged = options.quiet ? 0 : MAX_LOGGED_REJECTIONS;
  for (const row of roster.rejected.slice(0, logged)) logger.warn({ file: roster.file, line: row.line, reason: row.reason }, 'roster row rejected');
  if (!options.quiet && roster.rejected.length > MAX_LOGGED_REJECTIONS) logger.warn({ rejected: roster.rejected.length }, `and ${roster.rejected.length - MAX_LOGGED_REJECTIONS} more rejected rows (see the report)`);
  const rosterRefusal = checkRoster(roster, safety);
  if (rosterRefusal) return refuse(rosterRefusal);

  const { gate, client } = connectToService(config, {
    contentType: profileOf(config).contentType,
    rateWindowMs: options.rateWindowMs,
    budget: options.rateBudget,
    onAttempt: (a) => {
      options.observer?.attempt?.(a);
      if (a.failure) logger.debug({ method: a.method, path: a.path, status: a.status, kind: a.failure.kind, willRetry: a.willRetry }, 'request failed');
    },
  });
  let executor: Executor | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    const reason = `interrupted by ${String(options.signal?.reason ?? 'signal')}`;
    executor?.stop(reason); // first: the live executor closes the gate with its own halt cause
    gate.close(new Error(reason)); // still reading pages, or a dry run: refuse further requests
    if (options.inFlightGraceMs !== undefined && graceTimer === undefined) {
      graceTimer = setTimeout(() => client.cancel(`${reason}: requests still in flight after the grace period were abandoned`), options.inFlightGraceMs);
    }
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const profile = profileOf(config);
    const mapped = mappedPaths(config);
    let remote: RemoteDirectory;
    let capabilities: ServiceCapabilities;
    try {
      capabilities = options.capabilities ?? (await discoverService(client, logger));
      report.service = { provider: profile.name, ...capabilities };
      if (!capabilities.patch && profile.name !== 'generic') {
        report.error = `the ${profile.name} profile needs PATCH, but the service's /ServiceProviderConfig says patch.supported is false; check target.baseUrl and target.provider`;
        return finish(EXIT.unusableInput, 'the service does not support what this profile needs; nothing was sent');
      }
      remote = await readRemoteUsers(client, pageSizeFor(config, capabilities), mapped);
    } catch (error) {
      if (options.signal?.aborted) return finish(interruptedExitCode(options.signal), 'interrupted while reading the service; nothing was changed');
      report.error = `reading users from the service failed: ${(error as Error).message}`;
      return finish(EXIT.someFailed, 'the run failed before planning; nothing was changed');
    } finally {
      report.requests = client.stats.toJSON();
    }
    report.remote = { users: remote.users.length, pages: remote.pages };

    const policy = planPolicy(config, { only: options.only, noticed: state.notices });
    const thePlan = plan(roster, remote.users, policy);
    report.skipped = thePlan.skipped;
    report.notUpdatable = thePlan.notUpdatable.filter((n) => n.isNew).map(({ key: _key, isNew: _new, ...n }) => n);
    for (const notice of report.notUpdatable) logger.warn(notice, `not updatable on this service: ${notice.field} of ${notice.userName}`);
    const unknown = unknownOnlyNames(options.only, roster, remote.users);
    if (unknown.length > 0) {
      return refuse({
        exitCode: 2,
        reason: `--only names ${unknown.join(', ')}, found neither in the roster nor on the service`,
        howToProceed: 'check the spelling (userNames are matched in any case); nothing was sent',
      });
    }
    const planRefusal = checkPlan(thePlan, remote.users, safety);
    if (planRefusal) {
      report.operations = (await new DryRunExecutor().execute(thePlan.operations)).outcomes;
      return refuse(planRefusal, thePlan);
    }

    executor = options.dryRun
      ? new DryRunExecutor()
      : new LiveExecutor(client, {
          concurrency: config.target.concurrency,
          maxConsecutiveFailures: config.sync.maxConsecutiveFailures,
          logger,
          haltRequests: (reason) => gate.close(reason),
          onOutcome: (outcome) => options.observer?.operationDone?.(outcome),
          requests: { profile, mapped, patchSupported: capabilities.patch },
          policy,
          canFilter: capabilities.filter.supported,
        });
    if (options.signal?.aborted) onAbort();
    options.observer?.executing?.(thePlan.operations.length, config.target.requestsPerMinute);
    const execution = await executor.execute(thePlan.operations);
    report.operations = execution.outcomes;
    report.stoppedBecause = execution.stoppedBecause;
    report.summary = summarise(execution.outcomes, thePlan.unchanged, thePlan.skipped.length);
    report.requests = client.stats.toJSON();
    if (!options.dryRun) saveState({ notices: thePlan.notUpdatable.map((n) => n.key) });
    return concludeExecution(execution);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    clearTimeout(graceTimer);
    await gate.dispose();
    await client.close();
  }

  function saveState(patch: Partial<RunState>): void {
    Object.assign(state, patch);
    writeRunState(config.state.dir, state);
  }

  function refuse(refusal: Refusal, refusedPlan?: Plan): RunResult {
    report.refused = { reason: refusal.reason, howToProceed: refusal.howToProceed };
    if (refusedPlan) report.summary = summarise(report.operations, refusedPlan.unchanged, refusedPlan.skipped.length);
    logger.error({ reason: refusal.reason, howToProceed: refusal.howToProceed }, 'run refused: nothing was sent');
    return finish(refusal.exitCode, `refused: ${refusal.reason}; nothing was sent`);
  }

  function concludeExecution(execution: ExecutionResult): RunResult {
    const failed = execution.outcomes.filter((o: OperationOutcome) => o.outcome !== 'succeeded' && o.outcome !== 'planned');
    if (options.signal?.aborted) {
      return finish(interruptedExitCode(options.signal), `interrupted: ${failed.length} operations not done`);
    }
    // The roster passed every check and was applied in full (a few operations may have failed
    // on their own): it is the baseline the next run's shrink check compares with. Waiting for
    // a run without any failure would let one permanently failing user freeze an old baseline.
    if (!options.dryRun && !execution.stoppedBecause) saveState({ lastSuccess: { at: startedAt.toISOString(), rosterUsers: roster.users.length } });
    // Only a run that read everything and applied every operation may stand in for later cycles.
    if (fingerprint && !options.dryRun && options.only === undefined) {
      const complete = failed.length === 0 && !execution.stoppedBecause;
      saveState({ lastFullRead: complete ? { at: startedAt.toISOString(), ...fingerprint } : undefined });
    }
    if (failed.length > 0 || execution.stoppedBecause) {
      return finish(EXIT.someFailed, `${failed.length} of ${execution.outcomes.length} operations did not succeed`);
    }
    const n = execution.outcomes.length;
    return finish(EXIT.ok, options.dryRun ? `${n} operations planned` : n === 0 ? 'nothing to do: the service matches the roster' : `all ${n} operations succeeded`);
  }
}

/**
 * The page to ask for: the largest the service advertises (`filter.maxResults`, commonly the
 * page cap too), but no more than `target.pageSize` when the admin set one (large pages can time
 * out on slow services); 100 when neither says. A service that caps lower anyway is still read
 * completely: paging goes on by what each page actually returned.
 */
export function pageSizeFor(config: Config, capabilities: ServiceCapabilities): number {
  const advertised = capabilities.filter.maxResults;
  const configured = config.target.pageSize;
  if (advertised !== undefined && configured !== undefined) return Math.min(advertised, configured);
  return advertised ?? configured ?? DEFAULT_PAGE_SIZE;
}

const DEFAULT_PAGE_SIZE = 100;

function emptyReport(config: Config, dryRun: boolean, startedAt: Date): RunReport {
  return {
    runId: randomUUID(),
    startedAt: startedAt.toISOString(),
    finishedAt: startedAt.toISOString(),
    dryRun,
    exitCode: 0,
    result: '',
    config: { file: config.file, baseUrl: config.target.baseUrl },
    summary: summarise([], 0, 0),
    requests: { total: 0, byMethod: {}, retries: 0, throttled: 0 },
    operations: [],
    skipped: [],
  };
}

/** The roster's and the settings' fingerprints, or undefined when the roster can't be read (readRoster will say why). */
async function fingerprintOf(config: Config): Promise<{ rosterSha256: string; settingsSha256: string } | undefined> {
  try {
    return { rosterSha256: await fileSha256(config.source.path), settingsSha256: settingsSha256(config) };
  } catch {
    return undefined;
  }
}

/** `--only` names that match nobody: a typo must not look like a fix that had nothing to do. */
function unknownOnlyNames(only: readonly string[] | undefined, roster: Roster, remoteUsers: readonly RemoteUser[]): string[] {
  if (only === undefined) return [];
  const known = new Set([...roster.users, ...roster.rejected, ...remoteUsers].flatMap((u) => (u.userName ? [userNameKey(u.userName)] : [])));
  return only.filter((name) => !known.has(userNameKey(name)));
}
