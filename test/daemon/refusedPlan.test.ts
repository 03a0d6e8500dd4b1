import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '../../src/daemon/daemon.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunSummary } from '../../src/notify/runSummary.js';
import { applySavedPlan } from '../../src/run/applySavedPlan.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhookReceiver.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

describe('the daemon and a refused plan', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  let receiver: WebhookReceiver;
  let daemon: Daemon | undefined;
  const team = Array.from({ length: 8 }, (_, i) => ({ userName: `u${i}@example.com`, givenName: 'U', familyName: `${i}`, externalId: `E${i}` }));
  beforeEach(async () => {
    ws = new Workspace();
    emulator = await startEmulator({ token: TEST_TOKEN, users: team });
    receiver = await startWebhookReceiver('ok');
  });
  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    await receiver.close();
    await emulator.close();
    ws.cleanup();
  });

  it('a refused scheduled run saves the plan beside its report and notifies how to review and apply it; applying it succeeds and notifies recovered', async () => {
    ws.writeRoster(team.slice(0, 4).map((u) => ({ employee_id: u.externalId, email: u.userName, first_name: u.givenName, last_name: u.familyName })));
    const config = ws.config(emulator.url, {
      sync: { maxDeactivations: 1 },
      daemon: { schedule: '0 0 1 1 *', runOnStart: true }, // one run at start-up, none scheduled during the test
      http: { port: 0 },
      notify: { webhook: { url: receiver.url, format: 'json' } },
    });
    daemon = await startDaemon(config, ws.logger);
    const until = Date.now() + 15_000;
    while (receiver.bodies.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await daemon.stop('SIGTERM');
    daemon = undefined;

    const refused = receiver.bodies[0] as RunSummary;
    expect(refused.event).toBe('refused');
    expect(refused.exitCode).toBe(3);
    expect(refused.planFile!.path).toBe(refused.reportPath.replace(/\.json$/, '.plan.json'));
    expect(existsSync(refused.planFile!.path)).toBe(true);
    expect(refused.next).toBe(`review it with \`scim-sync show ${refused.planFile!.path}\`, then \`scim-sync apply ${refused.planFile!.path}\``);
    expect(ws.logLines.some((l) => l.includes(`the refused plan is saved: review it with \`scim-sync show ${refused.planFile!.path}\``))).toBe(true);
    expect(emulator.writeCount()).toBe(0);

    const applied = await applySavedPlan(config, { planFile: refused.planFile!.path }, ws.logger);
    expect(applied.exitCode).toBe(0);
    expect(emulator.store.list().filter((u) => !u.active)).toHaveLength(4);
    const recovered = receiver.bodies[1] as RunSummary;
    expect(recovered.event).toBe('recovered');
    expect(recovered.planFile).toEqual({ path: refused.planFile!.path, digest: refused.planFile!.digest });
  });
});
