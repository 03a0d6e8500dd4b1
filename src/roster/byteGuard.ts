import type { Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { RosterFileError } from './RosterFileError.js';

export interface ByteGuardOptions {
  /** Where the bytes come from, as errors name it (a file, a URL without credentials, standard input). */
  label: string;
  /** `source.maxBytes`: more than this and the roster is unusable. */
  maxBytes: number;
  /** The download's Content-Length: fewer bytes than announced means it was cut short. */
  expectedBytes?: number;
  /** Fed every byte (the `sync.fullReadEvery` fingerprint of a roster read only once). */
  hash?: Hash;
}

/** Bytes looked at for an HTML page before the CSV reader sees anything. */
const SNIFF_BYTES = 512;
const HTML_START = /^\s*<(!doctype\s+html|html|head|body|title|\?xml|!--)/i;

/**
 * The first gate of every roster byte stream (file, download, standard input), ahead of the
 * UTF-8 guard and the CSV parser: a stream that is too big, that ends before its announced
 * length, or that is an HTML page (an SSO login page or a proxy's error page served with 200)
 * fails the whole read, so a partial or wrong body never becomes a roster.
 */
export class ByteGuard extends Transform {
  /** Bytes passed on. */
  bytes = 0;
  private head: Buffer[] | undefined = [];
  private headBytes = 0;

  constructor(private readonly options: ByteGuardOptions) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      callback(this.fail(`is larger than ${this.options.maxBytes} bytes (source.maxBytes); raise source.maxBytes if the roster really is that big`));
      return;
    }
    this.options.hash?.update(chunk);
    if (this.head === undefined) {
      callback(null, chunk);
      return;
    }
    // Hold the first bytes back until an HTML page can be told from CSV.
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) {
      callback();
      return;
    }
    this.releaseHead(callback);
  }

  override _flush(callback: TransformCallback): void {
    const { expectedBytes } = this.options;
    if (expectedBytes !== undefined && this.bytes !== expectedBytes) {
      callback(this.fail(`was cut short: ${this.bytes} of the ${expectedBytes} bytes announced (Content-Length) arrived; nothing was used`));
      return;
    }
    if (this.head !== undefined) this.releaseHead(callback);
    else callback();
  }

  private releaseHead(callback: TransformCallback): void {
    const head = Buffer.concat(this.head ?? []);
    this.head = undefined;
    const text = head
      .subarray(0, SNIFF_BYTES)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    if (HTML_START.test(text)) {
      callback(this.fail('is an HTML page, not CSV (a login page or an error page?): check the URL and source.auth'));
      return;
    }
    callback(null, head);
  }

  private fail(detail: string): RosterFileError {
    return RosterFileError.at(this.options.label, undefined, undefined, detail);
  }
}
