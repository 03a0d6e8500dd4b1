import cron, { type ScheduledTask, type TaskContext } from 'node-cron';
import type { Logger } from 'pino';
import type { Config } from '../config/loadConfig.js';
import { Coordination, type CoordinationFacts } from '../coordination/coordination.js';
import { CoordinationUnavailableError } from '../coordination/coordinationError.js';
import { RateBudget } from '../rateLimit/rateBudget.js';
import { ProgressReporter } from '../observe/progressReporter.js';
import { combineObservers } from '../observe/runObserver.js';
import { SyncMetrics } from '../observe/syncMetrics.js';
import type { RunReport } from '../report/runReport.js';
import type { ServiceCapabilities } from '../scim/serviceProviderConfig.js';
import { rateBudgetOptions } from '../run/connectToService.js';
import { acquireRunLock, RunLockedError } from '../state/runLock.js';
import { runSync } from '../run/runSync.js';
import { inFlightGraceMs } from '../run/shutdownGrace.js';
import { type HealthServer, startHealthServer } from './healthServer.js';
import { budgetWarning, frequencyWarning, shortestGapMs } from './scheduleWarnings.js';

export interface Daemon {
  health: HealthServer;
  metrics: SyncMetrics;
  /** Stop scheduling, let the current run finish its in-flight requests (bounded), close the endpoint. */
  stop(signal: NodeJS.Signals): Promise<void>;
}

export interface DaemonOptions {
  /** Rolling window of the rate gate; 60 s except in tests. */
  rateWindowMs?: number;
  /** `--quiet`: see RunOptions.quiet. */
  quiet?: boolean;
}

/**
 * `scim-sync daemon`: runs the same one-shot reconciliation on a node-cron schedule. Never two
 * at once: node-cron's `noOverlap` skips a tick while a run is going (counted and logged), and
 * the run lock keeps a cron-started one-shot on the same state dir from overlapping too.
 *
 * The rate budget (rolling window, 429 pause) is created once here and shared by every run: the
 * service counts the process's requests, not one run's. /readyz turns 503 when the daemon can't
 * do its job although nothing failed: daemon.maxSkippedTicks ticks in a row skipped because
 * another process holds the run lock, or a run going for longer than daemon.maxRunMinutes.
 *
 * With coordination.redis the budget is shared with every process on the target, and the run lock
 * is a Redis lease instead of the file: replicas claim each tick (the first claim runs it, the
 * others log who took it), and the claimant runs under the job's lease. Redis unreachable: the
 * tick is refused (nothing sent), counted, and /readyz says so until a tick reaches Redis again.
 */
export async function startDaemon(config: Config, logger: Logger, options: DaemonOptions = {}): Promise<Daemon> {
  const { schedule, timezone } = config.daemon; // checked when the config was loaded

  const metrics = new SyncMetrics();
  const coordination = await Coordination.fromConfig(config, logger);
  const shared = coordination?.budget(config.target.requestsPerMinute, options.rateWindowMs);
  const budget = new RateBudget(rateBudgetOptions(config, options.rateWindowMs), shared);
  // Why the last tick was refused because Redis was unreachable; cleared by the next tick that reached it.
  let redisDown: string | undefined;
  // Ticks skipped in a row because another process holds the lock, and what it said.
  let lockedOut: { ticks: number; why: string } = { ticks: 0, why: '' };
  let runningSince: number | undefined;
  const progress = new ProgressReporter(logger, config.daemon.progressIntervalSeconds * 1000);
  let lastReport: RunReport | undefined;
  // A run that threw (disk full, report dir unwritable) wrote no report: it must still show.
  let lastCrash: string | undefined;
  const health = await startHealthServer(
    config.http.host,
    config.http.port,
    {
      ready: () => {
        const runMinutes = runningSince === undefined ? 0 : (Date.now() - runningSince) / 60_000;
        if (runMinutes > config.daemon.maxRunMinutes) {
          return {
            ready: false,
            reason: `a run has been going for ${Math.floor(runMinutes)} min, longer than daemon.maxRunMinutes (${config.daemon.maxRunMinutes}); it may be stuck: check the log and the service, and restart the daemon if it does not end`,
          };
        }
        if (lockedOut.ticks >= config.daemon.maxSkippedTicks) {
          return {
            ready: false,
            reason: `the last ${lockedOut.ticks} scheduled runs were skipped (daemon.maxSkippedTicks ${config.daemon.maxSkippedTicks}): ${lockedOut.why}`,
          };
        }
        if (redisDown !== undefined) return { ready: false, reason: `the last scheduled run was refused: ${redisDown}` };
        return lastCrash !== undefined ? { ready: false, reason: `last run crashed: ${lastCrash}` } : readiness(lastReport);
      },
    },
    metrics.registry,
  );

  let current: { abort: AbortController; done: Promise<void> } | undefined;
  // What /ServiceProviderConfig said, kept between runs (it doesn't change between ticks);
  // dropped after a failed run so the next one asks again.
  let capabilities: ServiceCapabilities | undefined;
  // Set from the tick's start (before any await), so a tick can't slip in while one is entering.
  let entering = false;
  const runOnce = async (tick?: TaskContext): Promise<void> => {
    if (current || entering) {
      skipTick('the previous run is still going');
      return;
    }
    entering = true;
    let entry: { release: () => Promise<void> | void; coordination?: CoordinationFacts } | undefined;
    try {
      entry = coordination ? await enterCoordinated(coordination, tick) : enterLocked();
    } finally {
      entering = false;
    }
    if (!entry) return;
    lockedOut = { ticks: 0, why: '' };
    runningSince = Date.now();
    const abort = new AbortController();
    const done = runSync(
      config,
      {
        dryRun: false,
        byDaemon: true,
        quiet: options.quiet,
        signal: abort.signal,
        inFlightGraceMs: inFlightGraceMs(config),
        rateBudget: budget,
        observer: combineObservers(metrics, progress),
        capabilities,
        coordination: entry.coordination,
      },
      logger,
    )
      .then((result) => {
        lastReport = result.report;
        lastCrash = undefined;
        // Reused by the next run only after a run that went well: a failure may mean the service changed.
        capabilities = result.outcome.kind === 'succeeded' ? result.capabilities : undefined;
        warnIfBudgetTooSmall(result.report);
      })
      .catch((error: unknown) => {
        lastCrash = (error as Error).message ?? String(error);
        progress.stop();
        metrics.runCrashed();
        logger.error({ err: error }, 'run crashed');
      })
      .finally(async () => {
        await entry.release();
        current = undefined;
        runningSince = undefined;
      });
    current = { abort, done };
    await done;
  };
  /** Redis-less: the file lock in state.dir. Undefined (tick skipped) while another process holds it. */
  const enterLocked = () => {
    try {
      const lock = acquireRunLock(config.state.dir, {
        staleAfterMs: config.state.lockStaleSeconds * 1000,
        onProblem: (message) => logger.error({ stateDir: config.state.dir }, message),
      });
      return { release: () => lock.release() };
    } catch (error) {
      if (!(error instanceof RunLockedError)) throw error;
      lockedOut = { ticks: lockedOut.ticks + 1, why: error.message };
      skipTick(error.message);
      return undefined;
    }
  };
  /** coordination.redis: claim the tick, then take the job's lease. Undefined when this replica doesn't run it. */
  const enterCoordinated = async (coordination: Coordination, tick: TaskContext | undefined) => {
    try {
      // The scheduled second names the tick alike on every replica (a run on start has its own).
      const tickId = String(Math.floor((tick?.date ?? new Date()).getTime() / 1000));
      const holder = await coordination.lease.claimTick(tickId);
      redisDown = undefined;
      if (holder !== undefined) {
        metrics.ticksTakenElsewhere.inc();
        logger.info({ tick: tickId, instance: holder }, `tick taken by ${holder}`);
        return undefined;
      }
      const taken = await coordination.takeLease(shared!, logger);
      if ('heldBy' in taken) {
        const why = `the run lease of job "${coordination.job}" is held by ${taken.heldBy} (a run of this job is going there); it expires coordination.leaseTtlSeconds after its holder stops renewing it`;
        lockedOut = { ticks: lockedOut.ticks + 1, why };
        skipTick(why);
        return undefined;
      }
      logger.info({ tick: tickId, instance: coordination.instance, fencingToken: taken.facts.fencingToken }, 'tick claimed: this replica runs it');
      return { release: () => taken.lease.release(), coordination: taken.facts };
    } catch (error) {
      if (!(error instanceof CoordinationUnavailableError)) throw error;
      redisDown = error.message;
      metrics.coordinationUnavailable.inc();
      logger.error({ redis: coordination.redis.where }, `scheduled run refused: ${error.message}`);
      return undefined;
    }
  };
  const skipTick = (why: string) => {
    metrics.skippedTicks.inc();
    logger.warn({ why }, 'scheduled run skipped');
  };
  // Said once, after the first run that read every page: only then is the size of a full read known.
  const gapMs = shortestGapMs(schedule, timezone);
  let budgetChecked = false;
  const warnIfBudgetTooSmall = (report: RunReport) => {
    if (budgetChecked || !report.remote) return;
    budgetChecked = true;
    const warning = budgetWarning(schedule, gapMs, report.remote.pages, config.target.requestsPerMinute);
    if (warning) logger.warn({ schedule, pages: report.remote.pages }, warning);
  };

  cron.setLogger({
    info: (m) => logger.debug({ cron: true }, m),
    // node-cron says "blocked by overlap prevention" for a tick skipped while our run goes on;
    // skipTick logs (and counts) that tick already, so node-cron's own line is only for debugging.
    warn: (m) => (String(m).includes('overlap') ? logger.debug({ cron: true }, String(m)) : logger.warn({ cron: true }, m)),
    error: (m) => logger.error({ cron: true }, String(m)),
    debug: (m) => logger.debug({ cron: true }, String(m)),
  });
  const task: ScheduledTask = cron.schedule(schedule, runOnce, { timezone, noOverlap: true, name: 'scim-sync' });
  task.on('execution:overlap', () => skipTick('the previous run is still going'));
  logger.info({ schedule, timezone, next: task.getNextRun()?.toISOString(), endpoint: health.url }, 'daemon started');
  const tooOften = frequencyWarning(schedule, gapMs);
  if (tooOften) logger.warn({ schedule }, tooOften);
  if (config.daemon.runOnStart) void task.execute();

  return {
    health,
    metrics,
    async stop(signal) {
      logger.warn({ signal }, 'stopping: no more scheduled runs; the current one finishes its in-flight requests');
      await task.stop();
      await task.destroy();
      const running = current;
      if (running) {
        running.abort.abort(signal);
        const grace = config.daemon.shutdownGraceSeconds * 1000;
        const timedOut = await Promise.race([running.done.then(() => false), sleep(grace).then(() => true)]);
        if (timedOut) logger.error({ graceSeconds: config.daemon.shutdownGraceSeconds }, 'the run did not finish within the grace period');
      }
      await budget.dispose();
      await coordination?.close();
      await health.close();
    },
  };
}

function readiness(last: RunReport | undefined): { ready: boolean; reason?: string } {
  if (!last) return { ready: true };
  // A refusal sends nothing until someone checks the plan: that needs attention as much as a failure.
  if (last.outcome === 'refused' && last.refused)
    return { ready: false, reason: `last run was refused for safety, nothing was sent: ${last.refused.reason}; next: ${last.refused.howToProceed}` };
  if (last.outcome === 'unusable-input') return { ready: false, reason: `last run: ${last.error ?? last.refused?.reason ?? 'unusable input'}` };
  if (last.error) return { ready: false, reason: `last run: ${last.error}` };
  if (last.stoppedBecause?.kind === 'run-fatal')
    return { ready: false, reason: `last run stopped: ${last.stoppedBecause.detail ?? last.stoppedBecause.reason}` };
  return { ready: true };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
