/**
 * Reading request bodies and writing SCIM responses with bare node:http.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a route answers; the server decides when (latency, faults) and whether to send it. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export const SCIM_CONTENT_TYPE = 'application/scim+json';

/** A SCIM service has no business receiving megabytes; cap it so a runaway client can't OOM us. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type RequestBody =
  | { kind: 'empty' }
  | { kind: 'json'; value: unknown; bytes?: number }
  | { kind: 'invalidJson'; raw: string }
  | { kind: 'unsupportedType'; raw: string }
  | { kind: 'tooLarge' };

/**
 * JSON media types we parse: application/json and application/scim+json (RFC 7644 §3.1),
 * plus a missing Content-Type — Postman's own curl examples send none, so being strict there
 * would reject requests the real service accepts. `extraTypes` adds a dialect's own (Nintex's
 * curl examples send application/json-patch+json, even for POST and PUT).
 */
export function isJsonContentType(header: string | undefined, extraTypes: readonly string[] = []): boolean {
  if (header === undefined || header.trim() === '') return true;
  const mediaType = header.split(';')[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType === 'application/scim+json' || extraTypes.includes(mediaType);
}

/**
 * Reads the whole body. Always drains the stream, even past the size cap, so a keep-alive
 * connection stays usable for the client's next request.
 */
export async function readBody(req: IncomingMessage, extraJsonTypes: readonly string[] = []): Promise<RequestBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) return { kind: 'tooLarge' };
  const raw = Buffer.concat(chunks).toString('utf8');
  if (raw.trim() === '') return { kind: 'empty' };
  if (!isJsonContentType(req.headers['content-type'], extraJsonTypes)) return { kind: 'unsupportedType', raw };
  try {
    return { kind: 'json', value: JSON.parse(raw) as unknown, bytes: size };
  } catch {
    return { kind: 'invalidJson', raw };
  }
}

export function sendReply(res: ServerResponse, reply: Reply): void {
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    ...(payload !== '' && { 'Content-Type': SCIM_CONTENT_TYPE }),
    'Content-Length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}
