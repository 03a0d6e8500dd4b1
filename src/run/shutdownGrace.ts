import type { Config } from '../config/loadConfig.js';

/**
 * Requests still in flight are abandoned a second before the grace period ends, so the run can
 * still write its report and the process exit 0 before Docker's SIGKILL.
 */
export function inFlightGraceMs(config: Config): number {
  return Math.max(0, config.daemon.shutdownGraceSeconds * 1000 - 1000);
}
