import { ConfigError } from '../config/configError.js';
import { type Config, locateConfigError } from '../config/loadConfig.js';
import { validateSchedule } from '../daemon/validateSchedule.js';

/**
 * The daemon's start-up check of `daemon.schedule` and `daemon.timezone` (the same function),
 * with the error named like every other config error: file, line (or the environment variable
 * that set the value) and key. Returns the error, or undefined when both are fine.
 */
export function checkSchedule(config: Config, env: NodeJS.ProcessEnv = process.env): ConfigError | undefined {
  try {
    validateSchedule(config.file, config.daemon.schedule, config.daemon.timezone);
    return undefined;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return locateConfigError(error, env);
  }
}
