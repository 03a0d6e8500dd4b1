import { ConfigError } from '../config/configError.js';
import { type Config, loadConfig } from '../config/loadConfig.js';
import { createLogger } from '../log/createLogger.js';
import { formatPlanTable, formatSummary } from '../report/formatPlanTable.js';
import { acquireRunLock, type RunLock, RunLockedError } from '../run/runLock.js';
import { EXIT, runSync } from '../run/runSync.js';

export interface RunCommandOptions {
  config: string;
  dryRun: boolean;
  report?: string;
  allowDeactivations?: number;
  /** Print the operations table even when stdout is not a terminal (demo, dry run). */
  showTable?: boolean;
}

/** `scim-sync run`: load config, run once, print for people, return the exit code. */
export async function runCommand(opts: RunCommandOptions): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(opts.config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`scim-sync: config error: ${error.message}\n`);
    return EXIT.unusableInput;
  }
  const logger = createLogger(config.log.level);
  let lock: RunLock;
  try {
    lock = acquireRunLock(config.state.dir);
  } catch (error) {
    if (!(error instanceof RunLockedError)) throw error;
    process.stderr.write(`scim-sync: ${error.message}\n`);
    return EXIT.locked;
  }
  const abort = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.warn({ signal }, 'signal received: finishing in-flight requests, starting nothing new');
    abort.abort(signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const { exitCode, report, reportPath } = await runSync(
      config,
      { dryRun: opts.dryRun, reportFile: opts.report, allowDeactivations: opts.allowDeactivations, signal: abort.signal },
      logger,
    );
    // People get a table; machines (cron, containers) read the JSON report and the pino line.
    if (process.stdout.isTTY || opts.dryRun || opts.showTable) process.stdout.write(formatPlanTable(report.operations));
    process.stdout.write(formatSummary(report, reportPath));
    return exitCode;
  } finally {
    lock.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
