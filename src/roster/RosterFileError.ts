import { basename } from 'node:path';
import { ScimSyncError } from '../domain/scimSyncError.js';
import { showInput } from '../display/quoteInput.js';

/** How messages and the report name a roster read from standard input (`--roster -`). */
export const STANDARD_INPUT = 'standard input';

/**
 * The whole roster file is unusable (unreadable, wrong encoding, malformed CSV, bad header).
 * The run must stop before sending anything (CLI exit code 2): acting on half a roster could
 * deactivate everyone who sits after the broken line.
 */
export class RosterFileError extends ScimSyncError {
  /**
   * The file has no content at all. Not malformed, but an export that came out empty: applying
   * it would deactivate everyone, so the run treats it as a safety refusal (exit 3), like a
   * header-only file.
   */
  empty = false;

  constructor(
    /** Path of the roster file, as configured. */
    readonly file: string,
    /** 1-based physical line (header = 1), when the problem has one. */
    readonly line: number | undefined,
    /** 1-based column (field index), when known. */
    readonly column: number | undefined,
    message: string,
  ) {
    super(message);
  }

  /**
   * Builds the error with a message that starts with where the problem is, e.g.
   * `roster.csv line 7, column 3 (email): unbalanced quote ...`, so an operator can open the
   * file and go there; without a line it reads as a sentence: `roster.csv is empty ...`.
   * The base name keeps messages short; the full path stays available in `file`.
   */
  static at(file: string, line: number | undefined, column: number | undefined, detail: string, header?: string): RosterFileError {
    // A URL (already without credentials) or "standard input" is shown whole; a path by its base name.
    const name = /^[a-z][a-z0-9+.-]*:\/\//i.test(file) || file === STANDARD_INPUT ? file : basename(file);
    if (line === undefined) return new RosterFileError(file, line, column, `${name} ${detail}`);
    const where = column === undefined ? '' : `, column ${column}${header ? ` (${showInput(header)})` : ''}`;
    return new RosterFileError(file, line, column, `${name} line ${line}${where}: ${detail}`);
  }
}
