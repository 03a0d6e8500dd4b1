import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { Secret } from '../config/secret.js';

export interface WebhookDelivery {
  ok: boolean;
  attempts: number;
  /** Why the last attempt failed (never the URL). */
  error?: string;
}

export interface SendOptions {
  /** All attempts together; the caller waits no longer. */
  timeoutMs: number;
  /** Attempts after the first. */
  retries: number;
  /** Pause between attempts (cut short by the deadline). */
  retryDelayMs?: number;
}

/**
 * POSTs a JSON body to the webhook, retrying a network error, a timeout, 429 or 5xx, all
 * within one deadline: a notification may fail, but it never fails the run or holds it up for
 * longer than `timeoutMs`. Not through the SCIM rate gate: it is another service's budget. Any
 * error text is scrubbed of the URL, whose path is usually the webhook's secret.
 */
export async function sendWebhook(url: Secret, body: unknown, options: SendOptions): Promise<WebhookDelivery> {
  const deadline = Date.now() + options.timeoutMs;
  const payload = JSON.stringify(body);
  let error = 'no attempt made';
  let attempts = 0;
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    attempts++;
    try {
      const response = await request(url.reveal(), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: payload,
        signal: AbortSignal.timeout(remaining),
        headersTimeout: remaining,
        bodyTimeout: remaining,
        reset: true, // no keep-alive socket left to hold a one-shot run's process open
      });
      await response.body.dump();
      if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, attempts };
      error = `the webhook answered ${response.statusCode}`;
      if (response.statusCode < 500 && response.statusCode !== 429 && response.statusCode !== 408) break; // the same body would get the same answer
    } catch (caught) {
      error = scrub((caught as Error).message || String(caught), url);
      if ((caught as Error).name === 'TimeoutError' || Date.now() >= deadline) error = `no answer within notify.webhook.timeoutSeconds (${error})`;
    }
    const pause = Math.min(options.retryDelayMs ?? 500, deadline - Date.now());
    if (attempt < options.retries && pause > 0) await sleep(pause);
  }
  return { ok: false, attempts, error };
}

function scrub(message: string, url: Secret): string {
  return message.split(url.reveal()).join('[webhook URL]');
}
