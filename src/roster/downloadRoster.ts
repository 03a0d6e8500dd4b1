import { type Dispatcher, request } from 'undici';
import { connectionFailure } from '../net/connectionFailure.js';
import type { ProxyRoute } from '../net/proxyRoute.js';
import { redactUrl } from '../net/redactUrl.js';
import type { RosterBytes } from './readRoster.js';
import { RosterFileError } from './RosterFileError.js';

/** What identifies one version of the roster on the HR server, for a conditional GET. */
export interface RosterValidators {
  etag?: string;
  lastModified?: string;
}

export interface DownloadRequest {
  url: string;
  /** The whole Authorization header value (source.auth), never logged. */
  authorization?: string;
  dispatcher: Dispatcher;
  /** The proxy this URL goes through (or why not), for the error messages. */
  route: ProxyRoute;
  /** Ask "only if changed since" (If-None-Match / If-Modified-Since). */
  ifChangedSince?: RosterValidators;
}

export type Download = { notModified: true } | { notModified: false; bytes: RosterBytes; validators: RosterValidators };

/**
 * Starts the roster download (`source.url`) and hands back its body as a byte stream for the
 * same reader a file goes through (no buffering). Everything that makes the download unusable
 * is a RosterFileError naming the URL without credentials: a connection that fails (with the
 * certificate or proxy explained), a status other than 2xx (or a 304 that was asked for), an
 * HTML page, and — while the body streams — a transfer that breaks off. A half-downloaded roster
 * therefore fails the read like a malformed file: never planned on.
 */
export async function downloadRoster(req: DownloadRequest): Promise<Download> {
  const label = redactUrl(req.url);
  const fail = (detail: string, cause?: unknown) => {
    const error = RosterFileError.at(label, undefined, undefined, detail);
    if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
    return error;
  };
  const target = new URL(req.url);
  const headers: Record<string, string> = { accept: 'text/csv, text/plain;q=0.9, */*;q=0.1' };
  if (req.authorization !== undefined) headers.authorization = req.authorization;
  if (req.ifChangedSince?.etag !== undefined) headers['if-none-match'] = req.ifChangedSince.etag;
  if (req.ifChangedSince?.lastModified !== undefined) headers['if-modified-since'] = req.ifChangedSince.lastModified;

  let response: Dispatcher.ResponseData;
  try {
    response = await request(target, { method: 'GET', dispatcher: req.dispatcher, headers });
  } catch (error) {
    const path = connectionFailure(error, { host: target.host, proxy: req.route.proxy, proxyFrom: req.route.proxy && req.route.from });
    throw fail(`could not be downloaded: ${path?.detail ?? describe(error)}`, error);
  }
  const { statusCode, headers: answer, body } = response;
  const header = (name: string) => {
    const value = answer[name];
    return Array.isArray(value) ? value[0] : value;
  };
  if (statusCode === 304 && req.ifChangedSince !== undefined) {
    discard(body);
    return { notModified: true };
  }
  if (statusCode < 200 || statusCode >= 300) {
    discard(body);
    throw fail(`could not be downloaded: the server answered ${statusCode}${STATUS_ADVICE[statusCode] ?? ''}; nothing was used`);
  }
  if (/^\s*text\/html/i.test(header('content-type') ?? '')) {
    discard(body);
    throw fail('is an HTML page, not CSV (Content-Type: text/html; a login page or an error page?): check the URL and source.auth');
  }
  const length = Number(header('content-length'));
  return {
    notModified: false,
    validators: { etag: header('etag'), lastModified: header('last-modified') },
    bytes: { stream: brokenOffIsUnusable(body, fail), expectedBytes: Number.isSafeInteger(length) && length >= 0 ? length : undefined },
  };
}

const STATUS_ADVICE: Record<number, string> = {
  401: ' (not authenticated: check source.auth)',
  403: ' (forbidden: check that source.auth may read this report)',
  404: ' (no such report: check source.url)',
};

/** The body as a stream whose failure (reset, timeout, early close) reads as "cut short", naming the URL. */
async function* brokenOffIsUnusable(body: AsyncIterable<Uint8Array>, fail: (detail: string, cause?: unknown) => RosterFileError): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of body) yield chunk;
  } catch (error) {
    throw fail(`download was cut short (${describe(error)}); nothing was used`, error);
  }
}

function describe(error: unknown): string {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const code = typeof e.code === 'string' ? e.code : typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const message = typeof e.message === 'string' ? e.message : String(error);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Stops reading and closes the connection; the "aborted" error undici then emits is expected. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}
