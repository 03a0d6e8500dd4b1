import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Daemon, startDaemon } from '../../src/daemon/daemon.js';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runCli } from '../cli/runCli.js';
import { type RunningRedis, startRedis } from '../support/redisServer.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const EVERY_SECOND = '* * * * * *';

async function readiness(url: string): Promise<{ status: number; reason?: string }> {
  const res = await fetch(`${url}/readyz`);
  const body = (await res.json()) as { reason?: string };
  return { status: res.status, reason: body.reason };
}

/** Polls until `probe` gives something other than undefined/false, and returns it. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('coordination.redis unreachable', () => {
  let ws: Workspace;
  let emulator: RunningEmulator;
  let redis: RunningRedis;
  let daemon: Daemon | undefined;
  beforeEach(async () => {
    ws = new Workspace();
    redis = await startRedis();
    emulator = await startEmulator({ token: TEST_TOKEN });
  });
  afterEach(async () => {
    await daemon?.stop('SIGTERM');
    daemon = undefined;
    await emulator.close();
    await redis.stop();
    ws.cleanup();
  });

  const people = (n: number) => Array.from({ length: n }, (_, i) => ({ employee_id: `E${i}`, email: `p${i}@example.com`, first_name: 'P', last_name: `${i}` }));
  const reports = () => ws.reports() as RunReport[];

  it('Redis stopped between ticks: the tick is refused naming Redis, /readyz is 503 and counted; after Redis is back the next tick runs', async () => {
    ws.writeRoster(people(2));
    const config = ws.config(emulator.url, { daemon: { schedule: EVERY_SECOND }, http: { port: 0 }, coordination: { redis: redis.url, leaseTtlSeconds: 5 } });
    daemon = await startDaemon(config, ws.logger);
    const first = await waitFor('a first run', () => reports()[0]);
    expect(first.exitCode).toBe(0);
    expect(first.coordination).toMatchObject({ job: 'roster', fencingToken: 1 });

    await redis.stop();
    const down = await waitFor('/readyz 503', async () => {
      const r = await readiness(daemon!.health.url);
      return r.status === 503 && r;
    });
    expect(down.reason).toContain(`Redis at ${redis.url}`);
    expect(down.reason).toContain('Nothing is sent without the shared rate budget');
    const metrics = await (await fetch(`${daemon.health.url}/metrics`)).text();
    expect(Number(/^scim_sync_coordination_unavailable_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    // Refused ticks send nothing and write no report.
    const requestsWhileDown = emulator.requestLog.length;
    const reportsWhileDown = reports().length;
    await waitFor('another refused tick', async () => {
      const m = await (await fetch(`${daemon!.health.url}/metrics`)).text();
      return Number(/^scim_sync_coordination_unavailable_total (\d+)/m.exec(m)?.[1]) >= 2;
    });
    expect(emulator.requestLog.length).toBe(requestsWhileDown);
    expect(reports().length).toBe(reportsWhileDown);

    await redis.start();
    await waitFor('a run after Redis is back', () => reports().length > reportsWhileDown);
    const after = reports().at(-1)!;
    expect(after.exitCode).toBe(0);
    expect(after.coordination!.fencingToken).toBeGreaterThanOrEqual(1);
    await waitFor('/readyz 200 again', async () => (await readiness(daemon!.health.url)).status === 200);
  });

  it('a one-shot run with Redis down is refused with exit 1 and sends nothing', async () => {
    ws.writeRoster(people(2));
    ws.writeConfig(emulator.url, { coordination: { redis: redis.url } });
    await redis.stop();
    const result = await runCli(['run', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`run refused, nothing was sent: Redis at ${redis.url} (coordination.redis) is unreachable`);
    expect(emulator.requestLog).toEqual([]);
  });

  it('Redis dying mid-run stops new requests at once; the report says the shared budget was unreachable', async () => {
    ws.writeRoster(people(12));
    ws.writeConfig(emulator.url, { target: { concurrency: 1 }, coordination: { redis: redis.url } });
    emulator.setFaults({ rules: [{ method: 'POST', action: { type: 'delay', ms: 300 } }] });
    const result = runCli(['run', '--config', ws.configPath], { SCIM_TOKEN: TEST_TOKEN });
    await waitFor('some creates', () => emulator.store.size >= 2);
    await redis.stop();
    const stoppedAt = Date.now();
    const { code } = await result;
    expect(code).toBe(1);
    const report = reports()[0]!;
    expect(report.stoppedBecause).toMatchObject({ kind: 'run-fatal' });
    expect(report.stoppedBecause!.detail).toContain(`Redis at ${redis.url}`);
    expect(report.summary.create.succeeded).toBeLessThan(12);
    // At most the request already granted when Redis went (concurrency 1) arrives after it.
    expect(emulator.requestLog.filter((r) => r.at > stoppedAt).length).toBeLessThanOrEqual(1);
  });
});
