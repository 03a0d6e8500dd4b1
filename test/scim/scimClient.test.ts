import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RateGate } from '../../src/rateLimit/rateGate.js';
import { ScimSyncError } from '../../src/domain/scimSyncError.js';
import { TransientError } from '../../src/scim/errors.js';
import { MAX_THROTTLE_PAUSE_MS, type ScimClient } from '../../src/scim/scimClient.js';
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
    await setUp({ faults: { rules: [{ method: 'GET', every: 1, action: { type: 'reply', status: 403, body: `blocked request: authorization=Bearer ${TOKEN}` } }] } }, 1);
    const error = (await client.get('/Users').then(
      () => undefined,
      (e: unknown) => e,
    )) as Error;
    expect(error).toMatchObject({ kind: 'rejected', httpStatus: 403 });
    expect(JSON.stringify({ ...error, text: error.message })).not.toContain(TOKEN);
    expect(error.message).toContain('authorization=Bearer [redacted]');
  });
});
