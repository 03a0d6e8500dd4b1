import type { Config } from '../config/loadConfig.js';
import { RateGate } from '../rateLimit/rateGate.js';
import { type AttemptEvent, ScimClient } from '../scim/scimClient.js';

/** The gate and the client for one run, built from config in one place. */
export function connectToService(config: Config, options: { rateWindowMs?: number; contentType?: string; onAttempt?: (a: AttemptEvent) => void } = {}): { gate: RateGate; client: ScimClient } {
  const gate = new RateGate({
    requestsPerMinute: config.target.requestsPerMinute,
    concurrency: config.target.concurrency,
    windowMs: options.rateWindowMs,
  });
  const client = new ScimClient({
    baseUrl: config.target.baseUrl,
    token: config.token.reveal(),
    gate,
    connections: config.target.concurrency,
    timeouts: config.target.timeouts,
    limits: { responseTimeoutMs: config.target.responseTimeoutSeconds * 1000, maxResponseBytes: config.target.maxResponseBytes },
    retry: { ...config.target.retry, defaultRetryAfterMs: config.target.retry.defaultRetryAfterSeconds * 1000 },
    onAttempt: options.onAttempt,
    contentType: options.contentType,
  });
  return { gate, client };
}
