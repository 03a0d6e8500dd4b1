/**
 * Physical 1-based line numbers (header = line 1) for the records csv-parse emits.
 *
 * Why not just csv-parse's `info.lines`: it counts a CRLF *inside a quoted cell* as two lines
 * (only the CRLF that ends a record is merged), so in a Windows export every row after a
 * multi-line cell would be reported one line too low in the file. We therefore derive lines
 * ourselves: a record starts on the line after the previous record ended, and ends as many
 * lines later as its cells contain line breaks. csv-parse's count is only used to notice the
 * (rare) records spanning several lines, so ordinary rows cost one subtraction.
 *
 * Every record must be reported (blank lines included), otherwise the chain breaks; that is
 * why the reader does not use csv-parse's `skip_empty_lines`.
 */
export class LineTracker {
  /** csv-parse's `info.lines` when the previous record was emitted. */
  private parserLinesAtLast = 0;
  /** Physical line on which the previous record ended. */
  private lastEndLine = 0;

  /** Registers the next record; returns the physical line it starts on. */
  next(record: readonly string[], parserLines: number): number {
    const start = this.lastEndLine + 1;
    const spansLines = parserLines - this.parserLinesAtLast > 1;
    this.parserLinesAtLast = parserLines;
    this.lastEndLine = spansLines ? start + countLineBreaks(record) : start;
    return start;
  }

  /** Line on which the record being parsed (not yet emitted) starts. */
  get nextRecordLine(): number {
    return this.lastEndLine + 1;
  }

  /** Converts a line number reported by csv-parse (e.g. in a CsvError) to a physical line. */
  toPhysical(parserLine: number): number {
    return parserLine - this.parserLinesAtLast + this.lastEndLine;
  }
}

/** Line breaks inside the cells: CRLF, lone LF and lone CR each count once. */
function countLineBreaks(record: readonly string[]): number {
  let count = 0;
  for (const cell of record) {
    for (let i = 0; i < cell.length; i++) {
      const c = cell.charCodeAt(i);
      if (c === 0x0a) count++;
      else if (c === 0x0d) {
        count++;
        if (cell.charCodeAt(i + 1) === 0x0a) i++;
      }
    }
  }
  return count;
}
