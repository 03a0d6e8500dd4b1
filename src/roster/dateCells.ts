import { DateTime } from 'luxon';
import { ianaZoneProblem } from '../config/validateDates.js';
import { quoteInput } from '../display/quoteInput.js';
import { cell } from './cell.js';
import type { RosterSource } from './RosterSource.js';

/** A row's dates as the planner's lifecycle step reads them, or why the row can't be trusted. */
export interface RowDates {
  startDate?: string;
  endDate?: string;
  timeZone?: string;
  problems?: string[];
}

/** Where the date columns are in the file (resolved with the header). */
export interface DateColumns {
  startDate: number | undefined;
  endDate: number | undefined;
  /** Index of the per-row zone column, when `source.timezone` is `{ column }`. */
  timeZone: number | undefined;
}

/**
 * Reads `source.startDate`, `source.endDate` and the row's zone, or returns undefined when the
 * config maps no date column. A cell that isn't a date in `source.dateFormat`, a day that doesn't
 * exist (2026-02-30) and an unknown or missing zone are problems: the row is rejected (its account
 * is left alone), because a misread termination date would deactivate the wrong day.
 */
export function compileDateCells(source: RosterSource, columns: DateColumns, names: readonly string[]): ((record: readonly string[]) => RowDates) | undefined {
  if (columns.startDate === undefined && columns.endDate === undefined) return undefined;
  const format = source.dateFormat ?? 'yyyy-MM-dd';
  const fixedZone = typeof source.timezone === 'string' ? source.timezone : undefined;
  const label = (index: number) => `column ${index + 1} (${quoteInput(names[index] ?? '')})`;

  const readDate = (record: readonly string[], index: number | undefined, what: string, problems: string[]): string | undefined => {
    if (index === undefined) return undefined;
    const text = cell(record, index);
    if (text === '') return undefined;
    const date = DateTime.fromFormat(text, format, { zone: 'utc' });
    if (date.isValid) return date.toISODate();
    problems.push(
      date.invalidReason === 'unit out of range'
        ? `${what} ${quoteInput(text)} in ${label(index)} is not a day of the calendar (${date.invalidExplanation ?? 'out of range'})`
        : `${what} ${quoteInput(text)} in ${label(index)} is not a date in the format ${format} (source.dateFormat)`,
    );
    return undefined;
  };

  return (record) => {
    const problems: string[] = [];
    const startDate = readDate(record, columns.startDate, 'startDate', problems);
    const endDate = readDate(record, columns.endDate, 'endDate', problems);
    let timeZone = fixedZone;
    if (columns.timeZone !== undefined) {
      const text = cell(record, columns.timeZone);
      // A row without any date needs no zone: only a dated row is rejected for a missing one.
      if (text === '') {
        if (startDate !== undefined || endDate !== undefined) problems.push(`time zone in ${label(columns.timeZone)} is empty`);
      } else if (ianaZoneProblem(text) !== undefined) {
        problems.push(`time zone ${quoteInput(text)} in ${label(columns.timeZone)} is not an IANA time zone such as "America/New_York"`);
      } else timeZone = text;
    }
    const dates: RowDates = {};
    if (problems.length > 0) dates.problems = problems;
    if (startDate !== undefined) dates.startDate = startDate;
    if (endDate !== undefined) dates.endDate = endDate;
    if ((startDate !== undefined || endDate !== undefined) && timeZone !== undefined) dates.timeZone = timeZone;
    return dates;
  };
}
