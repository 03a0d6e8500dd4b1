import { Parser, type Options } from 'csv-parse';

/** Receives each record with csv-parse's line counter at the moment the record was completed. */
export type RecordHandler = (record: string[], parserLines: number) => void;

/**
 * Who trims the spaces around cells. `csv-parse`: its `trim` option, which also accepts spaces
 * around a quoted cell (`a, "b" ,c`). `in-place`: the decoding shortcut below trims each unquoted
 * cell as csv-parse would, and csv-parse parses without `trim`: ~15 % of its time on a roster
 * (its left trim is checked at every byte), but spaces around a quoted cell are then a CsvError,
 * so a caller must be able to read the file again with `csv-parse` (see readRoster).
 */
export type CellTrimming = 'csv-parse' | 'in-place';

/**
 * csv-parse's stream Parser (what `parse()` returns), handing each record to a callback
 * synchronously, together with `info.lines`, instead of queueing it downstream.
 *
 * Why not the `on_record` option or `info: true`: both build a fresh info object of ~20
 * properties per record. On a 160 MB roster that cost 50% more time and about twice the peak
 * RSS (the objects survive long enough to be promoted, so the old generation fills with
 * garbage). Parser pushes every record from inside its parse loop, right after counting its
 * lines, so reading `this.info.lines` in `push` is exact and free.
 *
 * A throw from the handler (a header error) destroys the stream with that error; the records
 * csv-parse still pushes from the same chunk are ignored.
 */
export class RecordTap extends Parser {
  private failed = false;

  /** Whether this parser's fields are decoded straight from csv-parse's buffer (see decodeFieldsInPlace). */
  readonly decodesInPlace: boolean;
  /**
   * Whether cells come trimmed by the decoding shortcut. False with `in-place` asked for means the
   * shortcut is not there (csv-parse changed): cells then come untrimmed, and the caller must use
   * a parser with `csv-parse` trimming instead.
   */
  readonly trimsInPlace: boolean;

  constructor(
    options: Omit<Options, 'trim' | 'ltrim' | 'rtrim'>,
    private readonly onRecord: RecordHandler,
    trimming: CellTrimming,
  ) {
    super({ ...options, trim: trimming === 'csv-parse' });
    this.decodesInPlace = decodeFieldsInPlace((this as unknown as { state?: unknown }).state, trimming === 'in-place');
    this.trimsInPlace = trimming === 'in-place' && this.decodesInPlace;
  }

  override push(chunk: unknown, encoding?: BufferEncoding): boolean {
    if (chunk === null) return super.push(null, encoding); // end of input
    if (this.failed) return false;
    try {
      this.onRecord(chunk as string[], this.info.lines);
    } catch (error) {
      this.failed = true;
      this.destroy(error instanceof Error ? error : new Error(String(error)));
      return false;
    }
    return true;
  }
}

/** csv-parse's growable byte buffer holding the field being read (`state.field`, one per parser). */
interface FieldBuffer {
  buf: Buffer;
  length: number;
  toString(encoding?: BufferEncoding | null): unknown;
}

/** csv-parse's parser state: the field being read, and whether it was quoted. */
interface ParserState {
  field?: Partial<FieldBuffer>;
  wasQuoting?: unknown;
}

/**
 * csv-parse makes each field's string with `buf.slice(0, length).toString(encoding)`: a Buffer view
 * created and dropped per field, half a million of them for a 100,000-row roster (~100 ms of CPU,
 * ~50 MB of short-lived garbage). Decoding the same byte range straight from the buffer gives the
 * same string, invalid bytes included (one decoder). Only this parser's own field buffer gets the
 * shortcut, and only when it has the shape it was written for (csv-parse 6: `state.field.buf`,
 * `.length`); otherwise csv-parse's code runs unchanged, and test/roster/recordTap.test.ts says
 * the shortcut is gone. Returns whether it is in place.
 *
 * With `trim`, an unquoted cell is also trimmed here (see CellTrimming): csv-parse sets
 * `state.wasQuoting` for the field it is about to decode, and resets it only after.
 */
function decodeFieldsInPlace(state: unknown, trim: boolean): boolean {
  const parser = state as ParserState | undefined;
  const field = parser?.field;
  if (field === undefined || !Buffer.isBuffer(field.buf) || typeof field.length !== 'number' || typeof field.toString !== 'function') return false;
  if (trim && typeof parser!.wasQuoting !== 'boolean') return false;
  const original = field.toString;
  field.toString = function (this: FieldBuffer, encoding?: BufferEncoding | null) {
    if (!encoding) return original.call(this, encoding);
    const text = this.buf.toString(encoding, 0, this.length);
    return trim && parser!.wasQuoting !== true ? trimLikeCsvParse(text) : text;
  };
  return true;
}

/**
 * An unquoted cell trimmed exactly as csv-parse's `trim` does: on the left the bytes it skips
 * before a cell (space, tab, CR, LF, form feed: not U+00A0 or other Unicode spaces), on the right
 * `trimEnd()` (which does take Unicode spaces). A quoted cell is kept as quoted.
 */
export function trimLikeCsvParse(text: string): string {
  let start = 0;
  while (start < text.length && isSkippedOnTheLeft(text.charCodeAt(start))) start++;
  return (start === 0 ? text : text.slice(start)).trimEnd();
}

function isSkippedOnTheLeft(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0a || code === 0x0c;
}
