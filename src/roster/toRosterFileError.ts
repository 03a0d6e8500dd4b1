import { csvErrorToFileError } from './csvErrorToFileError.js';
import { delimiterHint, readFirstLine } from './delimiterHint.js';
import type { LineTracker } from './lineTracker.js';
import { RosterFileError } from './RosterFileError.js';
import type { RosterSource } from './RosterSource.js';

/**
 * Maps whatever stopped reading (I/O error, csv-parse error, our own checks) to a
 * RosterFileError with a message an operator can act on. Anything unexpected is returned
 * unchanged: a bug should surface as a bug, not as "your file is broken".
 *
 * `header` is the header record if it was read; without it a CSV error happened on the header
 * line itself, which with quoted cells is the typical symptom of a ';'-separated export.
 */
export async function toRosterFileError(
  error: unknown,
  source: RosterSource,
  lines: LineTracker,
  header: readonly string[] | undefined,
  fromFile = true,
): Promise<unknown> {
  const file = source.path;
  if (error instanceof RosterFileError) return error;

  const csvError = csvErrorToFileError(error, file, lines, header);
  if (csvError !== undefined) {
    // The delimiter hint reads the first line again: only a file can be read twice.
    if (header !== undefined || !fromFile) return csvError;
    const hint = delimiterHint((await readFirstLine(file)) ?? '', source.delimiter ?? ',');
    return hint === undefined ? csvError : new RosterFileError(file, csvError.line, csvError.column, `${csvError.message} — ${hint}`);
  }

  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fail = (message: string): RosterFileError => new RosterFileError(file, undefined, undefined, message);
  if (code === 'ENOENT') return fail(`roster file not found: ${file}`);
  if (code === 'EISDIR') return fail(`roster path is a directory, not a file: ${file}`);
  if (code === 'EACCES' || code === 'EPERM') return fail(`roster file is not readable (permission denied): ${file}`);
  if (code !== undefined && error instanceof Error) return fail(`cannot read roster file ${file}: ${error.message}`);
  return error;
}
