import { parse, type Options } from 'csv-parse';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { RecordTap } from '../../src/roster/recordTap.js';

const OPTIONS: Options = { bom: true, delimiter: ',', trim: true, relax_column_count: true };

/** Records as csv-parse itself gives them, the chunks fed one by one. */
async function plainRecords(chunks: Buffer[]): Promise<string[][]> {
  const records: string[][] = [];
  for await (const record of Readable.from(chunks).pipe(parse(OPTIONS))) records.push(record as string[]);
  return records;
}

/** Records as the roster reader's RecordTap hands them over, with csv-parse's line count. */
async function tapRecords(chunks: Buffer[]): Promise<{ records: string[][]; lines: number[]; inPlace: boolean; decodedInPlace: number }> {
  const records: string[][] = [];
  const lines: number[] = [];
  const tap = new RecordTap(OPTIONS, (record, parserLines) => {
    records.push(record);
    lines.push(parserLines);
  });
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
  return { records, lines, inPlace: tap.decodesInPlace, decodedInPlace };
}

/** The text cut into chunks of `size` bytes: characters of several bytes end up split across chunks. */
function chunked(text: string | Buffer, size: number): Buffer[] {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += size) chunks.push(bytes.subarray(at, at + size));
  return chunks;
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
    for (const size of [1, 2, 3, 5, 7, 64, 100_000]) {
      const { records, inPlace, decodedInPlace } = await tapRecords(chunked(roster, size));
      expect(inPlace, 'the csv-parse this was written for (state.field.buf/.length): upgraded? see decodeFieldsInPlace').toBe(true);
      expect(records, `chunks of ${size} bytes`).toEqual(expected);
      expect(decodedInPlace, 'every field went through the shortcut').toBe(records.flat().length);
    }
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
});
