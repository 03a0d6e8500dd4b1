import { ConfigError } from '../config/configError.js';
import { type Config, type ConfigOverrides, loadConfig } from '../config/loadConfig.js';
import { escapeControlChars } from '../display/escapeControlChars.js';

/** Loads the config or prints the error (file, line, key) and returns undefined: exit code 2. */
export function loadConfigOrReport(file: string, overrides: ConfigOverrides = {}): Config | undefined {
  try {
    return loadConfig(file, process.env, overrides);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`scim-sync: config error: ${escapeControlChars(error.message)}\n`);
    return undefined;
  }
}
