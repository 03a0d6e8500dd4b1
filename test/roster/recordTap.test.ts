import { parse, type Options } from 'csv-parse';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { RecordTap, trimLikeCsvParse, type CellTrimming } from '../../src/roster/recordTap.js';

const OPTIONS = { bom: true, delimiter: ',', relax_column_count: true } satisfies Options;

/** Records as csv-parse itself gives them with its own trimming (the roster reader's reference), the chunks fed one by one. */
async function plainRecords(chunks: Buffer[], options: Options = OPTIONS): Promise<string[][]> {
  const records: string[][] = [];
  for await (const record of Readable.from(chunks).pipe(parse({ ...options, trim: true }))) records.push(record as string[]);
  return records;
}

/** Records as the roster reader's RecordTap hands them over, with csv-parse's line count. */
async function tapRecords(
  chunks: Buffer[],
  trimming: CellTrimming = 'csv-parse',
  options: Options = OPTIONS,
): Promise<{ records: string[][]; lines: number[]; inPlace: boolean; trimsInPlace: boolean; decodedInPlace: number }> {
  const records: string[][] = [];
  const lines: number[] = [];
  const tap = new RecordTap(
    options,
    (record, parserLines) => {
      records.push(record);
      lines.push(parserLines);
    },
    trimming,
  );
  // Counts the fields the shortcut decoded: it must be what csv-parse actually calls.
  const field = (tap as unknown as { state: { field: { toString: (encoding?: string) => unknown } } }).state.field;
  const shortcut = field.toString;
  let decodedInPlace = 0;
  field.toString = function (this: unknown, encoding?: string) {
    if (encoding) decodedInPlace++;
    return shortcut.call(this, encoding);
  };
  await pipeline(Readable.from(chunks), tap, async (out: AsyncIterable<unknown>) => {
    for await (const _ of out);
  });
  return { records, lines, inPlace: tap.decodesInPlace, trimsInPlace: tap.trimsInPlace, decodedInPlace };
}

/** The text cut into chunks of `size` bytes: characters of several bytes end up split across chunks. */
function chunked(text: string | Buffer, size: number): Buffer[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
}

/** RecordTap gives `expected` for the text cut in chunks of 1 to 100,000 bytes, every field decoded (and trimmed) by the shortcut. */
async function expectEveryChunking(text: string, trimming: CellTrimming, expected: string[][]): Promise<void> {
  for (const size of [1, 2, 3, 5, 7, 64, 100_000]) {
    const { records, inPlace, trimsInPlace, decodedInPlace } = await tapRecords(chunked(text, size), trimming);
    expect(inPlace, 'the csv-parse this was written for (state.field.buf/.length): upgraded? see decodeFieldsInPlace').toBe(true);
    if (trimming === 'in-place') expect(trimsInPlace, 'the csv-parse this was written for (state.wasQuoting): upgraded? see decodeFieldsInPlace').toBe(true);
    expect(records, `chunks of ${size} bytes`).toEqual(expected);
    expect(decodedInPlace, 'every field went through the shortcut').toBe(records.flat().length);
  }
}

describe('RecordTap (csv-parse handing each record to the roster reader)', () => {
  const roster =
    '\uFEFFemployee_id,email,first_name,last_name,status\r\n' +
    'E1,jose@example.com,José,Müller-Lüdenscheidt,active\r\n' +
    'E2, "quoted, with comma" ,"multi\r\nline",Ødegård,on leave\r\n' +
    'E3,,,😀 emoji,\r\n' +
    '\r\n' +
    'E4,a@b.co,"say ""hi""",Åström,Terminated\r\n';

  it('decodes every field straight from its buffer, and gives exactly the records csv-parse itself gives, however the bytes are chunked', async () => {
    const expected = await plainRecords([Buffer.from(roster, 'utf8')]);
    expect(expected).toHaveLength(6);
    await expectEveryChunking(roster, 'csv-parse', expected);
  });

  it('turns invalid UTF-8 into U+FFFD as csv-parse does (the roster reader refuses such files before, this only must not differ)', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\nJos'), Buffer.from([0xe9, 0xff]), Buffer.from(',x\n')]);
    const { records } = await tapRecords(chunked(bytes, 4));
    expect(records).toEqual(await plainRecords([bytes]));
    expect(records[1]![0]).toBe('Jos\uFFFD\uFFFD');
  });

  it('reports csv-parse’s line count as each record completes (a CRLF inside quotes counts twice there: LineTracker corrects it)', async () => {
    const { lines } = await tapRecords([Buffer.from(roster, 'utf8')]);
    expect(lines).toEqual([1, 2, 5, 6, 7, 8]);
  });
  describe('trimming the cells as they are decoded (in-place), csv-parse parsing without its trim', () => {
    // No spaces around a quoted cell here (that needs csv-parse's own trim, see below); padded
    // unquoted cells, spaces inside quotes, tabs, a form feed, Unicode spaces on either side.
    const padded =
      '\uFEFFemployee_id , email,first_name,last_name,status\n' +
      '  E1\t,jose@example.com ,"  José  ",Müller\u00a0,active  \r\n' +
      'E2,\u00a0b@example.com,"multi\r\nline",\fØdegård\u2003,"on leave"\n' +
      '   ,,,,\n' +
      'E4,a@b.co,"say ""hi"" ",Åström,Terminated\n';

    it('gives exactly the records csv-parse gives with its own trim, however the bytes are chunked', async () => {
      const expected = await plainRecords([Buffer.from(padded, 'utf8')]);
      expect(expected[1]).toEqual(['E1', 'jose@example.com', '  José  ', 'Müller', 'active']);
      expect(expected[2]![1], 'U+00A0 on the left is kept, as csv-parse keeps it').toBe('\u00a0b@example.com');
      await expectEveryChunking(padded, 'in-place', expected);
    });

    it('refuses spaces around a quoted cell with a CsvError, which the roster reader answers by reading again with csv-parse trimming', async () => {
      await expect(tapRecords(chunked('a,b\nE2, "quoted, with comma" ,x\n', 5), 'in-place')).rejects.toMatchObject({ code: 'INVALID_OPENING_QUOTE' });
      await expect(tapRecords(chunked('a,b\nE2,"quoted" ,x\n', 5), 'in-place')).rejects.toMatchObject({ code: 'CSV_INVALID_CLOSING_QUOTE' });
    });

    it('trims like csv-parse: only space, tab, CR, LF and form feed on the left, every space trimEnd() knows on the right', () => {
      expect(trimLikeCsvParse(' \t\r\n\fE1 \t')).toBe('E1');
      expect(trimLikeCsvParse('\u00a0E1\u00a0\u2003')).toBe('\u00a0E1');
      expect(trimLikeCsvParse('\v E1')).toBe('\v E1');
      expect(trimLikeCsvParse('E1')).toBe('E1');
    });

    it('on 5,000 random small files, wherever in-place reads a file it gives csv-parse-trim’s records and lines (only a trailing blank record may differ: the reader skips those)', async () => {
      const alphabet = ['a', 'é', ' ', ' ', '\t', '\f', '\v', '"', '"', ',', ';', '|', '\n', '\r', '\r\n', '\u00a0', '\u2003'];
      let seed = 20_261_130;
      const random = () => (seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32; // reproducible
      const blank = (record: string[]) => record.every((cell) => cell.trim() === '');
      const withoutTrailingBlanks = (records: string[][], lines: number[]) => {
        let end = records.length;
        while (end > 0 && blank(records[end - 1]!)) end--;
        return { records: records.slice(0, end), lines: lines.slice(0, end) };
      };
      let readInPlace = 0;
      let refused = 0;
      for (let n = 0; n < 5_000; n++) {
        const options = { ...OPTIONS, delimiter: [',', ';', '\t', '|'][n % 4]! };
        let text = random() < 0.1 ? '\uFEFF' : '';
        for (let length = Math.floor(random() * 14); length > 0; length--) text += alphabet[Math.floor(random() * alphabet.length)];
        const chunks = chunked(text, 1 + Math.floor(random() * 6));
        const inPlace = await tapRecords(chunks, 'in-place', options).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        if (inPlace instanceof Error) {
          expect(inPlace, JSON.stringify(text)).toHaveProperty('code');
          refused++;
          continue;
        }
        readInPlace++;
        const reference = await tapRecords(chunks, 'csv-parse', options);
        expect(withoutTrailingBlanks(inPlace.records, inPlace.lines), JSON.stringify(text)).toEqual(withoutTrailingBlanks(reference.records, reference.lines));
      }
      expect(readInPlace).toBeGreaterThan(1_500);
      expect(refused).toBeGreaterThan(1_500);
    });
  });
});
