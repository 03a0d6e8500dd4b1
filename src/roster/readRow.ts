import type { RejectedRow, RosterUser } from '../domain/roster.js';
import type { AttrValue } from '../domain/attributePaths.js';
import type { Interner } from './interner.js';
import { isPlausibleEmail } from './isPlausibleEmail.js';
import { cell } from './cell.js';
import { quoteInput, showInput } from '../display/quoteInput.js';
import type { ColumnIndexes } from './resolveHeader.js';
import type { RowDates } from './dateCells.js';

/**
 * Turns one data record into a RosterUser, or a RejectedRow saying everything wrong with it.
 * A bad row never stops the file: the other rows are still worth syncing, and the rejected row
 * keeps whatever identifiers it has so the planner does not deactivate that person meanwhile.
 *
 * `activeValues` holds the lower-cased values meaning "active", or is undefined when the source
 * has no status column (then everyone listed is active). Names and locale go through `names`
 * so that the millions of users of a big roster share their repeated strings.
 */
export function readRow(
  record: readonly string[],
  line: number,
  columns: ColumnIndexes,
  activeValues: ReadonlySet<string> | undefined,
  names: Interner,
  userNameIsEmail = true,
): RosterUser | RejectedRow {
  const externalId = columns.externalId(record);
  const userName = columns.userName(record);

  if (record.length !== columns.width) {
    // Fields are probably shifted (an unquoted delimiter inside a name, a cut-off line), so no
    // value is trusted for the user, but the identifiers still shield whoever they name.
    return rejected(line, `has ${plural(record.length, 'field')}, header has ${columns.width}`, externalId, userName);
  }

  const givenName = columns.givenName(record);
  const familyName = columns.familyName(record);
  let problems: string[] | undefined; // allocated only for bad rows: most rows are fine

  const nul = columnWithNul(record);
  if (nul !== -1) {
    // No SCIM value holds a NUL: it means the export is damaged here (or hostile), and a service
    // may cut the value at it or store it as is. Either way the row can't be trusted as written.
    (problems ??= []).push(`column ${nul + 1} (${showInput(columns.names[nul] ?? '')}) contains a NUL byte (\\x00); fix that cell in the export`);
  }

  if (externalId === '') (problems ??= []).push('externalId is empty');
  if (userName === '') (problems ??= []).push('userName is empty');
  else if (userNameIsEmail && !isPlausibleEmail(userName)) (problems ??= []).push(`userName ${quoteInput(userName)} is not a valid email address`);
  // The SCIM service requires a name; sending a blank one would fail (or blank the person).
  if (givenName === '') (problems ??= []).push('givenName is empty');
  if (familyName === '') (problems ??= []).push('familyName is empty');

  let active = true;
  if (activeValues !== undefined && columns.status !== undefined) {
    const status = cell(record, columns.status);
    if (status === '') {
      // An empty cell is usually an export glitch; reading it as "not active" would lock
      // the person out, so the row is rejected (which shields them) instead.
      (problems ??= []).push('status is empty');
    } else {
      // Any value not listed as active ("Terminated", "Leaver", a typo...) means inactive:
      // HR systems have open-ended status vocabularies, and the list of active ones is the
      // part the configuration owner knows for sure.
      // Most cells already read as a key ("active"): only the others are folded.
      active = activeValues.has(status) || activeValues.has(statusKey(status));
    }
  }

  const dates = columns.dates?.(record);
  if (dates?.problems) (problems ??= []).push(...dates.problems);

  if (problems !== undefined) return rejected(line, problems.join('; '), externalId, userName);
  const user =
    dates !== undefined && (dates.startDate !== undefined || dates.endDate !== undefined)
      ? withDates(readUser(record, line, columns, externalId, userName, givenName, familyName, active, names), dates, names)
      : readUser(record, line, columns, externalId, userName, givenName, familyName, active, names);
  return columns.groups === undefined ? user : withGroups(user, columns.groups(record), names);
}

/** The row's group names (groups.from), shared strings: a department is named by many rows. */
function withGroups(user: RosterUser, groups: string[], names: Interner): RosterUser {
  if (groups.length > 0) user.groups = groups.map((g) => names.intern(g));
  return user;
}

/** The accepted row as a compact RosterUser (its values already checked by readRow). */
function readUser(
  record: readonly string[],
  line: number,
  columns: ColumnIndexes,
  externalId: string,
  userName: string,
  givenName: string,
  familyName: string,
  active: boolean,
  names: Interner,
): RosterUser {
  const locale = columns.locale === undefined ? '' : columns.locale(record);
  const given = names.intern(givenName);
  const family = names.intern(familyName);
  const attributes = columns.extras.length === 0 ? undefined : readExtras(record, columns, names);
  if (attributes !== undefined) {
    const user: RosterUser = { line, externalId, userName, givenName: given, familyName: family, active, attributes };
    if (locale !== '') user.locale = names.intern(locale);
    return user;
  }
  // Two complete literals rather than adding `locale` afterwards: V8 then sizes each object
  // exactly instead of allocating an extra property store (32 bytes per user).
  return locale === ''
    ? { line, externalId, userName, givenName: given, familyName: family, active }
    : { line, externalId, userName, givenName: given, familyName: family, locale: names.intern(locale), active };
}

/** A dated row carries its dates and zone (shared strings: many rows have the same hire date and zone). */
function withDates(user: RosterUser, dates: RowDates, names: Interner): RosterUser {
  if (dates.startDate !== undefined) user.startDate = names.intern(dates.startDate);
  if (dates.endDate !== undefined) user.endDate = names.intern(dates.endDate);
  if (dates.timeZone !== undefined) user.timeZone = names.intern(dates.timeZone);
  return user;
}

/** The further mapped attributes of a row; repeated values (titles, departments) are shared. */
function readExtras(record: readonly string[], columns: ColumnIndexes, names: Interner): Record<string, AttrValue> | undefined {
  let attributes: Record<string, AttrValue> | undefined;
  for (const { path, read } of columns.extras) {
    const value = read(record);
    if (value === undefined) continue;
    (attributes ??= {})[path] = typeof value === 'string' ? names.intern(value) : value;
  }
  return attributes;
}

/** Index of the first cell holding a NUL character, or -1 (native indexOf: cheap on every row). */
function columnWithNul(record: readonly string[]): number {
  for (let index = 0; index < record.length; index++) if (record[index]!.indexOf('\0') !== -1) return index;
  return -1;
}

/**
 * True when every cell is empty: a blank line, or a spreadsheet's ",,,,," ghost row.
 * Such lines carry nobody's data, so they are skipped rather than reported as rejected rows.
 */
export function isBlankRecord(record: readonly string[]): boolean {
  for (const value of record) if (value !== '' && value.trim() !== '') return false;
  return true;
}

function rejected(line: number, reason: string, externalId: string, userName: string): RejectedRow {
  const row: RejectedRow = { line, reason };
  if (externalId !== '') row.externalId = externalId;
  if (userName !== '') row.userName = userName;
  return row;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * How status values are compared: case-insensitively and with runs of spaces folded, so an
 * export's "On  Leave" still means "on leave" rather than locking the person out.
 */
export function statusKey(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}
