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

  constructor(
    options: Options,
    private readonly onRecord: RecordHandler,
  ) {
    super(options);
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
