import { ScimSyncError } from '../domain/scimSyncError.js';
/** The config can't be used. The message names the file, the line where known, the key and what was expected. */
export class ConfigError extends ScimSyncError {
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    readonly line: number | undefined,
    /** What is wrong, without the location. */
    readonly problem: string,
    /** The environment variable the value came from, when one overrode the file. */
    readonly variable?: string,
  ) {
    super(`${file}${line && !variable ? ` line ${line}` : ''}${key ? `: ${key}` : ''}${variable ? ` (from ${variable})` : ''}: ${problem}`);
  }
}
