import type { Config } from '../config/loadConfig.js';
import type { RateBudget } from '../rateLimit/rateBudget.js';
import { RateGate } from '../rateLimit/rateGate.js';
import { type AttemptEvent, ScimClient } from '../scim/scimClient.js';
import { serviceNetwork } from './networkSettings.js';

/**
 * The gate and the client for one run, built from config in one place. `budget`: the process's
 * rate budget when it outlives the run (the daemon's); without it the run gets one of its own.
 */
export function connectToService(
  config: Config,
  options: { rateWindowMs?: number; budget?: RateBudget; contentType?: string; onAttempt?: (a: AttemptEvent) => void } = {},
): { gate: RateGate; client: ScimClient } {
  const gate = new RateGate(options.budget ?? rateBudgetOptions(config, options.rateWindowMs));
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
    network: serviceNetwork(config),
  });
  return { gate, client };
}

/** The budget target.requestsPerMinute and target.concurrency describe. */
export function rateBudgetOptions(config: Config, rateWindowMs?: number): { requestsPerMinute: number; concurrency: number; windowMs?: number } {
  return { requestsPerMinute: config.target.requestsPerMinute, concurrency: config.target.concurrency, windowMs: rateWindowMs };
}
