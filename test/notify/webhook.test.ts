import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunSummary } from '../../src/notify/runSummary.js';
import { SyncMetrics } from '../../src/observe/syncMetrics.js';
import { runSync } from '../../src/run/runSync.js';
import { startWebhookReceiver, WEBHOOK_SECRET, type WebhookReceiver } from '../support/webhookReceiver.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

interface SlackMessage {
  text: string;
  blocks: { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { text: string }[] }[];
}

describe('run notifications through a webhook', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  let receiver: WebhookReceiver;
  const team = Array.from({ length: 10 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
  const rows = (n: number) => team.slice(0, n).map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName }));
  const notifiedCount = async (metrics: SyncMetrics, outcome: string) =>
    Number(new RegExp(`^scim_sync_notifications_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(await metrics.registry.metrics())?.[1] ?? 0);

  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: team });
  });
  afterEach(async () => {
    await receiver?.close();
    await emulator.close();
    ws.cleanup();
  });

  const configWith = (webhook: Record<string, unknown>, sync: Record<string, unknown> = {}) =>
    ws.config(emulator.url, { notify: { webhook: { url: receiver.url, ...webhook } }, sync: { maxDeactivations: 2, ...sync } });

  it('json: a refused run sends its summary, field by field — result, counts, refusal, report and plan file, what to do next; no token, no webhook secret', async () => {
    receiver = await startWebhookReceiver('ok');
    ws.writeRoster(rows(6)); // 4 leavers, cap 2
    const metrics = new SyncMetrics();
    const { exitCode, report, reportPath } = await runSync(configWith({ format: 'json' }), { dryRun: false, observer: metrics }, ws.logger);
    expect(exitCode).toBe(3);
    expect(receiver.bodies).toHaveLength(1);
    const body = receiver.bodies[0] as RunSummary;
    expect(body.event).toBe('refused');
    expect(body.runId).toBe(report.runId);
    expect(body.service).toBe(emulator.url);
    expect(body.outcome).toBe('refused');
    expect(body.exitCode).toBe(3);
    expect(body.result).toBe(report.result);
    expect(body.summary.deactivate).toEqual({ planned: 4, succeeded: 0 });
    expect(body.requests).toEqual(report.requests);
    expect(body.failures).toEqual([]);
    expect(body.refused?.reason).toBe('the plan deactivates 4 users, more than sync.maxDeactivations allows (2)');
    expect(body.reportPath).toBe(reportPath);
    expect(body.planFile).toEqual({ path: report.planFile!.path, digest: report.planFile!.digest });
    expect(body.next).toBe(`review it with \`scim-sync show ${report.planFile!.path}\`, then \`scim-sync apply ${report.planFile!.path}\``);
    const raw = JSON.stringify(receiver.bodies);
    expect(raw).not.toContain(TEST_TOKEN);
    expect(raw).not.toContain(WEBHOOK_SECRET);
    expect(await notifiedCount(metrics, 'sent')).toBe(1);
    expect(ws.logLines.join('\n')).not.toContain(WEBHOOK_SECRET);
  });

  it('slack: text and blocks, the first failures listed, mrkdwn escaped; then the first good run after it says recovered', async () => {
    receiver = await startWebhookReceiver('ok');
    await emulator.close();
    emulator = await startEmulator({
      token: TEST_TOKEN,
      users: team,
      faults: { rules: [{ method: 'POST', every: 1, action: { type: 'status', status: 400 } }] },
    });
    const hires = Array.from({ length: 7 }, (_, i) => ({ employee_id: `N${i}`, email: `new${i}+<!channel>@example.com`, first_name: 'N', last_name: `${i}` }));
    ws.writeRosterText(
      [
        'employee_id,email,first_name,last_name,status',
        ...[...rows(10), ...hires].map((r) => `${r.employee_id},${r.email},${r.first_name},${r.last_name},active`),
      ].join('\n') + '\n',
    );
    const config = configWith({ format: 'slack' }, { maxDeactivations: '100%' });
    const failed = await runSync(config, { dryRun: false }, ws.logger);
    expect(failed.exitCode).toBe(1);
    const message = receiver.bodies[0] as SlackMessage;
    expect(message.text).toBe('scim-sync run failed: 7 of 7 operations did not succeed');
    expect(message.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'scim-sync run failed' } });
    expect(message.blocks[1]!.text!.text).toBe(
      `*7 of 7 operations did not succeed*\nexit code 1 · run \`${failed.report.runId}\` on ${message.blocks[1]!.text!.text.split(' on ')[1]!.split(' · ')[0]} · ${emulator.url}`,
    );
    expect(message.blocks[2]!.fields!.map((f) => f.text)).toEqual([
      '*Created* 0/7',
      '*Updated* 0/0',
      '*Deactivated* 0/0',
      '*Reactivated* 0/0',
      '*Failed* 7  *Not attempted* 0',
      `*Requests* ${failed.report.requests.total} (${failed.report.requests.retries} retries, ${failed.report.requests.throttled} throttled)`,
    ]);
    const failures = message.blocks.find((b) => b.text?.text.startsWith('*First failures*'))!.text!.text.split('\n');
    expect(failures).toHaveLength(1 + 5 + 1);
    expect(failures[1]).toMatch(/^• create new0\+&lt;!channel&gt;@example\.com: failed 400 — /);
    expect(failures[6]).toBe('… and 2 more in the report');
    expect(message.blocks.at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: `report: \`${failed.reportPath}\`` }] });
    expect(JSON.stringify(receiver.bodies)).not.toContain('<!channel>');

    emulator.setFaults(undefined);
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    expect((receiver.bodies[1] as SlackMessage).blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'scim-sync recovered' } });
    // A good run after a good one is not news.
    expect((await runSync(config, { dryRun: false }, ws.logger)).exitCode).toBe(0);
    expect(receiver.bodies).toHaveLength(2);
  });

  it('a receiver answering 500 is retried twice, then the notification is logged and counted as failed; the run is unaffected', async () => {
    receiver = await startWebhookReceiver('fail-500');
    ws.writeRoster(rows(6));
    const metrics = new SyncMetrics();
    const { exitCode } = await runSync(configWith({ retries: 2 }), { dryRun: false, observer: metrics }, ws.logger);
    expect(exitCode).toBe(3);
    expect(receiver.bodies).toHaveLength(3);
    expect(await notifiedCount(metrics, 'failed')).toBe(1);
    const line = ws.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'notification failed; the run itself is not affected')!;
    expect(line).toMatchObject({ event: 'refused', attempts: 3, error: 'the webhook answered 500', webhook: new URL(receiver.url).host });
  });

  it('a receiver that never answers costs at most notify.webhook.timeoutSeconds, then counts as failed', async () => {
    receiver = await startWebhookReceiver('hang');
    ws.writeRoster(rows(6));
    const metrics = new SyncMetrics();
    const { exitCode, report } = await runSync(configWith({ timeoutSeconds: 1 }), { dryRun: false, observer: metrics }, ws.logger);
    expect(exitCode).toBe(3);
    expect(report.refused).toBeDefined();
    expect(receiver.bodies.length).toBeGreaterThanOrEqual(1);
    expect(await notifiedCount(metrics, 'failed')).toBe(1);
    const line = ws.logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'notification failed; the run itself is not affected')!;
    expect(String(line.error)).toMatch(/^no answer within notify\.webhook\.timeoutSeconds/);
  });

  it('events the admin did not ask for are not sent, and dry runs never notify', async () => {
    receiver = await startWebhookReceiver('ok');
    ws.writeRoster(rows(6));
    await runSync(configWith({ on: ['failed'] }), { dryRun: false }, ws.logger);
    await runSync(configWith({}), { dryRun: true }, ws.logger);
    expect(receiver.bodies).toEqual([]);
  });

  it('the URL may come from a file; a plain-http URL to another host is a config error that does not repeat it', async () => {
    receiver = await startWebhookReceiver('ok');
    writeFileSync(join(ws.dir, 'webhook-url'), `${receiver.url}\n`);
    ws.writeRoster(rows(6));
    await runSync(ws.config(emulator.url, { notify: { webhook: { urlFile: './webhook-url' } }, sync: { maxDeactivations: 2 } }), { dryRun: false }, ws.logger);
    expect(receiver.bodies).toHaveLength(1);
    expect(() => ws.config(emulator.url, { notify: { webhook: { url: `http://hooks.example.com/services/${WEBHOOK_SECRET}` } } })).toThrow(
      /line \d+: notify\.webhook\.url: must be https \(got http:\/\/hooks\.example\.com\)/,
    );
    try {
      ws.config(emulator.url, { notify: { webhook: { url: `http://hooks.example.com/services/${WEBHOOK_SECRET}` } } });
    } catch (error) {
      expect((error as Error).message).not.toContain(WEBHOOK_SECRET);
    }
  });
});
