/** The config can't be used. The message names the file, the line where known, the key and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly key: string | undefined,
    readonly line: number | undefined,
    problem: string,
  ) {
    super(`${file}${line ? ` line ${line}` : ''}${key ? `: ${key}` : ''}: ${problem}`);
  }
}
