import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import { Coordination, type CoordinationFacts } from '../coordination/coordination.js';
import { CoordinationUnavailableError } from '../coordination/coordinationError.js';
import { RateBudget } from '../rateLimit/rateBudget.js';
import { rateBudgetOptions } from '../run/connectToService.js';
import { createLogger } from '../log/createLogger.js';
import { ProgressReporter } from '../observe/progressReporter.js';
import { combineObservers } from '../observe/runObserver.js';
import type { SyncMetrics } from '../observe/syncMetrics.js';
import type { HealthServer } from '../daemon/healthServer.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { formatPlanTable, formatSummary } from '../report/formatPlanTable.js';
import { acquireRunLock, type RunLock, RunLockedError } from '../state/runLock.js';
import { runSync } from '../run/runSync.js';
import { applySavedPlan } from '../run/applySavedPlan.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { inFlightGraceMs } from '../run/shutdownGrace.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';
import { onStopSignals } from './stopSignals.js';

export interface RunCommandOptions {
  config: string;
  dryRun: boolean;
  report?: string;
  allowDeactivations?: number;
  /** `--allow-member-removals N`: accept up to N group membership removals this run. */
  allowMemberRemovals?: number;
  only?: string[];
  /** Only warnings and errors on stderr (not the per-row rejections: they are in the report); the summary only if something went wrong. */
  quiet?: boolean;
  /** Serve /healthz, /readyz and /metrics on this port while the run goes on. */
  httpPort?: number;
  /** Print the operations table even when stdout is not a terminal (demo, dry run). */
  showTable?: boolean;
  /** Rolling window of the rate budget; 60 s except in tests (no flag sets it). */
  rateWindowMs?: number;
  /** `--roster FILE|-`: read the roster from this file, or from standard input, instead of source.path / source.url. */
  roster?: string;
  /** `scim-sync plan --out FILE`: a dry run that saves its plan to FILE. */
  savePlanTo?: string;
  /** `scim-sync apply FILE`: send this saved plan instead of planning. */
  applyPlan?: string;
  /** Tests only (hidden `--now`): the time start and end dates are judged at. */
  now?: Date;
}

/** `scim-sync run`: load config, run once, print for people, return the exit code. */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const config = loadConfigOrReport(opts.config, { roster: opts.roster });
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  const logger = await createLogger({ level: opts.quiet ? 'warn' : config.log.level });
  const entry = await enter(config, logger, opts.rateWindowMs);
  if ('exitCode' in entry) return entry.exitCode;
  const abort = new AbortController();
  const offSignals = onStopSignals((signal) => {
    if (abort.signal.aborted) {
      logger.warn({ signal }, 'signal received: already stopping; the report is written when in-flight requests end');
      return;
    }
    logger.warn({ signal }, 'signal received: finishing in-flight requests, starting nothing new');
    abort.abort(signal);
  });
  if (opts.now) logger.warn({ now: opts.now.toISOString() }, 'start and end dates are judged at --now, not the clock (for tests only)');
  const metrics = opts.httpPort === undefined ? undefined : await startMetrics();
  // A person at a terminal (stdout and stderr on one) reads the table and the summary; the log
  // lines that repeat the run's end are then kept out of their way (they stay in JSON logs).
  const summaryShown = !opts.quiet && process.stdout.isTTY === true && process.stderr.isTTY === true;
  const health = metrics && (await serveHealth(config.http.host, opts.httpPort!, metrics));
  try {
    const common = {
      reportFile: opts.report,
      quiet: opts.quiet,
      signal: abort.signal,
      inFlightGraceMs: inFlightGraceMs(config), // the same bound as the daemon's shutdown
      observer: combineObservers(metrics, new ProgressReporter(logger, config.daemon.progressIntervalSeconds * 1000)),
      rateBudget: entry.rateBudget,
      rateWindowMs: opts.rateWindowMs,
      coordination: entry.coordination,
      now: opts.now,
      summaryOnTerminal: summaryShown,
    };
    const { outcome, exitCode, report, reportPath } =
      opts.applyPlan !== undefined
        ? await applySavedPlan(config, { ...common, planFile: opts.applyPlan }, logger)
        : await runSync(
            config,
            {
              ...common,
              dryRun: opts.dryRun,
              allowDeactivations: opts.allowDeactivations,
              allowMemberRemovals: opts.allowMemberRemovals,
              only: opts.only,
              savePlanTo: opts.savePlanTo,
            },
            logger,
          );
    if (!opts.quiet || outcome.kind !== 'succeeded') {
      // People get a table; machines (cron, containers) read the JSON report and the pino line.
      if (process.stdout.isTTY || opts.dryRun || opts.showTable) process.stdout.write(formatPlanTable(report));
      process.stdout.write(formatSummary(report, reportPath));
    }
    return exitCode;
  } finally {
    await health?.close();
    await entry.release();
    offSignals();
  }
}

interface Entered {
  release: () => Promise<void>;
  /** With coordination.redis: the budget shared with every process on the target (this run's own otherwise). */
  rateBudget?: RateBudget;
  coordination?: CoordinationFacts;
}

/**
 * Takes what keeps two runs of this job apart: the job's Redis lease with coordination.redis (so a
 * cron fix and the daemon never overlap across hosts), else the file lock in state.dir. Says why
 * not, with the exit code, when another run holds it or Redis can't be reached.
 */
async function enter(config: Config, logger: Logger, rateWindowMs?: number): Promise<Entered | { exitCode: number }> {
  const refuse = (message: string, exitCode: number) => {
    process.stderr.write(`scim-sync: ${escapeControlChars(message)}\n`);
    return { exitCode };
  };
  const coordination = await Coordination.fromConfig(config, logger);
  if (!coordination) {
    let lock: RunLock;
    try {
      lock = acquireRunLock(config.state.dir, {
        staleAfterMs: config.state.lockStaleSeconds * 1000,
        onProblem: (message) => logger.error({ stateDir: config.state.dir }, message),
      });
    } catch (error) {
      if (!(error instanceof RunLockedError)) throw error;
      return refuse(error.message, exitCodeOf({ kind: 'locked' }));
    }
    return { release: () => Promise.resolve(lock.release()) };
  }
  const shared = coordination.budget(config.target.requestsPerMinute, rateWindowMs);
  let taken;
  try {
    taken = await coordination.takeLease(shared, logger);
  } catch (error) {
    await coordination.close();
    if (!(error instanceof CoordinationUnavailableError)) throw error;
    return refuse(`run refused, nothing was sent: ${error.message}`, exitCodeOf({ kind: 'some-failed' }));
  }
  if ('heldBy' in taken) {
    await coordination.close();
    return refuse(
      `another scim-sync run of job "${coordination.job}" (${taken.heldBy}) holds the run lease in Redis (${coordination.redis.where}). Not starting a second one. It ends with that run, or coordination.leaseTtlSeconds after its holder stops renewing it.`,
      exitCodeOf({ kind: 'locked' }),
    );
  }
  const rateBudget = new RateBudget(rateBudgetOptions(config, rateWindowMs), shared);
  return {
    rateBudget,
    coordination: taken.facts,
    release: async () => {
      await taken.lease.release();
      await rateBudget.dispose();
      await coordination.close();
    },
  };
}

/** prom-client and the health server are loaded only by the runs that serve them (--http-port). */
async function startMetrics(): Promise<SyncMetrics> {
  const { SyncMetrics } = await import('../observe/syncMetrics.js');
  return new SyncMetrics();
}

async function serveHealth(host: string, port: number, metrics: SyncMetrics): Promise<HealthServer> {
  const { startHealthServer } = await import('../daemon/healthServer.js');
  return startHealthServer(host, port, { ready: () => ({ ready: true }) }, metrics.registry);
}
