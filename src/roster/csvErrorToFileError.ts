import { CsvError } from 'csv-parse';
import type { LineTracker } from './lineTracker.js';
import { showInput } from '../display/quoteInput.js';
import { RosterFileError } from './RosterFileError.js';

/** Plain-language explanation per csv-parse error code; the operator fixes the file, not the code. */
const EXPLANATIONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'unbalanced quote: the quoted cell starting on this line is never closed (the file ends inside it)',
  CSV_INVALID_CLOSING_QUOTE: 'unbalanced quote: text follows the closing quote of a cell; inside a quoted cell write a quote as ""',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'unbalanced quote: text follows the closing quote of a cell; inside a quoted cell write a quote as ""',
  INVALID_OPENING_QUOTE: 'stray quote inside an unquoted cell; quote the whole cell and write the inner quote as ""',
  CSV_MAX_RECORD_SIZE: 'a row is too large (runaway quote or wrong delimiter?)',
};

/**
 * Turns a csv-parse error into a RosterFileError naming file, physical line and column.
 * Returns undefined for anything that is not a CsvError, so the caller can handle it otherwise.
 *
 * For an unclosed quote csv-parse reports the *last* line of the file (where it gave up); the
 * useful line is where the runaway cell started, which is where the pending record starts.
 */
export function csvErrorToFileError(error: unknown, file: string, lines: LineTracker, header: readonly string[] | undefined): RosterFileError | undefined {
  if (!(error instanceof CsvError)) return undefined;
  const line = error.code === 'CSV_QUOTE_NOT_CLOSED' ? lines.nextRecordLine : typeof error.lines === 'number' ? lines.toPhysical(error.lines) : undefined;
  const index = typeof error.column === 'number' ? error.column : undefined;
  const explanation = EXPLANATIONS[error.code] ?? `malformed CSV (${error.code}: ${showInput(error.message)})`; // csv-parse quotes the field
  return RosterFileError.at(file, line, index === undefined ? undefined : index + 1, explanation, index === undefined ? undefined : header?.[index]?.trim());
}
