import type { Readable } from 'node:stream';

/**
 * scim-sync's own bounds on one answer from the service. undici's `bodyTimeout` measures only
 * the gap between two chunks, so a body that trickles a byte every few seconds never times out,
 * and nothing bounds its size: a run could wait forever (the daemon still "ready") or hold a
 * 400 MB page in memory. Every attempt therefore has an overall deadline (request sent → last
 * byte read) and a size cap, both config keys.
 */
export interface ResponseLimits {
  /** From sending the request to the answer's last byte (`target.responseTimeoutSeconds`). */
  responseTimeoutMs: number;
  /** Largest answer body read, in bytes (`target.maxResponseBytes`). */
  maxResponseBytes: number;
}

/** `networkCode` of an attempt stopped by the deadline: transient (the service may just be slow now). */
export const RESPONSE_TIMEOUT = 'RESPONSE_TIMEOUT';
/**
 * `networkCode` of an answer over the size cap: run-fatal. The same request gets the same
 * oversized answer again, so retrying only downloads it again; and a write whose answer was cut
 * off may have been applied, so it can't be recorded as simply refused either.
 */
export const RESPONSE_TOO_LARGE = 'RESPONSE_TOO_LARGE';

export function responseTimeoutDetail(limits: ResponseLimits): string {
  return (
    `no complete answer within ${limits.responseTimeoutMs / 1000} s (target.responseTimeoutSeconds): the service, or a proxy ` +
    'in between, is too slow or never finishes its answer. If the service is just slow, raise target.responseTimeoutSeconds ' +
    'or lower target.pageSize'
  );
}

export function responseTooLargeDetail(limits: ResponseLimits, declaredBytes?: number): string {
  const declared = declaredBytes === undefined ? '' : ` (Content-Length: ${declaredBytes})`;
  return (
    `the answer is larger than ${limits.maxResponseBytes} bytes${declared}, the limit set by target.maxResponseBytes; ` +
    'scim-sync stopped reading it. Lower target.pageSize, or raise target.maxResponseBytes if answers this big are expected'
  );
}

/** The body exceeded the cap; `declaredBytes` when Content-Length said so before any was read. */
export class BodyTooLarge extends Error {
  constructor(readonly declaredBytes?: number) {
    super('response body over the size cap');
  }
}

/**
 * Reads a body to text, refusing (and destroying the stream, which closes the connection instead
 * of draining it) as soon as it is known to exceed `maxBytes`. Decodes like undici's `text()`:
 * UTF-8, a leading byte order mark dropped.
 */
export async function readBodyCapped(body: Readable, contentLength: string | string[] | undefined, maxBytes: number): Promise<string> {
  const declared = Number(Array.isArray(contentLength) ? contentLength[0] : contentLength);
  if (Number.isFinite(declared) && declared > maxBytes) {
    discard(body);
    throw new BodyTooLarge(declared);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > maxBytes) {
      discard(body);
      throw new BodyTooLarge();
    }
    chunks.push(chunk);
  }
  // Buffer's UTF-8 decoding (malformed bytes become U+FFFD, as with TextDecoder) is the cheaper
  // of the two on pages of a megabyte; the byte order mark is dropped as TextDecoder would.
  const text = Buffer.concat(chunks, size).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Stops reading and closes the connection; the "aborted" error undici then emits is expected, not a crash. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}
