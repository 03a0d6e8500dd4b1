import { ConfigError } from '../config/configError.js';
import { startDaemon } from '../daemon/daemon.js';
import { createLogger } from '../log/createLogger.js';
import { exitCodeOf } from '../domain/runOutcome.js';
import { STDIN_ROSTER } from '../config/loadConfig.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';
import { onStopSignals } from './stopSignals.js';

/** `scim-sync daemon`: runs on the schedule until SIGTERM/SIGINT/SIGHUP/SIGQUIT, then exits 0. */
export async function daemonCommand(opts: { config: string; quiet?: boolean }): Promise<number> {
  const config = loadConfigOrReport(opts.config);
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  if (config.source.path === STDIN_ROSTER) {
    // Standard input can be read once; a daemon reads the roster every cycle.
    process.stderr.write(
      `scim-sync: config error: ${config.file}: source.path: "-" (standard input) can't be read on every cycle; the daemon needs a file or source.url\n`,
    );
    return exitCodeOf({ kind: 'unusable-input' });
  }
  // --quiet: warnings and errors only, without one line per rejected roster row (they are in each report).
  const logger = await createLogger({ level: opts.quiet ? 'warn' : config.log.level });
  // Listening from before the daemon starts: a signal during start-up (runOnStart's run may be
  // going already) must stop it the same graceful way, not kill it.
  let stopRequested!: (signal: NodeJS.Signals) => void;
  const signalled = new Promise<NodeJS.Signals>((resolve) => (stopRequested = resolve));
  let first: NodeJS.Signals | undefined;
  const offSignals = onStopSignals((received) => {
    if (first) logger.warn({ signal: received }, 'signal received: already stopping');
    else stopRequested((first = received));
  });
  try {
    let daemon;
    try {
      daemon = await startDaemon(config, logger, { quiet: opts.quiet });
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`scim-sync: config error: ${error.message}\n`);
        return exitCodeOf({ kind: 'unusable-input' });
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') {
        process.stderr.write(`scim-sync: can't listen on ${config.http.host}:${config.http.port} (${code}); set http.port\n`);
        return exitCodeOf({ kind: 'unusable-input' });
      }
      throw error;
    }
    await daemon.stop(await signalled);
  } finally {
    offSignals();
  }
  logger.info('daemon stopped');
  return exitCodeOf({ kind: 'succeeded' });
}
