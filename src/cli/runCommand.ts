import { startHealthServer } from '../daemon/healthServer.js';
import { createLogger } from '../log/createLogger.js';
import { ProgressReporter } from '../observe/progressReporter.js';
import { combineObservers } from '../observe/runObserver.js';
import { SyncMetrics } from '../observe/syncMetrics.js';
import { escapeControlChars } from '../display/escapeControlChars.js';
import { formatPlanTable, formatSummary } from '../report/formatPlanTable.js';
import { acquireRunLock, type RunLock, RunLockedError } from '../state/runLock.js';
import { runSync } from '../run/runSync.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { inFlightGraceMs } from '../run/shutdownGrace.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';
import { onStopSignals } from './stopSignals.js';

export interface RunCommandOptions {
  config: string;
  dryRun: boolean;
  report?: string;
  allowDeactivations?: number;
  only?: string[];
  /** Only warnings and errors on stderr (not the per-row rejections: they are in the report); the summary only if something went wrong. */
  quiet?: boolean;
  /** Serve /healthz, /readyz and /metrics on this port while the run goes on. */
  httpPort?: number;
  /** Print the operations table even when stdout is not a terminal (demo, dry run). */
  showTable?: boolean;
}

/** `scim-sync run`: load config, run once, print for people, return the exit code. */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  const config = loadConfigOrReport(opts.config);
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  const logger = createLogger({ level: opts.quiet ? 'warn' : config.log.level });
  let lock: RunLock;
  try {
    lock = acquireRunLock(config.state.dir, {
      staleAfterMs: config.state.lockStaleSeconds * 1000,
      onProblem: (message) => logger.error({ stateDir: config.state.dir }, message),
    });
  } catch (error) {
    if (!(error instanceof RunLockedError)) throw error;
    process.stderr.write(`scim-sync: ${escapeControlChars(error.message)}\n`);
    return exitCodeOf({ kind: 'locked' });
  }
  const abort = new AbortController();
  const offSignals = onStopSignals((signal) => {
    if (abort.signal.aborted) {
      logger.warn({ signal }, 'signal received: already stopping; the report is written when in-flight requests end');
      return;
    }
    logger.warn({ signal }, 'signal received: finishing in-flight requests, starting nothing new');
    abort.abort(signal);
  });
  const metrics = opts.httpPort === undefined ? undefined : new SyncMetrics();
  // A person at a terminal (stdout and stderr on one) reads the table and the summary; the log
  // lines that repeat the run's end are then kept out of their way (they stay in JSON logs).
  const summaryShown = !opts.quiet && process.stdout.isTTY === true && process.stderr.isTTY === true;
  const health = metrics && (await startHealthServer(config.http.host, opts.httpPort!, { ready: () => ({ ready: true }) }, metrics.registry));
  try {
    const { outcome, exitCode, report, reportPath } = await runSync(
      config,
      {
        dryRun: opts.dryRun,
        reportFile: opts.report,
        allowDeactivations: opts.allowDeactivations,
        only: opts.only,
        quiet: opts.quiet,
        summaryOnTerminal: summaryShown,
        signal: abort.signal,
        inFlightGraceMs: inFlightGraceMs(config), // the same bound as the daemon's shutdown
        observer: combineObservers(metrics, new ProgressReporter(logger, config.daemon.progressIntervalSeconds * 1000)),
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
    lock.release();
    offSignals();
  }
}
