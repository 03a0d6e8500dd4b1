import { exitCodeOf } from '../domain/runOutcome.js';
import { formatHistory } from '../report/formatHistory.js';
import { readHistory } from '../report/readHistory.js';
import { loadConfigOrReport } from './loadConfigOrExit.js';

/** `scim-sync history`: the past runs in report.dir, newest first. Reads files only; sends nothing. */
export function historyCommand(opts: { config: string; last: number }): number {
  const config = loadConfigOrReport(opts.config);
  if (!config) return exitCodeOf({ kind: 'unusable-input' });
  process.stdout.write(formatHistory(readHistory(config.report.dir, opts.last), config.report.dir));
  return exitCodeOf({ kind: 'succeeded' });
}
