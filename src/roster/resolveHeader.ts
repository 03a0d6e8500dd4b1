import { canonicalPath, type AttrValue } from '../domain/attributePaths.js';
import { compileColumn, type CompiledColumn } from './columnSpec.js';
import { compileDateCells, type RowDates } from './dateCells.js';
import { delimiterHint } from './delimiterHint.js';
import { cell } from './cell.js';
import { quoteInput, quoteList } from '../display/quoteInput.js';
import { RosterFileError } from './RosterFileError.js';
import { suggestHeader } from './suggestHeader.js';
import type { RosterSource } from './RosterSource.js';

/** Reads one configured value from a record (a trimmed cell, or a recipe's result; '' when empty). */
export type CellReader = (record: readonly string[]) => string;

/** How to read each configured column from a record, plus the expected field count. */
export interface ColumnIndexes {
  externalId: CellReader;
  userName: CellReader;
  givenName: CellReader;
  familyName: CellReader;
  locale: CellReader | undefined;
  status: number | undefined;
  /** Further mapped SCIM attributes (title, roles, …), by canonical path. */
  extras: ReadonlyArray<{ path: string; read: (record: readonly string[]) => AttrValue | undefined }>;
  /** `source.scope`'s conditions with their column's index (empty without a scope). */
  scope: readonly ScopeColumn[];
  /** Number of header cells: every data row must have exactly this many fields. */
  width: number;
  /** The header names (trimmed), by column index, for messages about a cell. */
  names: readonly string[];
  /** Start and end dates and their zone, when the config maps a date column. */
  dates: ((record: readonly string[]) => RowDates) | undefined;
  /** The group names `groups.from` yields for a record (none: an empty list), when groups are configured. */
  groups?: (record: readonly string[]) => string[];
}

/** A `source.scope` condition and where its column is. */
export interface ScopeColumn {
  column: string;
  index: number;
  /** Values the cell must be one of (`in`), or must not be one of (`notIn`: negated). */
  values: readonly string[];
  negated: boolean;
}

const IDENTITY = new Set(['externalId', 'userName', 'givenName', 'familyName', 'name.givenName', 'name.familyName', 'locale']);

/**
 * Checks the header row against the configuration. Any problem here is a file error, not a row
 * error: with a missing or ambiguous column no row can be read correctly.
 *
 * Header names are compared exactly (after trimming), as configured; when a missing name exists
 * with another case, the message says so instead of silently guessing.
 */
export function resolveHeader(cells: readonly string[], source: RosterSource, file: string, line: number): ColumnIndexes {
  const names = cells.map((cell) => cell.trim());

  const firstIndex = new Map<string, number>();
  for (const [index, name] of names.entries()) {
    if (name === '') continue; // unnamed (e.g. trailing-comma) columns are unused, not ambiguous
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) {
      throw RosterFileError.at(file, line, index + 1, `duplicate header ${quoteInput(name)} (also column ${earlier + 1}); rename or remove one of them`, name);
    }
    firstIndex.set(name, index);
  }

  const compiled = Object.entries(source.columns).map(([attribute, spec]) => ({ attribute, column: compileColumn(spec) }));
  const wanted: Array<[attribute: string, header: string]> = compiled.flatMap(({ attribute, column }) =>
    column.headers.map((header): [string, string] => [attribute, header]),
  );
  if (source.status !== undefined) wanted.push(['status', source.status.column]);
  for (const condition of source.scope ?? []) wanted.push(['source.scope', condition.column]);
  if (source.startDate !== undefined) wanted.push(['startDate', source.startDate.column]);
  if (source.endDate !== undefined) wanted.push(['endDate', source.endDate.column]);
  const zoneColumn = typeof source.timezone === 'object' ? source.timezone.column : undefined;
  if (zoneColumn !== undefined) wanted.push(['timezone', zoneColumn]);
  const groupRecipes = (source.groups ?? []).map((spec) => compileColumn(spec));
  groupRecipes.forEach((recipe, i) => recipe.headers.forEach((header) => wanted.push([`groups.from.${i}`, header])));

  const missing = wanted.filter(([, header]) => !firstIndex.has(header));
  if (missing.length > 0) {
    const described = missing.map(([attribute, header]) => {
      const keyPath = attribute === 'status' ? 'source.status.column' : attribute.startsWith('groups.') ? attribute : `source.columns.${attribute}`;
      const otherCase = names.find((name) => name.toLowerCase() === header.toLowerCase());
      const hint = otherCase
        ? `, found ${quoteInput(otherCase)}: header names are case-sensitive`
        : ((h) => (h ? `: ${h}` : ''))(suggestHeader(header, names, attribute === 'status' ? 'column' : attribute));
      const line = source.configuredAt?.keyLines[keyPath];
      const where = source.configuredAt && line !== undefined ? `; ${keyPath} in ${source.configuredAt.file} line ${line}` : '';
      return `${quoteInput(header)} (for ${attribute}${hint}${where})`;
    });
    let detail = `missing required header${missing.length > 1 ? 's' : ''} ${described.join(', ')}; ` + `headers found: ${quoteList(names)}`;
    const hint = names.length === 1 ? delimiterHint(names[0] ?? '', source.delimiter ?? ',') : undefined;
    if (hint) detail += ` — ${hint}`;
    throw RosterFileError.at(file, line, undefined, detail);
  }

  const at = (header: string | undefined): number | undefined => (header === undefined ? undefined : firstIndex.get(header));
  /** A plain header reads its cell directly (the fast path for millions of rows); a recipe runs. */
  const reader = (spec: RosterSource['columns'][string] | undefined): CellReader | undefined => {
    if (spec === undefined) return undefined;
    if (typeof spec === 'string') {
      const index = at(spec)!;
      return (record) => cell(record, index);
    }
    const column = compileColumn(spec);
    return (record) => {
      const value = column.valueOf((header) => cell(record, at(header)!));
      return value === undefined ? '' : Array.isArray(value) ? value.join(';') : String(value);
    };
  };
  return {
    externalId: reader(source.columns.externalId)!,
    userName: reader(source.columns.userName)!,
    givenName: reader(source.columns.givenName)!,
    familyName: reader(source.columns.familyName)!,
    locale: reader(source.columns.locale),
    status: at(source.status?.column),
    extras: compiled
      .filter(({ attribute }) => !IDENTITY.has(attribute))
      .map(({ attribute, column }) => ({ path: canonicalPath(attribute), read: (record) => column.valueOf((header) => cell(record, at(header)!)) })),
    scope: (source.scope ?? []).map((c) => ({
      column: c.column,
      index: at(c.column)!,
      values: c.in ?? c.notIn ?? [],
      negated: c.in === undefined,
    })),
    width: names.length,
    names,
    dates: compileDateCells(source, { startDate: at(source.startDate?.column), endDate: at(source.endDate?.column), timeZone: at(zoneColumn) }, names),
    ...(groupRecipes.length > 0 && { groups: groupNamesReader(groupRecipes, at) }),
  };
}

/**
 * The group names of a record: every recipe's value (a split column gives several, an empty cell
 * or placeholder none), trimmed, each name once, in config order.
 */
function groupNamesReader(recipes: readonly CompiledColumn[], at: (header: string) => number | undefined): (record: readonly string[]) => string[] {
  return (record) => {
    const names: string[] = [];
    for (const recipe of recipes) {
      const value = recipe.valueOf((header) => cell(record, at(header)!));
      const list: readonly string[] = typeof value === 'string' ? [value] : typeof value === 'object' ? value : [];
      for (const name of list) {
        const trimmed = name.trim();
        if (trimmed !== '' && !names.includes(trimmed)) names.push(trimmed);
      }
    }
    return names;
  };
}
