import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import { ScimSyncError } from '../../src/domain/scimSyncError.js';
import { RateGate } from '../../src/rateLimit/rateGate.js';
import { RunFatalError, type ScimRequestError, TransientError } from '../../src/scim/errors.js';
import type { ResponseLimits } from '../../src/scim/responseLimits.js';
import { MAX_THROTTLE_PAUSE_MS, ScimClient } from '../../src/scim/scimClient.js';
import { gatedClient } from '../support/gatedClient.js';

const TOKEN = 'client-test-token-0b9e';

describe('ScimClient', () => {
  let emulator: RunningEmulator;
  let gate: RateGate;
  let client: ScimClient;
  let connection: ReturnType<typeof gatedClient>;
  afterEach(async () => {
    await connection.close();
    await emulator.close();
  });

  async function setUp(options: Parameters<typeof startEmulator>[0], maxAttempts: number) {
    emulator = await startEmulator({ token: TOKEN, ...options });
    connection = gatedClient(emulator.url, TOKEN, { maxAttempts, defaultRetryAfterMs: 60_000 });
    ({ gate, client } = connection);
  }
  const throttleWith = (headers: Record<string, string>) => ({
    faults: { rules: [{ method: 'GET', every: 1, times: 1, action: { type: 'status' as const, status: 429, headers } }] },
  });

  it('a refused connection is a transient ScimSyncError that keeps the network error as its cause', async () => {
    await setUp({}, 1);
    const port = new URL(emulator.url).port;
    await emulator.close();
    const closed = gatedClient(`http://127.0.0.1:${port}/scim/v2`, TOKEN, { maxAttempts: 1 });
    try {
      const failure: unknown = await closed.client.get('/Users').catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(TransientError);
      expect(failure).toBeInstanceOf(ScimSyncError);
      expect((failure as TransientError).networkCode).toBe('ECONNREFUSED');
      expect(((failure as Error).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    } finally {
      await closed.close();
      emulator = await startEmulator({ token: TOKEN }); // afterEach closes it again
    }
  });

  it('a 429 on the last allowed attempt still pauses the whole gate: the other requests would be throttled too', async () => {
    await setUp(throttleWith({ 'Retry-After': '30' }), 1);
    await expect(client.get('/Users')).rejects.toBeInstanceOf(TransientError);
    expect(gate.pauseRemainingMs).toBeGreaterThan(25_000);
    expect(emulator.requestLog).toHaveLength(1);
  });

  it('a Retry-After of days pauses the gate for at most ten minutes, so a bad header cannot freeze the daemon', async () => {
    await setUp(throttleWith({ 'Retry-After': '999999' }), 1);
    await expect(client.get('/Users')).rejects.toBeInstanceOf(TransientError);
    expect(gate.pauseRemainingMs).toBeGreaterThan(MAX_THROTTLE_PAUSE_MS - 5_000);
    expect(gate.pauseRemainingMs).toBeLessThanOrEqual(MAX_THROTTLE_PAUSE_MS);
  });

  it('a non-SCIM error page that echoes the request headers never carries the token into the error', async () => {
    await setUp(
      { faults: { rules: [{ method: 'GET', every: 1, action: { type: 'reply', status: 403, body: `blocked request: authorization=Bearer ${TOKEN}` } }] } },
      1,
    );
    const error = (await client.get('/Users').then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 403 });
    expect(JSON.stringify({ ...error, text: error.message })).not.toContain(TOKEN);
    expect(error.message).toContain('authorization=Bearer [redacted]');
  });
});

/**
 * A server written for each test that misbehaves in ways the emulator doesn't: answers that
 * never end, answers too big to hold, error pages that echo the request's headers.
 */
describe('ScimClient against a hostile server', () => {
  const HOSTILE_TOKEN = 'Zq7-hostile-token-Wv3k9Lp2';
  let server: Server | undefined;
  let gate: RateGate | undefined;
  let client: ScimClient | undefined;
  let requests = 0;
  afterEach(async () => {
    gate?.close(new Error('test over'));
    await gate?.dispose();
    client?.cancel('test over');
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = gate = client = undefined;
    requests = 0;
  });

  /** Starts `handler` on 127.0.0.1 and a client for it; long undici timeouts, so only scim-sync's own limits can end an attempt. */
  async function serve(
    handler: (req: IncomingMessage, res: ServerResponse) => void,
    options: { token?: string; maxAttempts?: number; limits?: Partial<ResponseLimits> } = {},
  ) {
    server = createServer((req, res) => {
      requests++;
      handler(req, res);
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    gate = new RateGate({ requestsPerMinute: 60_000, concurrency: 4 });
    client = new ScimClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/scim/v2`,
      token: options.token ?? HOSTILE_TOKEN,
      gate,
      connections: 4,
      timeouts: { connectMs: 30_000, headersMs: 30_000, bodyMs: 30_000 },
      limits: { responseTimeoutMs: 30_000, maxResponseBytes: 64 * 1024 * 1024, ...options.limits },
      retry: { maxAttempts: options.maxAttempts ?? 1, baseDelayMs: 1, maxDelayMs: 5, defaultRetryAfterMs: 10 },
    });
    return client;
  }
  const failureOf = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.fail('expected the request to fail'),
      (e: unknown) => e as ScimRequestError,
    );

  it('a body that trickles one byte at a time (each gap far below bodyMs) fails at target.responseTimeoutSeconds and is retried, instead of waiting forever', async () => {
    const c = await serve(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/scim+json' });
        const timer = setInterval(() => res.write(' '), 50);
        res.on('close', () => clearInterval(timer));
      },
      { maxAttempts: 2, limits: { responseTimeoutMs: 600 } },
    );
    const error = await failureOf(c.get('/Users?startIndex=1&count=100'));
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ networkCode: 'RESPONSE_TIMEOUT', httpStatus: 200 });
    expect(error.message).toContain('GET /Users?startIndex=1&count=100 failed (status 200): no complete answer within 0.6 s (target.responseTimeoutSeconds)');
    expect(requests).toBe(2);
  });

  it('an answer that never sends its headers fails at the same overall deadline', async () => {
    const c = await serve(() => undefined, { limits: { responseTimeoutMs: 600 } });
    const error = await failureOf(c.get('/Users'));
    expect(error).toMatchObject({ kind: 'transient', networkCode: 'RESPONSE_TIMEOUT', httpStatus: undefined });
    expect(error.message).toContain('target.responseTimeoutSeconds');
  });

  it('an answer bigger than target.maxResponseBytes fails run-fatal once the cap is passed, and is not downloaded again', async () => {
    const chunk = Buffer.alloc(64 * 1024, 'x');
    const c = await serve(
      (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/scim+json' }); // chunked: no Content-Length to go by
        for (let i = 0; i < 32; i++) res.write(chunk); // 2 MB
        res.end();
      },
      { maxAttempts: 5, limits: { maxResponseBytes: 1024 * 1024 } },
    );
    const error = await failureOf(c.get('/Users'));
    expect(error).toBeInstanceOf(RunFatalError);
    expect(error).toMatchObject({ networkCode: 'RESPONSE_TOO_LARGE', httpStatus: 200 });
    expect(error.message).toContain('the answer is larger than 1048576 bytes, the limit set by target.maxResponseBytes');
    expect(requests).toBe(1);
  });

  it('a Content-Length over target.maxResponseBytes is refused before any of the body is read', async () => {
    const c = await serve((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html', 'content-length': String(5 * 1024 ** 3) });
      res.write('<html>'); // and then nothing: reading would wait for 5 GB
    });
    const error = await failureOf(c.get('/Users'));
    expect(error).toMatchObject({ kind: 'run-fatal', networkCode: 'RESPONSE_TOO_LARGE', httpStatus: 502 });
    expect(error.message).toContain(`(Content-Length: ${5 * 1024 ** 3}), the limit set by target.maxResponseBytes`);
  });

  it('an error page echoing the Authorization header never leaks any part of the token, wherever the 200-character cut falls', async () => {
    // The header line starts at `pad`; the token itself 22 characters later ("authorization: Bearer ").
    const c = await serve((req, res) => {
      const pad = Number(new URL(req.url!, 'http://x').searchParams.get('pad'));
      res.writeHead(403, { 'content-type': 'text/html' });
      res.end(`${'.'.repeat(pad)}authorization: ${req.headers.authorization}\r\nhost: ${req.headers.host}\r\n</pre>`);
    });
    const firstChars = HOSTILE_TOKEN.slice(0, 3);
    for (let tokenAt = 200 - HOSTILE_TOKEN.length - 2; tokenAt <= 202; tokenAt++) {
      const error = await failureOf(c.get(`/Users?pad=${tokenAt - 'authorization: Bearer '.length}`));
      expect(error.kind, `token at ${tokenAt}`).toBe('rejected');
      expect(error.detail!.length, `token at ${tokenAt}`).toBeLessThanOrEqual(200);
      expect(error.message, `token at ${tokenAt}`).not.toContain(firstChars);
      expect(JSON.stringify(error), `token at ${tokenAt}`).not.toContain(firstChars);
    }
  });

  it('a token undici will not put in a header (a line break inside) is run-fatal on the first attempt: no retries that leak connection slots until Node gives up', async () => {
    const c = await serve((_req, res) => res.end('{}'), { token: 'first-half\nsecond-half', maxAttempts: 5 });
    const error = await failureOf(c.get('/Users'));
    expect(error).toBeInstanceOf(RunFatalError);
    expect(error).toMatchObject({ networkCode: 'UND_ERR_INVALID_ARG', httpStatus: undefined });
    expect((error.cause as { code?: string }).code).toBe('UND_ERR_INVALID_ARG'); // undici's own error, for debugging
    expect(error.message).toContain('no retry can fix that. Check target.token / target.tokenFile');
    expect(error.message).not.toMatch(/first-half|second-half/);
    expect(requests).toBe(0);
    await c.close(); // and the client still closes
    client = undefined;
  });
});
