import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../../src/emulator/server.js';
import type { RunReport } from '../../src/report/runReport.js';
import { runProcess } from '../support/runProcess.js';
import { type RunningRedis, startRedis } from '../support/redisServer.js';
import { TEST_TOKEN, Workspace } from '../support/workspace.js';

const CHILD = fileURLToPath(new URL('./children/runWithWindow.mjs', import.meta.url));
const WINDOW_MS = 3_000;
const BUDGET = 15; // per window, for all processes together

/** The most arrivals in any half-open window [t, t + windowMs). */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let lo = 0, hi = 0; hi < t.length; hi++) {
    while (t[hi]! - t[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('processes sharing one rate budget through Redis', { timeout: 60_000 }, () => {
  let redis: RunningRedis;
  let emulator: RunningEmulator;
  let jobs: Workspace[] = [];
  beforeEach(async () => {
    redis = await startRedis();
  });
  afterEach(async () => {
    await emulator?.close();
    await redis.stop();
    for (const ws of jobs) ws.cleanup();
    jobs = [];
  });

  /** Three jobs into one tenant (different rosters, so different coordination.job), each run as its own process. */
  function runThreeJobs(usersPerJob: number) {
    jobs = [0, 1, 2].map((j) => {
      const ws = new Workspace();
      ws.writeRoster(
        Array.from({ length: usersPerJob }, (_, i) => ({ employee_id: `J${j}-${i}`, email: `j${j}.u${i}@example.com`, first_name: 'P', last_name: `${i}` })),
      );
      ws.writeConfig(emulator.url, {
        target: { requestsPerMinute: BUDGET, concurrency: 2, retry: { maxAttempts: 3, defaultRetryAfterSeconds: 2 } },
        sync: { deactivateMissing: false },
        coordination: { redis: redis.url, job: `job${j}` },
        log: { level: 'warn' },
      });
      return ws;
    });
    return Promise.all(
      jobs.map((ws) =>
        runProcess(process.execPath, [CHILD, ws.configPath, String(WINDOW_MS)], { env: { PATH: process.env.PATH ?? '', SCIM_TOKEN: TEST_TOKEN } }),
      ),
    );
  }

  it('three processes with a combined plan larger than the budget never exceed it in any window, and get no 429', async () => {
    // The service limits at exactly the budget: one request too many anywhere would be a 429.
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: { max: BUDGET, windowMs: WINDOW_MS, retryAfter: 'seconds' } });
    const results = await runThreeJobs(8); // 3 × (1 discovery + 1 page + 8 creates) = 30 requests: two windows' worth
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const times = emulator.requestLog.map((r) => r.at);
    expect(
      emulator.requestLog.map((r) => `${r.method} ${r.path} ${r.status}`),
      'each job: 1 discovery, 1 page, 8 creates',
    ).toHaveLength(30);
    expect(emulator.requestLog.filter((r) => r.status === 429)).toEqual([]);
    expect(maxInAnyWindow(times, WINDOW_MS)).toBeLessThanOrEqual(BUDGET);
    expect(emulator.store.size).toBe(24);
    for (const ws of jobs) {
      const [report] = ws.reports() as RunReport[];
      expect(report!.requests.throttled).toBe(0);
      expect(report!.coordination!.job).toMatch(/^job\d$/);
    }
  });

  it('a 429 seen by one process pauses all of them for its Retry-After', async () => {
    emulator = await startEmulator({ token: TEST_TOKEN, rateLimit: false });
    // The 10th POST the service receives, whichever process sent it, answers 429 "retry after 2 s".
    emulator.setFaults({
      rules: [{ method: 'POST', every: 10, times: 1, action: { type: 'reply', status: 429, body: { detail: 'Too many requests' } } }],
    });
    const results = await runThreeJobs(8);
    for (const r of results) expect(r.code, r.stderr).toBe(0);

    const throttled = emulator.requestLog.find((r) => r.status === 429)!;
    expect(throttled).toBeDefined();
    const after = emulator.requestLog.filter((r) => r.at > throttled.at);
    // Requests granted before the 429 reached its process may still arrive just after it (grants
    // are WINDOW_MS / BUDGET = 200 ms apart, so one, two on a slow machine); none in the rest of
    // the pause. Unshared, the other two processes would have sent about 8 in these 2 s.
    const inPause = after.filter((r) => r.at < throttled.at + 2_000);
    expect(inPause.filter((r) => r.at > throttled.at + 500)).toEqual([]);
    expect(inPause.length).toBeLessThanOrEqual(2);
    expect(after.length).toBeGreaterThan(5); // and then all of them went on
    expect(emulator.store.size).toBe(24);
  });
});
