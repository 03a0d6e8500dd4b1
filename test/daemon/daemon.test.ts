import { mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { type Daemon, startDaemon } from '../../src/daemon/daemon.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runCli } from '../cli/runCli.js';
import { test } from '../support/fixtures.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const EVERY_SECOND = '* * * * * *';

/** Polls /readyz until it answers `status`; returns the reason it gave. */
async function waitForReadiness(url: string, status: number, timeoutMs = 10_000): Promise<string | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(`${url}/readyz`);
    const body = (await res.json()) as { reason?: string };
    if (res.status === status) return body.reason;
    if (Date.now() > until) throw new Error(`timed out waiting for /readyz ${status} (last: ${res.status} ${body.reason ?? ''})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Another container's run holding the lock on a shared state volume: fresh heartbeat, a host identity not ours. */
const OTHER_CONTAINER = 'host=3f2a9c1d7e4b boot=00000000-0000-4000-8000-000000000000 pidns=pid:[4026532999]';

/** Polls until `probe` gives something other than undefined/false, and returns it. */
async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('scim-sync daemon', () => {
  let daemon: Daemon | undefined;
  afterEach(async () => {
    // Before the fixtures close the emulator and remove the workspace: the daemon uses both.
    await daemon?.stop('SIGTERM');
    daemon = undefined;
  });

  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));
  const reportsIn = (ws: Workspace) => ws.reports() as RunReport[];

  test('runs on the schedule; after a roster change the next cycle applies only that change', async ({ ws, emulators }) => {
    const emulator = await emulators.start();
    ws.writeRoster(people(3));
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND }, http: { port: 0 } }), ws.logger);
    await waitFor('the first cycle', () => reportsIn(ws).length >= 1);
    expect(reportsIn(ws)[0]!.summary.create).toEqual({ planned: 3, succeeded: 3 });

    const roster = people(3);
    roster[1] = { ...roster[1]!, first_name: 'Renamed' };
    ws.writeRoster(roster);
    const changed = await waitFor('a cycle with the change', () => reportsIn(ws).find((r) => r.operations.length > 0 && r.operations[0]!.op === 'update'));
    expect(changed.operations.map((o) => `${o.op}:${o.userName}:${o.outcome}`)).toEqual(['update:p1@example.com:succeeded']);
    const after = await waitFor('a quiet cycle after it', () => reportsIn(ws).at(-1)!.startedAt > changed.startedAt && reportsIn(ws).at(-1));
    expect(after.operations).toEqual([]);
  });

  test('a cycle slower than the schedule makes the next tick skip instead of overlapping, and /metrics counts it', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ latencyMs: 1200 });
    ws.writeRoster(people(1));
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND }, http: { port: 0 } }), ws.logger);
    await waitFor('a finished slow cycle', () => reportsIn(ws).length >= 1, 15_000);
    const metrics = await (await fetch(`${daemon.health.url}/metrics`)).text();
    const skipped = Number(/^scim_sync_skipped_ticks_total (\d+)/m.exec(metrics)?.[1]);
    expect(skipped).toBeGreaterThanOrEqual(1);
    // Never two runs at once: the emulator never saw two requests in flight from overlapping runs.
    expect(emulator.store.size).toBe(1);
    // Each skipped tick is logged once, by scim-sync: node-cron's own overlap message is debug only.
    const warnings = ws.logLines.map((l) => JSON.parse(l) as { level: number; msg: string }).filter((l) => l.level >= 40);
    expect(warnings.filter((l) => /overlap/i.test(l.msg))).toEqual([]);
    expect(warnings.filter((l) => l.msg === 'scheduled run skipped').length).toBeGreaterThanOrEqual(1);
    expect(ws.logLines.some((l) => l.includes('scheduled run skipped'))).toBe(true);
  });

  test('/healthz, /readyz and /metrics answer over HTTP and the metrics match the reports', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ users: [{ userName: 'gone@example.com', givenName: 'G', familyName: 'One', externalId: 'G1' }] });
    ws.writeRoster(people(4));
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true }, http: { port: 0 } }), ws.logger);
    const [report] = await waitFor('the start-up run', () => reportsIn(ws).length === 1 && reportsIn(ws));
    expect(daemon.health.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${daemon.health.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${daemon.health.url}/readyz`);
    expect(ready.status).toBe(200);
    const metrics = await (await fetch(`${daemon.health.url}/metrics`)).text();
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"=]/g, (c) => `\\${c}`)} (\\S+)`, 'm').exec(metrics)?.[1]);
    expect(value('scim_sync_runs_total{outcome="ok"}')).toBe(1);
    expect(value('scim_sync_operations_total{op="create",outcome="succeeded"}')).toBe(report!.summary.create.succeeded);
    expect(value('scim_sync_operations_total{op="deactivate",outcome="succeeded"}')).toBe(report!.summary.deactivate.succeeded);
    expect(value('scim_sync_requests_total{method="POST",status="201"}')).toBe(report!.requests.byMethod.POST);
    expect(value('scim_sync_requests_total{method="GET",status="200"}')).toBe(report!.requests.byMethod.GET);
    expect(value('scim_sync_remote_users')).toBe(report!.remote!.users);
    expect(value('scim_sync_roster_users')).toBe(report!.roster!.accepted);
    expect(value('scim_sync_last_success_timestamp_seconds')).toBe(Date.parse(report!.finishedAt) / 1000);
  });

  test('/readyz turns 503 after a run refused for safety, with a hint the daemon operator can follow (a one-shot run with the same config)', async ({
    ws,
    emulators,
  }) => {
    const emulator = await emulators.start({
      users: Array.from({ length: 4 }, (_, i) => ({ userName: `p${i}@example.com`, givenName: 'P', familyName: `${i}`, externalId: `E${i}` })),
    });
    ws.writeRoster(people(1));
    daemon = await startDaemon(
      ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true }, http: { port: 0 }, sync: { maxDeactivations: 1 } }),
      ws.logger,
    );
    const reason = await waitForReadiness(daemon.health.url, 503);
    expect(reason).toContain('last run was refused for safety, nothing was sent: the plan deactivates 3 users');
    expect(reason).toContain(`scim-sync run --config ${ws.configPath} --allow-deactivations 3`);
    expect(reason).not.toContain('re-run with --allow-deactivations');
    expect(emulator.writeCount()).toBe(0);
  });

  test('/readyz turns 503 after a run stopped by a run-fatal answer (invalid API key)', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ token: 'another-token' });
    ws.writeRoster(people(1));
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true }, http: { port: 0 } }), ws.logger);
    await waitFor('the failed run', () => reportsIn(ws).length === 1);
    const ready = await fetch(`${daemon.health.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toContain('Unable to access the team');
  });

  test('a run that crashes (its report folder is a file) turns /readyz 503 and is counted as crashed', async ({ ws, emulators }) => {
    const emulator = await emulators.start();
    ws.writeRoster(people(1));
    writeFileSync(join(ws.dir, 'not-a-folder'), '');
    const config = ws.config(emulator.url, {
      daemon: { schedule: '0 0 1 1 *', runOnStart: true },
      http: { port: 0 },
      report: { dir: './not-a-folder/reports' },
    });
    daemon = await startDaemon(config, ws.logger);
    await waitFor('the crashed run', () => ws.logLines.some((line) => line.includes('run crashed')));
    const ready = await fetch(`${daemon.health.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reason: string }).reason).toMatch(/^last run crashed: .*ENOTDIR/);
    expect(await (await fetch(`${daemon.health.url}/metrics`)).text()).toContain('scim_sync_runs_total{outcome="crashed"} 1');
  });

  test('/readyz turns 503 once daemon.maxSkippedTicks ticks in a row were skipped because another process holds the lock, and 200 after a run', async ({
    ws,
    emulators,
  }) => {
    const emulator = await emulators.start();
    ws.writeRoster(people(1));
    mkdirSync(`${ws.dir}/state`);
    const lockFile = `${ws.dir}/state/run.lock`;
    writeFileSync(lockFile, `1\n${new Date().toISOString()}\n${OTHER_CONTAINER}\n`);
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND, maxSkippedTicks: 2 }, http: { port: 0 } }), ws.logger);
    const reason = await waitForReadiness(daemon.health.url, 503);
    expect(reason).toMatch(
      /^the last \d+ scheduled runs were skipped \(daemon\.maxSkippedTicks 2\): another scim-sync run \(pid 1 on another host or container/,
    );
    expect(reason).toContain(lockFile);
    expect(emulator.requestLog).toEqual([]);
    unlinkSync(lockFile); // that run ended
    await waitFor('a run once the lock is free', () => reportsIn(ws).length >= 1);
    await waitForReadiness(daemon.health.url, 200);
  });

  test('/readyz turns 503 while a run goes on for longer than daemon.maxRunMinutes', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ latencyMs: 1500 });
    ws.writeRoster(people(1));
    daemon = await startDaemon(
      ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true, maxRunMinutes: 0.005 }, http: { port: 0 } }),
      ws.logger,
    );
    const reason = await waitForReadiness(daemon.health.url, 503);
    expect(reason).toMatch(/^a run has been going for 0 min, longer than daemon\.maxRunMinutes \(0\.005\); it may be stuck/);
  });

  test('a per-second schedule never sends more than target.requestsPerMinute in any rolling window: one budget for all runs, and a warning', async ({
    ws,
    emulators,
  }) => {
    // 3 requests per 10 s window (rateWindowMs shortens the 60 s window so the test stays short).
    const WINDOW_MS = 10_000;
    const BUDGET = 3;
    const users = people(2).map((p) => ({ userName: p.email, givenName: p.first_name, familyName: p.last_name, externalId: p.employee_id }));
    const emulator = await emulators.start({ users }); // already in sync: each run reads, sends nothing
    ws.writeRoster(people(2));
    const config = ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND }, http: { port: 0 }, target: { requestsPerMinute: BUDGET } });
    daemon = await startDaemon(config, ws.logger, { rateWindowMs: WINDOW_MS });
    await new Promise((r) => setTimeout(r, 12_000));
    const times = emulator.requestLog.map((r) => r.at);
    // Arrival times, measured at the service: allow half a second of delivery jitter on a loaded machine.
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + WINDOW_MS - 500).length));
    expect(busiest, JSON.stringify(times.map((t) => t - times[0]!))).toBeLessThanOrEqual(BUDGET);
    expect(reportsIn(ws).length).toBeGreaterThanOrEqual(2); // several runs did happen, and shared the budget
    expect(ws.logLines.some((l) => l.includes('daemon.schedule \\"* * * * * *\\" starts a run every 1 s: more often than once a minute'))).toBe(true);
    // After its first full read the daemon knows what one costs: 1 page at 3 a minute is 20 s (the warning
    // reckons in real minutes), longer than the 1 s between ticks.
    expect(
      ws.logLines.some((l) => l.includes('reading every user takes about 1 request, 20 s at target.requestsPerMinute 3, longer than the 1 s between runs')),
    ).toBe(true);
  }, 30_000);

  test('an invalid schedule or time zone is refused when the config is loaded, before the daemon starts, with the key named', ({ ws }) => {
    ws.writeRoster(people(1));
    expect(() => ws.config('http://127.0.0.1:9/scim/v2', { daemon: { schedule: '61 * * * *' } })).toThrow(
      /daemon\.schedule: got "61 \* \* \* \*", expected a cron expression/,
    );
    expect(() => ws.config('http://127.0.0.1:9/scim/v2', { daemon: { timezone: 'Mars/Olympus' } })).toThrow(
      'daemon.timezone: got "Mars/Olympus", expected an IANA time zone',
    );
  });

  test('keeps only the newest report.keep report files', async ({ ws, emulators }) => {
    const emulator = await emulators.start();
    ws.writeRoster(people(1));
    daemon = await startDaemon(ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND }, http: { port: 0 }, report: { keep: 2 } }), ws.logger);
    await waitFor('four cycles', () => emulator.requestLog.filter((r) => r.method === 'GET').length >= 4, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    expect(reportsIn(ws).length).toBeLessThanOrEqual(2);
  });

  test('SIGTERM during a run: the daemon lets it finish its in-flight requests, writes the report and exits 0', async ({ ws, emulators }) => {
    const emulator = await emulators.start({ latencyMs: 150 });
    ws.writeRoster(people(20));
    ws.config(emulator.url, { daemon: { schedule: '0 0 1 1 *', runOnStart: true }, http: { port: 0 }, target: { concurrency: 2 } });
    const result = await runCli(['daemon', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN }, (child) => {
      const timer = setInterval(() => {
        if (emulator.writeCount() >= 2) {
          clearInterval(timer);
          child.kill('SIGTERM');
        }
      }, 5);
    });
    expect(result.code, result.stderr).toBe(0);
    const [report] = reportsIn(ws);
    expect(report?.exitCode).toBe(143);
    expect(report?.stoppedBecause?.kind).toBe('interrupted');
    const succeeded = report!.operations.filter((o) => o.outcome === 'succeeded').length;
    expect(succeeded).toBe(emulator.store.size);
    expect(report!.operations.filter((o) => o.outcome === 'not-attempted')).toHaveLength(20 - succeeded);
  });
});
