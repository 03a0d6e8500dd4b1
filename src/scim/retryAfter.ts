/**
 * How long a 429 asks us to wait. Honours the standard `Retry-After` (delta-seconds or an
 * HTTP date) and Postman's own `RetryAfter` / `X-RateLimit-RetryAfter` headers. Returns
 * undefined when none is usable; the caller then waits the configured default (60 s, from
 * Postman's "Wait for a minute and then try again").
 */
export function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number = Date.now()): number | undefined {
  for (const name of ['retry-after', 'retryafter', 'x-ratelimit-retryafter']) {
    const raw = headers[name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value.trim() === '') continue;
    const parsed = parseRetryValue(value.trim(), now);
    if (parsed !== undefined) return parsed;
  }
  return undefined;
}

function parseRetryValue(value: string, now: number): number | undefined {
  if (/^\d+(\.\d+)?$/.test(value)) {
    const n = Number(value);
    // Some gateways send an epoch timestamp (seconds) instead of a delay.
    if (n > 1_000_000_000) return Math.max(0, n * 1000 - now);
    return Math.round(n * 1000);
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
