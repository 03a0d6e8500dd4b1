import { hostname } from 'node:os';
import { eventToNotify, runEvent } from '../notify/runEvent.js';
import { runSummary } from '../notify/runSummary.js';
import { sendWebhook } from '../notify/sendWebhook.js';
import { slackMessage } from '../notify/slackMessage.js';
import type { RunResult } from './phases/conclude.js';
import { type RunContext, saveState } from './runContext.js';

/**
 * After a run (not a dry run): remember whether it went badly, so the next good one is
 * "recovered", and tell the webhook when the run's event is one the admin asked for. Never
 * fails the run: a notification that can't be delivered within notify.webhook.timeoutSeconds
 * (retries included) is logged and counted (`scim_sync_notifications_total{outcome="failed"}`).
 */
export async function notifyAfterRun(run: RunContext, result: RunResult): Promise<void> {
  const { config, options, logger } = run;
  if (options.dryRun) return;
  try {
    const previousWasBad = run.state.lastRunBad === true;
    saveState(run, { lastRunBad: runEvent(result.report) !== 'succeeded' });
    const webhook = config.webhook;
    const event = webhook && eventToNotify(result.report, previousWasBad, webhook.on);
    if (!webhook || !event) return;
    const summary = runSummary(event, result.report, result.reportPath, hostname());
    const delivery = await sendWebhook(webhook.url, webhook.format === 'slack' ? slackMessage(summary) : summary, {
      timeoutMs: webhook.timeoutSeconds * 1000,
      retries: webhook.retries,
    });
    const where = { event, webhook: new URL(webhook.url.reveal()).host, attempts: delivery.attempts }; // the host only: the path is the secret
    if (delivery.ok) logger.info(where, 'notification sent');
    else logger.warn({ ...where, error: delivery.error }, 'notification failed; the run itself is not affected');
    options.observer?.notified?.(delivery.ok ? 'sent' : 'failed');
  } catch (error) {
    logger.warn({ err: error }, 'notification failed; the run itself is not affected');
    options.observer?.notified?.('failed');
  }
}
