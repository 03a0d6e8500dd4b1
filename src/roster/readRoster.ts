import type { Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { CsvError } from 'csv-parse';
import { pipeline } from 'node:stream/promises';
import type { OutOfScopeRow, RejectedRow, Roster, RosterUser } from '../domain/roster.js';
import { ByteGuard } from './byteGuard.js';
import { Interner } from './interner.js';
import { LineTracker } from './lineTracker.js';
import { isBlankRecord, readRow, statusKey } from './readRow.js';
import { RecordTap, type CellTrimming } from './recordTap.js';
import { rejectDuplicates } from './rejectDuplicates.js';
import { resolveHeader, type ColumnIndexes } from './resolveHeader.js';
import { RosterFileError } from './RosterFileError.js';
import type { RosterSource } from './RosterSource.js';
import { compileScope, type ScopeVerdict } from './rowScope.js';
import { toRosterFileError } from './toRosterFileError.js';
import { Utf8Guard } from './utf8Guard.js';

export { RosterFileError, STANDARD_INPUT } from './RosterFileError.js';
export type { RosterSource } from './RosterSource.js';

/**
 * Larger than fs's 64 KiB default (fewer thread-pool round trips while the parser waits), small
 * enough that chunks awaiting GC don't show in RSS (1 MiB chunks: +50 MB peak on 160 MB).
 */
const READ_CHUNK_BYTES = 256 * 1024;

/**
 * Reads the HR roster CSV into accepted users and rejected rows.
 *
 * Throws RosterFileError when the file as a whole is unusable (missing, not UTF-8, malformed
 * CSV, bad header): nothing may be synced from a file we only half understood. A bad *row* is
 * only rejected, and the rest of the file is used.
 *
 * Streams the file (fs stream -> UTF-8 guard -> csv-parse) and keeps only the compact user
 * objects, so a roster of hundreds of MB never exists as one string. Rows are handled as csv-parse
 * completes them (see RecordTap), synchronously and in file order: nothing is queued in an
 * object-mode stream, and a header error stops parsing before any later line is looked at.
 */
/** Where the bytes come from when not from the file at `source.path` (a download, standard input). */
export interface RosterBytes {
  /** The bytes; errors it throws should be RosterFileErrors saying what went wrong with the transfer. */
  stream: AsyncIterable<Uint8Array>;
  /** Announced length (Content-Length): fewer bytes means the transfer was cut short. */
  expectedBytes?: number;
}

/** What a read saw besides the rows: the bytes, for `validate` and the fingerprint. */
export interface RosterReadFacts {
  bytes: number;
  /** Times the bytes were read: 2 when the first read met a CSV error, such as spaces around a quoted cell (see readRoster). */
  reads?: number;
}

/** readOnce's answer when the file must be read again with csv-parse trimming the cells. */
const TRIM_BY_CSV_PARSE = Symbol('read again, csv-parse trimming');

export async function readRoster(source: RosterSource, from?: RosterBytes, hash?: Hash, facts?: RosterReadFacts): Promise<Roster> {
  // A file is first read with its cells trimmed as they are decoded, which spares csv-parse its
  // own trimming (see CellTrimming). Spaces around a quoted cell (`a, "b" ,c`) then make a CSV
  // error, and any CSV error means: read the file again with csv-parse trimming, whose result
  // (or error) is the answer. Both give the same rows for every file the first can read (only a
  // last line of nothing but spaces gives the first a blank record more, and blank records are
  // skipped: test/roster/recordTap.test.ts). Only a regular file can be read twice: downloaded or
  // piped bytes, and a path that is a pipe (/dev/stdin, a FIFO), are trimmed by csv-parse.
  // (A hash is only ever asked of bytes read once: the first read would leave it incomplete.)
  if (facts) facts.reads = 0;
  if (from === undefined && hash === undefined && (await isRegularFile(source.path))) {
    const roster = await readOnce(source, undefined, undefined, facts, 'in-place');
    if (roster !== TRIM_BY_CSV_PARSE) return roster;
  }
  return (await readOnce(source, from, hash, facts, 'csv-parse')) as Roster;
}

async function readOnce(
  source: RosterSource,
  from: RosterBytes | undefined,
  hash: Hash | undefined,
  facts: RosterReadFacts | undefined,
  trimming: CellTrimming,
): Promise<Roster | typeof TRIM_BY_CSV_PARSE> {
  const file = source.path;
  const delimiter = source.delimiter ?? ',';
  const activeValues = source.status ? new Set(source.status.active.map(statusKey)) : undefined;

  const lines = new LineTracker();
  const names = new Interner();
  const users: RosterUser[] = [];
  const rejected: RejectedRow[] = [];
  // Rejected rows whose fields line up with the header: they take part in duplicate detection.
  // Rows with a wrong field count don't: their cells may be shifted, and a shifted value must
  // not make an innocent row look like a duplicate (they still shield their identifiers).
  const comparable: RejectedRow[] = [];
  const outOfScope: OutOfScopeRow[] = [];
  let header: readonly string[] | undefined;
  let columns: ColumnIndexes | undefined;
  let inScope: ((record: readonly string[]) => ScopeVerdict) | undefined;
  let rows = 0;

  const onRecord = (record: string[], parserLines: number): void => {
    const line = lines.next(record, parserLines);
    if (isBlankRecord(record)) return;
    if (columns === undefined) {
      columns = resolveHeader(record, source, file, line);
      inScope = compileScope(columns.scope);
      header = record;
      return;
    }
    rows++;
    // source.scope first: a row out of scope is somebody else's, so its other cells are not ours
    // to judge either. A row whose fields are shifted can't be placed and is rejected below.
    const scope = inScope && record.length === columns.width ? inScope(record) : undefined;
    if (scope?.kind === 'out') {
      outOfScope.push(identifiers(line, columns.externalId(record), columns.userName(record)));
      return;
    }
    const outcome =
      scope?.kind === 'empty'
        ? { ...identifiers(line, columns.externalId(record), columns.userName(record)), reason: `${scope.column} is empty (a source.scope column)` }
        : readRow(record, line, columns, activeValues, names, source.userNameIsEmail ?? true);
    if (!('reason' in outcome)) users.push(outcome);
    else {
      rejected.push(outcome);
      if (record.length === columns.width) comparable.push(outcome);
    }
  };

  const guard = new ByteGuard({ label: file, maxBytes: source.maxBytes ?? Number.MAX_SAFE_INTEGER, expectedBytes: from?.expectedBytes, hash });
  const parser = new RecordTap(
    {
      bom: true,
      delimiter,
      // Rows with a wrong number of fields are *rejected rows* (readRow compares the count with
      // the header); without this csv-parse would abort the whole file on the first such row.
      relax_column_count: true,
    },
    onRecord,
    trimming, // cells are always trimmed: by csv-parse, or as they are decoded
  );
  if (trimming === 'in-place' && !parser.trimsInPlace) return TRIM_BY_CSV_PARSE; // csv-parse changed: nothing read yet

  if (facts) facts.reads = (facts.reads ?? 0) + 1;
  try {
    const input = from?.stream ?? createReadStream(file, { highWaterMark: READ_CHUNK_BYTES });
    await pipeline(input, guard, new Utf8Guard(file), parser, async (records: AsyncIterable<unknown>) => {
      for await (const _ of records); // lets the stream end: RecordTap hands records over itself
    });
  } catch (error) {
    if (trimming === 'in-place' && error instanceof CsvError) return TRIM_BY_CSV_PARSE;
    throw await toRosterFileError(error, source, lines, header, from === undefined);
  } finally {
    if (facts) facts.bytes = guard.bytes;
  }

  if (columns === undefined) {
    const empty = RosterFileError.at(file, undefined, undefined, 'is empty (not even a header row)');
    empty.empty = true;
    throw empty;
  }
  return { file, rows, ...rejectDuplicates(users, rejected, comparable), ...(source.scope && { outOfScope }) };
}

/** Whether the path names a regular file (one that reads the same twice); anything else, errors included, is read once. */
async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false; // the one read says what is wrong with the path
  }
}

/** The identifiers of a row that isn't read further (out of scope, or rejected for its scope cell). */
function identifiers(line: number, externalId: string, userName: string): OutOfScopeRow {
  return { line, ...(externalId !== '' && { externalId }), ...(userName !== '' && { userName }) };
}
