import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRoster, RosterFileError, type RosterReadFacts, type RosterSource } from '../../src/roster/readRoster.js';

/** One fixture per scenario in test/fixtures/roster; all share this HR-export layout. */
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/roster/${name}`, import.meta.url));

const source = (path: string, overrides: Partial<RosterSource> = {}): RosterSource => ({
  path,
  columns: {
    externalId: 'employee_id',
    userName: 'email',
    givenName: 'first_name',
    familyName: 'last_name',
    locale: 'locale',
  },
  status: { column: 'status', active: ['Active', 'On Leave'] },
  ...overrides,
});

const read = (name: string, overrides?: Partial<RosterSource>) => readRoster(source(fixture(name), overrides));

/** The RosterFileError a fixture produces, so a test can assert file, line, column and message at once. */
async function fileError(path: string, overrides?: Partial<RosterSource>) {
  const error: unknown = await readRoster(source(path, overrides)).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RosterFileError);
  const { file, line, column, message } = error as RosterFileError;
  return { file, line, column, message };
}

describe('readRoster: files that read', () => {
  it('reads a valid export: trims cells (quoted or not), omits an empty locale, maps status to active', async () => {
    expect(await read('valid-basic.csv')).toEqual({
      file: fixture('valid-basic.csv'),
      rows: 3,
      users: [
        { line: 2, externalId: 'E001', userName: 'ada.lovelace@example.com', givenName: 'Ada', familyName: 'Lovelace', locale: 'en-GB', active: true },
        { line: 3, externalId: 'E002', userName: 'alan.turing@example.com', givenName: 'Alan', familyName: 'Turing', active: false },
        { line: 4, externalId: 'E003', userName: 'grace.hopper@example.com', givenName: 'Grace', familyName: 'Hopper', locale: 'en-US', active: true },
      ],
      rejected: [],
    });
  });

  describe('who trims the cells: read once, trimming as decoded, or again with csv-parse trimming', () => {
    const HEADER = 'employee_id,email,first_name,last_name,locale,status\n';
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'scim-sync-roster-'));
    });
    afterAll(() => rm(dir, { recursive: true, force: true }));

    /** Reads `path` with facts kept, so a test can say how many times it was read. */
    async function readCounting(path: string) {
      const facts: RosterReadFacts = { bytes: 0 };
      const roster = await readRoster(source(path), undefined, undefined, facts);
      return { roster, facts };
    }

    it('reads a file once, its padded cells trimmed as they are decoded (quoted ones by the reader, as before)', async () => {
      const path = join(dir, 'padded.csv');
      await writeFile(path, HEADER + '  E001\t, ada@example.com ,"  Ada",Lovelace ,,Active\n');
      const { roster, facts } = await readCounting(path);
      expect(roster.users).toEqual([{ line: 2, externalId: 'E001', userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', active: true }]);
      expect(facts.reads).toBe(1);
    });

    it('spaces around a quoted cell: the file is read a second time, with csv-parse trimming, and every row is as before', async () => {
      const path = join(dir, 'spaced-quotes.csv');
      await writeFile(path, HEADER + 'E001, ada@example.com ,"  Ada",Lovelace,,Active\nE002,alan@example.com, "Alan" ,"Turing, A." ,en-GB,Active\n');
      const { roster, facts } = await readCounting(path);
      expect(roster.users).toEqual([
        { line: 2, externalId: 'E001', userName: 'ada@example.com', givenName: 'Ada', familyName: 'Lovelace', active: true },
        { line: 3, externalId: 'E002', userName: 'alan@example.com', givenName: 'Alan', familyName: 'Turing, A.', locale: 'en-GB', active: true },
      ]);
      expect(roster.rejected).toEqual([]);
      expect(facts.reads).toBe(2);
      expect(facts.bytes).toBe((await readFile(path)).length);
    });

    it('a path that is a pipe (a FIFO, /dev/stdin) is read once, csv-parse trimming: a second read would find it drained', async () => {
      const fifo = join(dir, 'roster.fifo');
      execFileSync('mkfifo', [fifo]);
      const reading = readCounting(fifo);
      createWriteStream(fifo).end(HEADER + 'E002,alan@example.com, "Alan" ,Turing,,Active\n');
      const { roster, facts } = await reading;
      expect(roster.users).toEqual([{ line: 2, externalId: 'E002', userName: 'alan@example.com', givenName: 'Alan', familyName: 'Turing', active: true }]);
      expect(facts.reads).toBe(1);
    });
  });

  it('reads a Windows export with CRLF line endings (no stray \\r in the last column)', async () => {
    const roster = await read('crlf-line-endings.csv');
    expect(roster.rejected).toEqual([]);
    expect(roster.users.map(({ line, externalId, active }) => ({ line, externalId, active }))).toEqual([
      { line: 2, externalId: 'E001', active: true },
      { line: 3, externalId: 'E002', active: true },
    ]);
  });

  it('reads an Excel "CSV UTF-8" export that starts with a byte order mark (first header still matches)', async () => {
    const roster = await read('utf8-bom.csv');
    expect(roster.rejected).toEqual([]);
    expect(roster.users).toEqual([
      { line: 2, externalId: 'E001', userName: 'jose.garcia@example.com', givenName: 'José', familyName: 'García', locale: 'es-ES', active: true },
    ]);
  });

  it('keeps physical line numbers right after a quoted cell containing a newline', async () => {
    const roster = await read('multiline-cell-then-bad-row.csv');
    expect(roster.users.map(({ line, givenName }) => ({ line, givenName }))).toEqual([
      { line: 2, givenName: 'Ada\nAugusta' },
      { line: 4, givenName: 'Alan' },
    ]);
    expect(roster.rejected).toEqual([
      { line: 5, reason: 'userName "not-an-email" is not a valid email address', externalId: 'E003', userName: 'not-an-email' },
    ]);
  });

  it('keeps line numbers right after a quoted cell with CRLF inside (csv-parse alone counts those twice)', async () => {
    const roster = await read('crlf-multiline-cell-then-bad-row.csv');
    expect(roster.users.map(({ line, givenName }) => ({ line, givenName }))).toEqual([{ line: 2, givenName: 'Ada\r\nAugusta\r\nKing' }]);
    expect(roster.rejected).toEqual([{ line: 5, reason: 'familyName is empty', externalId: 'E002', userName: 'alan.turing@example.com' }]);
  });

  it('a header-only file is a roster of nobody, not an error', async () => {
    expect(await read('header-only.csv')).toEqual({ file: fixture('header-only.csv'), rows: 0, users: [], rejected: [] });
  });

  it('keeps cells starting with = + - @ verbatim (they are data; scim-sync writes no CSV)', async () => {
    const roster = await read('formula-cells.csv');
    expect(roster.rejected).toEqual([]);
    expect(roster.users.map(({ givenName, familyName }) => ({ givenName, familyName }))).toEqual([
      { givenName: '=HYPERLINK("http://evil.example","x")', familyName: '+Lovelace' },
      { givenName: '-Alan', familyName: '@Turing' },
    ]);
  });
});

describe('readRoster: status column', () => {
  it('matches active values case-insensitively after trim, with inner runs of spaces folded; any other value means inactive', async () => {
    const roster = await read('status-case-insensitive.csv');
    expect(roster.rejected).toEqual([]);
    expect(roster.users.map(({ externalId, active }) => ({ externalId, active }))).toEqual([
      { externalId: 'E001', active: true }, // ACTIVE
      { externalId: 'E002', active: true }, // " On Leave "
      { externalId: 'E003', active: true }, // on leave
      { externalId: 'E004', active: false }, // Terminated
      { externalId: 'E005', active: false }, // Sabbatical: not listed, so inactive
      { externalId: 'E006', active: true }, // "On   Leave": inner spaces folded, not a leaver
    ]);
  });

  it('rejects a row with an empty status cell instead of treating the person as a leaver', async () => {
    const roster = await read('empty-status.csv');
    expect(roster.users.map((user) => user.externalId)).toEqual(['E001']);
    expect(roster.rejected).toEqual([
      { line: 3, reason: 'status is empty', externalId: 'E002', userName: 'alan.turing@example.com' },
      { line: 4, reason: 'status is empty', externalId: 'E003', userName: 'grace.hopper@example.com' },
    ]);
  });

  it('without a status column configured, everyone listed is active', async () => {
    const roster = await read('status-case-insensitive.csv', { status: undefined });
    expect(roster.users.every((user) => user.active)).toBe(true);
    expect(roster.users).toHaveLength(6);
  });
});

describe('readRoster: rejected rows (the rest of the file is still used)', () => {
  it('rejects a row with an extra field (an unquoted comma in a name) with its line and both counts', async () => {
    const roster = await read('extra-column.csv');
    expect(roster.rows).toBe(3);
    expect(roster.users.map((user) => user.externalId)).toEqual(['E001', 'E003']);
    expect(roster.rejected).toEqual([{ line: 3, reason: 'has 7 fields, header has 6', externalId: 'E002', userName: 'alan.turing@example.com' }]);
  });

  it('rejects a row with a missing field', async () => {
    const roster = await read('missing-column.csv');
    expect(roster.users.map((user) => user.externalId)).toEqual(['E001', 'E003']);
    expect(roster.rejected).toEqual([{ line: 3, reason: 'has 5 fields, header has 6', externalId: 'E002', userName: 'alan.turing@example.com' }]);
  });

  it('rejects userNames that are not plausible email addresses, and an empty one', async () => {
    const roster = await read('invalid-email.csv');
    expect(roster.users.map((user) => user.externalId)).toEqual(['E001']);
    expect(roster.rejected).toEqual([
      { line: 3, reason: 'userName "Alan Turing" is not a valid email address', externalId: 'E002', userName: 'Alan Turing' },
      { line: 4, reason: 'userName "grace.hopper@localhost" is not a valid email address', externalId: 'E003', userName: 'grace.hopper@localhost' },
      { line: 5, reason: 'userName is empty', externalId: 'E004' },
      { line: 6, reason: 'userName "two@@example.com" is not a valid email address', externalId: 'E005', userName: 'two@@example.com' },
    ]);
  });

  it('rejects every row sharing an externalId, each naming the other line', async () => {
    const roster = await read('duplicate-external-id.csv');
    expect(roster.rows).toBe(4);
    expect(roster.users.map((user) => user.externalId)).toEqual(['E002', 'E003']);
    expect(roster.rejected).toEqual([
      { line: 2, reason: 'duplicate externalId E001 also on line 4', externalId: 'E001', userName: 'ada.lovelace@example.com' },
      { line: 4, reason: 'duplicate externalId E001 also on line 2', externalId: 'E001', userName: 'ada.byron@example.com' },
    ]);
  });

  it('rejects every row sharing a userName that differs only in case', async () => {
    const roster = await read('duplicate-email-case.csv');
    expect(roster.users.map((user) => user.externalId)).toEqual(['E002']);
    expect(roster.rejected).toEqual([
      { line: 2, reason: 'duplicate userName Ada.Lovelace@Example.com also on line 4', externalId: 'E001', userName: 'Ada.Lovelace@Example.com' },
      { line: 4, reason: 'duplicate userName ada.lovelace@example.com also on line 2', externalId: 'E003', userName: 'ada.lovelace@example.com' },
    ]);
  });
});

describe('readRoster: files that must stop the run (RosterFileError)', () => {
  it('names the line and column where an unbalanced quote opens', async () => {
    expect(await fileError(fixture('unbalanced-quote.csv'))).toEqual({
      file: fixture('unbalanced-quote.csv'),
      line: 3,
      column: 3,
      message:
        'unbalanced-quote.csv line 3, column 3 (first_name): unbalanced quote: the quoted cell starting on this line is never closed (the file ends inside it)',
    });
  });

  it('suggests source.delimiter when the header looks semicolon-separated', async () => {
    expect(await fileError(fixture('semicolon-delimiter.csv'))).toEqual({
      file: fixture('semicolon-delimiter.csv'),
      line: 1,
      column: undefined,
      message:
        'semicolon-delimiter.csv line 1: missing required headers "employee_id" (for externalId), "email" (for userName), ' +
        '"first_name" (for givenName), "last_name" (for familyName), "locale" (for locale), "status" (for status); ' +
        `headers found: "employee_id;email;first_name;last_name;locale;status" — looks like it uses ';' as delimiter; set source.delimiter`,
    });
  });

  it('reads the semicolon file once source.delimiter is set', async () => {
    const roster = await read('semicolon-delimiter.csv', { delimiter: ';' });
    expect(roster.users.map((user) => user.userName)).toEqual(['ada.lovelace@example.com']);
  });

  it('names the missing headers (and a case-only mismatch) and lists the headers found', async () => {
    expect(await fileError(fixture('missing-header.csv'))).toEqual({
      file: fixture('missing-header.csv'),
      line: 1,
      column: undefined,
      message:
        'missing-header.csv line 1: missing required headers "email" (for userName, found "Email": header names are case-sensitive), ' +
        '"last_name" (for familyName); headers found: "employee_id", "Email", "first_name", "surname", "locale", "status"',
    });
  });

  it('refuses a header that appears twice, naming both columns', async () => {
    expect(await fileError(fixture('duplicate-header.csv'))).toEqual({
      file: fixture('duplicate-header.csv'),
      line: 1,
      column: 7,
      message: 'duplicate-header.csv line 1, column 7 (email): duplicate header "email" (also column 2); rename or remove one of them',
    });
  });

  it('refuses a Latin-1 export, naming the line and the byte', async () => {
    expect(await fileError(fixture('latin1-bytes.csv'))).toEqual({
      file: fixture('latin1-bytes.csv'),
      line: 3,
      column: undefined,
      message: 'latin1-bytes.csv line 3: not valid UTF-8 (byte 0xE9) — re-export the file as UTF-8',
    });
  });

  it('refuses an empty (0-byte) file', async () => {
    expect(await fileError(fixture('empty.csv'))).toEqual({
      file: fixture('empty.csv'),
      line: undefined,
      column: undefined,
      message: 'empty.csv is empty (not even a header row)',
    });
  });

  it('refuses a file holding only whitespace as empty', async () => {
    expect(await fileError(fixture('whitespace-only.csv'))).toEqual({
      file: fixture('whitespace-only.csv'),
      line: undefined,
      column: undefined,
      message: 'whitespace-only.csv is empty (not even a header row)',
    });
  });

  it('says "not found" with the full path for a missing file', async () => {
    const missing = fixture('no-such-roster.csv');
    expect(await fileError(missing)).toEqual({
      file: missing,
      line: undefined,
      column: undefined,
      message: `roster file not found: ${missing}`,
    });
  });

  describe('UTF-16 exports (generated into a temp dir: a binary fixture is easy to corrupt)', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'scim-sync-roster-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('refuses UTF-16LE with a byte order mark, saying to export as UTF-8', async () => {
      const path = join(dir, 'roster-utf16le.csv');
      const text = 'employee_id,email,first_name,last_name,locale,status\r\nE001,ada.lovelace@example.com,Ada,Lovelace,en-GB,Active\r\n';
      await writeFile(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
      expect(await fileError(path)).toEqual({
        file: path,
        line: undefined,
        column: undefined,
        message: 'roster-utf16le.csv is UTF-16 encoded (byte order mark FF FE); export it as UTF-8',
      });
    });

    it('still recognises UTF-16 without a byte order mark by its pattern (NUL in every other byte)', async () => {
      const path = join(dir, 'roster-utf16be-nobom.csv');
      const text = 'employee_id,email,first_name,last_name,locale,status\r\nE001,ada.lovelace@example.com,Ada,Lovelace,en-GB,Active\r\n';
      await writeFile(path, Buffer.from(text, 'utf16le').swap16());
      expect((await fileError(path)).message).toBe(
        'roster-utf16be-nobom.csv is UTF-16 encoded (no byte order mark, but every other byte is NUL: UTF-16BE); export it as UTF-8',
      );
    });

    it('one NUL as the second byte is a damaged UTF-8 file, not UTF-16: the header error shows the NUL', async () => {
      const path = join(dir, 'roster-nul-second-byte.csv');
      await writeFile(path, 'e\0mployee_id,email,first_name,last_name,locale,status\nE001,ada.lovelace@example.com,Ada,Lovelace,en-GB,Active\n');
      const { line, message } = await fileError(path);
      expect(line).toBe(1);
      expect(message).toContain('missing required header "employee_id" (for externalId: did you mean "e\\x00mployee_id"?)');
      expect(message).toContain('headers found: "e\\x00mployee_id", "email"');
      expect(message).not.toContain('UTF-16');
    });
  });
});

describe('readRoster: NUL bytes and oversized input', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scim-sync-roster-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a NUL inside a cell rejects that row, naming line, column and header; the other rows are read', async () => {
    const path = join(dir, 'nul-cell.csv');
    await writeFile(
      path,
      'employee_id,email,first_name,last_name,locale,status\n' +
        'E001,ada.lovelace@example.com,Ada,Lovelace,en-GB,Active\n' +
        'E002,alan.turing@example.com,Al\0an,Turing,,Active\n' +
        'E003,grace.hopper@example.com,Grace,Hopper,,Active\n',
    );
    const roster = await readRoster(source(path));
    expect(roster.users.map((u) => u.externalId)).toEqual(['E001', 'E003']);
    expect(roster.rejected).toEqual([
      {
        line: 3,
        reason: 'column 3 (first_name) contains a NUL byte (\\x00); fix that cell in the export',
        externalId: 'E002',
        userName: 'alan.turing@example.com',
      },
    ]);
  });

  it('a header of 100,000 names: the missing-header error quotes the first 20 and counts the rest', async () => {
    const path = join(dir, 'wide-header.csv');
    const names = Array.from({ length: 100_000 }, (_, i) => `c${i}`);
    await writeFile(path, `${names.join(',')}\n`);
    const { line, message } = await fileError(path);
    expect(line).toBe(1);
    expect(message).toContain('headers found: "c0", "c1", "c2"');
    expect(message).toContain('"c19", … and 99980 more');
    expect(message.length).toBeLessThan(1000);
  });

  it('a megabyte-long value is quoted in a rejection reason with its length counted, not whole', async () => {
    const path = join(dir, 'long-cell.csv');
    const long = `x${'\u001b'.repeat(10)}${'y'.repeat(1_000_000)}`;
    await writeFile(path, `employee_id,email,first_name,last_name,locale,status\nE001,${long},Ada,Lovelace,,Active\n`);
    const [row] = (await readRoster(source(path))).rejected;
    expect(row?.reason).toBe(`userName "x${'\\x1b'.repeat(10)}${'y'.repeat(189)}…(+999811 characters)" is not a valid email address`);
  });

  it('a 100 kB duplicated header name is quoted capped and escaped', async () => {
    const path = join(dir, 'long-duplicate-header.csv');
    const long = `h\u009b${'z'.repeat(100_000)}`;
    await writeFile(path, `employee_id,email,first_name,last_name,${long},${long}\n`);
    const { message } = await fileError(path);
    expect(message).toContain(`column 6 (h\\x9b${'z'.repeat(198)}…(+99802 characters)): duplicate header "h\\x9b`);
    expect(message.length).toBeLessThan(1000);
  });
});
