import { RateGate } from '../../src/rateLimit/rateGate.js';
import type { ResponseLimits } from '../../src/scim/responseLimits.js';
import { type RetryPolicy, ScimClient } from '../../src/scim/scimClient.js';

/**
 * A ScimClient behind its own rate gate, with short timeouts, for tests that talk to an
 * emulator directly (no config, no run). `close()` frees both.
 */
export function gatedClient(baseUrl: string, token: string, retry: Partial<RetryPolicy> = {}, limits: Partial<ResponseLimits> = {}) {
  const gate = new RateGate({ requestsPerMinute: 60_000, concurrency: 2 });
  const client = new ScimClient({
    baseUrl,
    token,
    gate,
    connections: 2,
    timeouts: { connectMs: 1000, headersMs: 1000, bodyMs: 1000 },
    limits: { responseTimeoutMs: 10_000, maxResponseBytes: 64 * 1024 * 1024, ...limits },
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, defaultRetryAfterMs: 10, ...retry },
  });
  return {
    gate,
    client,
    async close(): Promise<void> {
      gate.close(new Error('test over'));
      await gate.dispose();
      await client.close();
    },
  };
}
