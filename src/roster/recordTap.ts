import { Parser, type Options } from 'csv-parse';

/** Receives each record with csv-parse's line counter at the moment the record was completed. */
export type RecordHandler = (record: string[], parserLines: number) => void;

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

  constructor(
    options: Options,
    private readonly onRecord: RecordHandler,
  ) {
    super(options);
    this.decodesInPlace = decodeFieldsInPlace((this as unknown as { state?: unknown }).state);
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

/**
 * csv-parse makes each field's string with `buf.slice(0, length).toString(encoding)`: a Buffer view
 * created and dropped per field, half a million of them for a 100,000-row roster (~100 ms of CPU,
 * ~50 MB of short-lived garbage). Decoding the same byte range straight from the buffer gives the
 * same string, invalid bytes included (one decoder). Only this parser's own field buffer gets the
 * shortcut, and only when it has the shape it was written for (csv-parse 6: `state.field.buf`,
 * `.length`); otherwise csv-parse's code runs unchanged, and test/roster/recordTap.test.ts says
 * the shortcut is gone. Returns whether it is in place.
 */
function decodeFieldsInPlace(state: unknown): boolean {
  const field = (state as { field?: Partial<FieldBuffer> } | undefined)?.field;
  if (field === undefined || !Buffer.isBuffer(field.buf) || typeof field.length !== 'number' || typeof field.toString !== 'function') return false;
  const original = field.toString;
  field.toString = function (this: FieldBuffer, encoding?: BufferEncoding | null) {
    return encoding ? this.buf.toString(encoding, 0, this.length) : original.call(this, encoding);
  };
  return true;
}
