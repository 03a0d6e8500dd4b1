import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { RosterFileError } from './RosterFileError.js';

/**
 * Pass-through byte stream that refuses anything that is not UTF-8, before csv-parse sees it.
 *
 * Why: csv-parse (like Buffer#toString) silently turns invalid bytes into U+FFFD, so a Latin-1
 * export ("José" as 4A 6F 73 E9) would create SCIM users named "Jos\uFFFD" and every later sync
 * would "fix" them back and forth. A UTF-16 export would parse as one garbled column. Both are
 * a file-level mistake that only re-exporting fixes, so we stop with the line of the first bad byte.
 *
 * How: `isUtf8` (native, no string allocation) checks each chunk up to its last complete
 * character; the 0-3 bytes of a character split across chunks are carried into the next check.
 * Newlines are counted per chunk (native `indexOf`) so the failing line is known. The exact bad
 * byte is only searched for (in JS) once validation has failed. (`TextDecoder` with
 * `fatal: true, stream: true` would validate too, but it decodes every chunk into a throw-away
 * string and its exception does not say where the bad byte is.)
 */
export class Utf8Guard extends Transform {
  /** '\n' seen in bytes already validated, i.e. 0-based line of the next byte to validate. */
  private newlinesBefore = 0;
  /** Bytes of a character split across the chunk boundary, validated with the next chunk. */
  private carry: Buffer | undefined;
  private atStart = true;

  constructor(private readonly file: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const data = this.carry === undefined ? chunk : Buffer.concat([this.carry, chunk]);
    if (this.atStart && data.length >= 2) {
      this.atStart = false;
      const evidence = sniffUtf16(data);
      if (evidence !== undefined) {
        callback(RosterFileError.at(this.file, undefined, undefined, `is UTF-16 encoded (${evidence}); export it as UTF-8`));
        return;
      }
    }
    const complete = completePrefixLength(data);
    const error = this.check(data.subarray(0, complete));
    if (error !== undefined) {
      callback(error);
      return;
    }
    this.carry = complete === data.length ? undefined : Buffer.from(data.subarray(complete));
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    // A character still incomplete at end of file is a truncated sequence: invalid.
    callback(this.carry === undefined ? null : this.check(this.carry, true));
  }

  private check(bytes: Buffer, truncated = false): RosterFileError | undefined {
    if (!truncated && isUtf8(bytes)) {
      this.newlinesBefore += countNewlines(bytes, bytes.length);
      return undefined;
    }
    const offset = truncated ? 0 : Math.max(0, firstInvalidUtf8Offset(bytes));
    const line = this.newlinesBefore + countNewlines(bytes, offset) + 1;
    const byte = (bytes[offset] ?? 0).toString(16).toUpperCase().padStart(2, '0');
    return RosterFileError.at(this.file, line, undefined, `not valid UTF-8 (byte 0x${byte}) — re-export the file as UTF-8`);
  }
}

/**
 * Recognises UTF-16 by its byte order mark, or without one by its pattern: text in UTF-16 has a
 * NUL in (nearly) every other byte, always on the same side (an ASCII header "id" is 69 00 64 00
 * in UTF-16LE). One stray NUL is not that pattern: it is a damaged UTF-8 file, and is reported
 * as such (a NUL in the header makes a name not match; in a row, it rejects the row).
 */
function sniffUtf16(data: Buffer): string | undefined {
  const [a, b] = [data[0], data[1]];
  if (a === 0xff && b === 0xfe) return 'byte order mark FF FE';
  if (a === 0xfe && b === 0xff) return 'byte order mark FE FF';
  const pairs = Math.floor(Math.min(data.length, UTF16_SNIFF_BYTES) / 2);
  if (pairs < UTF16_MIN_PAIRS) return undefined;
  let little = 0;
  let big = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    const [first, second] = [data[i]!, data[i + 1]!];
    if (first !== 0 && second === 0) little++;
    else if (first === 0 && second !== 0) big++;
  }
  // Three quarters, not all: a header may hold a few characters outside Latin-1 (00 in neither byte).
  if (little * 4 >= pairs * 3) return 'no byte order mark, but every other byte is NUL: UTF-16LE';
  if (big * 4 >= pairs * 3) return 'no byte order mark, but every other byte is NUL: UTF-16BE';
  return undefined;
}

/** How many leading bytes the BOM-less UTF-16 check looks at, and how many 2-byte units it needs at least. */
const UTF16_SNIFF_BYTES = 64;
const UTF16_MIN_PAIRS = 4;

function countNewlines(bytes: Buffer, end: number): number {
  let count = 0;
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < end; i = bytes.indexOf(0x0a, i + 1)) count++;
  return count;
}

/** Length of a UTF-8 sequence by its lead byte; 0 if the byte cannot start a character. */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * How many leading bytes end on a character boundary: a multi-byte character cut by the chunk
 * boundary is held back (it is completed by the next chunk). Invalid bytes are not held back, so
 * the validation that follows reports them.
 */
function completePrefixLength(data: Buffer): number {
  const n = data.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = data[n - back]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) return sequenceLength(b) > back ? n - back : n;
    // a continuation byte: the lead byte is further back
  }
  return n;
}

/** Offset of the first byte that starts an invalid sequence (RFC 3629 table), or -1. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length = sequenceLength(lead);
    if (length === 0 || i + length > bytes.length) return i;
    // The second byte's range is narrower for some leads: rejects overlongs, surrogates, > U+10FFFF.
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    const second = bytes[i + 1]!;
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}
